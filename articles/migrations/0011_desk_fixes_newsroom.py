from django.contrib.auth.management import create_permissions
from django.db import migrations


def repair_history(apps, schema_editor):
    from articles.history import repair_article_versions

    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    if content_type is not None:
        repair_article_versions(Version, content_type)


def update_groups(apps, schema_editor):
    from articles.roles import ensure_newsroom_groups

    # Permissions are normally made after migrations (post_migrate).
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_newsroom_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_article_live_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.RunPython(repair_history, migrations.RunPython.noop),
        migrations.RunPython(update_groups, migrations.RunPython.noop),
    ]
