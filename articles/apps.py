from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Redazione")

    def ready(self):
        from django.db.models.signals import post_migrate

        from articles import related  # noqa: F401  (connects the refresh signals)

        post_migrate.connect(_ensure_search_configuration, sender=self)


def _ensure_search_configuration(using="default", **kwargs):
    """Every `migrate` makes sure the TEXT_SEARCH_CONFIG language has its configuration.

    Migration 0003 creates it for the language set when it ran; a site (or an
    evaluation corpus) that sets another language later gets it here.
    """
    from django.db import connections

    from articles.search import ensure_configuration

    with connections[using].schema_editor() as schema_editor:
        ensure_configuration(schema_editor)
