from django.db import migrations

from articles.search import config_name, ensure_configuration

# unaccent() is only STABLE (it reads its dictionary by name); this wrapper
# names the dictionary explicitly, so it can be IMMUTABLE and indexed.
CREATE_UNACCENT = """
CREATE OR REPLACE FUNCTION public.sanita33_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""


def create_configuration(apps, schema_editor):
    ensure_configuration(schema_editor)


def drop_configuration(apps, schema_editor):
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS public.{config_name()}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_enable_search_extensions")]

    operations = [
        migrations.RunSQL(
            CREATE_UNACCENT, "DROP FUNCTION IF EXISTS public.sanita33_unaccent(text)"
        ),
        migrations.RunPython(create_configuration, drop_configuration),
        # "Forse cercavi …": trigram matches on unaccented, lower-case titles.
        migrations.RunSQL(
            "CREATE INDEX article_title_trgm_idx ON articles_article "
            "USING gin (public.sanita33_unaccent(lower(title)) gin_trgm_ops)",
            "DROP INDEX IF EXISTS article_title_trgm_idx",
        ),
    ]
