from django.apps import AppConfig, apps
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save

# Models whose rows never change what readers see.
NOT_PUBLIC = {"articleevent", "articlelabel"}


class Sanita33Config(AppConfig):
    name = "sanita33"
    verbose_name = "Sanità33"

    def ready(self):
        from sanita33.pagecache import bump_content_version

        watched = [
            model
            for app_label in ("articles", "taggit")
            for model in apps.get_app_config(app_label).get_models()
            if model._meta.model_name not in NOT_PUBLIC
        ]
        for model in watched:
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"pc-{model}")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"pc-d-{model}")
        m2m_changed.connect(bump_content_version, dispatch_uid="pc-m2m")

        from sanita33.outage import database_connected

        connection_created.connect(database_connected, dispatch_uid="outage-database-connected")
