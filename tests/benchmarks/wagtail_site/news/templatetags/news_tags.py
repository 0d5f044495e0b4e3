from django import template
from wagtail.models import Site

from news.models import SectionPage

register = template.Library()


@register.inclusion_tag("news/includes/nav.html", takes_context=True)
def section_nav(context):
    site = Site.find_for_request(context["request"])
    sections = SectionPage.objects.live().in_menu().child_of(site.root_page) if site else []
    return {"sections": sections, "request": context["request"]}
