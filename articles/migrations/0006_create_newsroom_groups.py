"""The newsroom's roles as groups: «Giornalista» and «Caporedattore».

Permissions are normally created after migrations run (post_migrate), so
they are created here first for the apps the groups need.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.roles import EDITOR, JOURNALIST, ensure_newsroom_groups


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_newsroom_groups(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[JOURNALIST, EDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_add_related_term_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
