from django.apps import AppConfig
from django.db.models.signals import post_migrate

VERIFIER_GROUP = "Verifica operatori sanitari"
EDITOR_GROUP = "Caporedattore"
VERIFIER_PERMISSIONS = [
    "verify_professional",
    "view_professionalprofile",
    "change_professionalprofile",
    "view_verificationdecision",
    "view_registerentry",
]


def grant_verification(sender, **kwargs):
    """Caporedattori and the «Verifica operatori sanitari» group run the queue (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    permissions = Permission.objects.filter(
        content_type__app_label="readers", codename__in=VERIFIER_PERMISSIONS
    )
    for name in (VERIFIER_GROUP, EDITOR_GROUP):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class ReadersConfig(AppConfig):
    name = "readers"
    verbose_name = "Lettori e operatori sanitari"

    def ready(self):
        post_migrate.connect(grant_verification, sender=self)
