from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from anymail.signals import inbound, tracking

        from newsletter import esp

        tracking.connect(esp.on_tracking, dispatch_uid="newsletter.esp.tracking")
        inbound.connect(esp.on_inbound, dispatch_uid="newsletter.esp.inbound")
