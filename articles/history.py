"""Repairs of the stored history (django-reversion versions) of articles."""

from __future__ import annotations

import json

# Workflow saves before December 2026 stored `version` as the text of an F()
# expression ("F(version) + Value(1)"), which django-reversion cannot load: those
# entries answered «incompatible version data» instead of opening.
BROKEN_VERSION_MARK = '"version": "F('


def repair_article_versions(version_model, article_content_type) -> int:
    """Give every stored article version an integer `version`; returns how many changed.

    Restoring never brings the counter back (it only moves forward), so the
    number only has to be a valid one: the previous entry's plus one.
    """
    repaired = 0
    broken = version_model.objects.filter(
        content_type=article_content_type, serialized_data__contains=BROKEN_VERSION_MARK
    ).order_by("object_id", "pk")
    for entry in broken.iterator():
        data = json.loads(entry.serialized_data)
        earlier = (
            version_model.objects.filter(
                content_type=article_content_type, object_id=entry.object_id, pk__lt=entry.pk
            )
            .exclude(serialized_data__contains=BROKEN_VERSION_MARK)
            .order_by("-pk")
            .first()
        )
        previous = json.loads(earlier.serialized_data)[0]["fields"]["version"] if earlier else 0
        for item in data:
            if not isinstance(item["fields"].get("version"), int):
                item["fields"]["version"] = int(previous) + 1
        entry.serialized_data = json.dumps(data)
        entry.save(update_fields=["serialized_data"])
        repaired += 1
    return repaired
