from django.db import migrations


def repair_history(apps, schema_editor):
    from articles.history import repair_article_versions

    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    if content_type is not None:
        repair_article_versions(Version, content_type)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_article_live_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.RunPython(repair_history, migrations.RunPython.noop),
    ]
