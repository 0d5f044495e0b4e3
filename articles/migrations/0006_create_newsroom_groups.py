"""The newsroom's roles as groups: «Giornalista» and «Caporedattore».

Permissions are normally created after migrations run (post_migrate), so
they are created here first for the apps the groups need.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

JOURNALIST = {
    "articles": {
        "article": ["add", "change", "view"],
        "articleauthor": ["add", "change", "delete", "view"],
        "articleperson": ["add", "change", "delete", "view"],
        "source": ["add", "change", "delete", "view"],
        "relatedpin": ["add", "change", "delete", "view"],
        "relatedexclusion": ["add", "change", "delete", "view"],
        "person": ["add", "change", "view"],
        "author": ["view"],
        "section": ["view"],
        "correction": ["view"],
        "articleevent": ["view"],
        "relatedarticle": ["view"],
    },
    "taggit": {"tag": ["add", "view"]},
}
EDITOR_EXTRA = ["publish_article", "edit_any_article"]
# Internal tables no editor manages by hand.
EDITOR_SKIPPED_MODELS = {"articlelabel", "relatedtermstat"}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    journalist, _ = Group.objects.get_or_create(name="Giornalista")
    for app_label, models in JOURNALIST.items():
        for model, actions in models.items():
            journalist.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )

    editor, _ = Group.objects.get_or_create(name="Caporedattore")
    editor.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["articles", "taggit"]).exclude(
            content_type__model__in=EDITOR_SKIPPED_MODELS
        ),
        *Permission.objects.filter(content_type__app_label="articles", codename__in=EDITOR_EXTRA),
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Giornalista", "Caporedattore"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_add_related_term_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
