"""`{% picture %}`: an article's lead image as a responsive <picture>.

Usage::

    {% load pictures %}
    {% picture article %}
    {% picture article sizes="(min-width: 64em) 960px, 100vw" eager=True %}
    {% picture article sizes="20rem" css_class="card__image" %}

- `sizes`: the displayed width, as in the HTML attribute (default "100vw").
- `eager`: the image is above the fold (the article's lead, the home's top
  story): loaded at once with fetchpriority="high" instead of lazily.
- `css_class`: class of the <img>.

Renders WebP and JPEG `srcset`s over the stored renditions, `width`/`height`
of the largest (so the box keeps its ratio before the file arrives) and the
article's alt text. Nothing is rendered when the article has no lead image.
Renditions are read from `article.lead_image_renditions` (keep that field in
`.only()` lists); they are made here only if the background task has not yet
made them, once.
"""

from __future__ import annotations

from django import template

from articles.images import picture_context

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(article, sizes: str = "100vw", eager: bool = False, css_class: str = "") -> dict:
    return picture_context(article, sizes=sizes, eager=eager, css_class=css_class)
