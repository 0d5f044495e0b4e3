from django.views.generic import TemplateView


class SubscribeView(TemplateView):
    template_name = "newsletter/subscribe.html"
