"""Tags made before TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING had slugs like "sanità"
or "" that no /tag/<slug>/ address can carry (their articles' pages failed):
give them ASCII slugs. Those addresses never worked, so no redirect is needed.
"""

import hashlib
import re

from django.db import migrations
from django.utils.text import slugify

VALID = re.compile(r"[-a-zA-Z0-9_]+")


def ascii_tag_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    taken = set(Tag.objects.values_list("slug", flat=True))
    for tag in Tag.objects.order_by("pk"):
        if VALID.fullmatch(tag.slug):
            continue
        base = slugify(tag.name)[:90] or "tag-" + hashlib.sha256(tag.name.encode()).hexdigest()[:10]
        slug, n = base, 1
        while slug in taken:
            slug, n = f"{base}_{n}", n + 1
        taken.add(slug)
        Tag.objects.filter(pk=tag.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_related_term_impact_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(ascii_tag_slugs, migrations.RunPython.noop)]
