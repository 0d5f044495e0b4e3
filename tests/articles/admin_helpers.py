"""POST payloads for the article admin form, as a browser would send them."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

INLINE_PREFIXES = [
    "article_authors",
    "article_people",
    "sources",
    "corrections",
    "related_pins",
    "related_exclusions",
]


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def split_datetime(name: str, value) -> dict[str, str]:
    if value is None:
        return {f"{name}_0": "", f"{name}_1": ""}
    local = timezone.localtime(value)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def article_post(article=None, *, section=None, inlines: dict | None = None, **fields) -> dict:
    """The article form's fields (from `article` when given) plus empty inline formsets."""
    data = {
        "kind": article.kind if article else "news",
        "title": article.title if article else "Titolo",
        "slug": article.slug if article else "titolo",
        "section": str((section or article.section).pk),
        "standfirst": article.standfirst if article else "",
        "body": article.body if article else "",
        "tags": "",
        "lead_image_alt": article.lead_image_alt if article else "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "highlighted_quote": article.highlighted_quote if article else "",
        "is_health_content": "on" if (article is None or article.is_health_content) else "",
        "medical_reviewer_person": "",
        "medical_reviewer_author": "",
        "last_reviewed": "",
        "priority": str(article.priority if article else 0),
        "sponsor_name": "",
        "audience": article.audience if article else "public",
        "seo_title": "",
        "seo_description": "",
        "related_enabled": "on",
        "override_reason": "",
    }
    data.update(split_datetime("publish_at", article.publish_at if article else None))
    data.update(split_datetime("unpublish_at", article.unpublish_at if article else None))
    if article is not None:
        data["loaded_version"] = str(article.version)
    for prefix in INLINE_PREFIXES:
        data.update(management(prefix))
    for prefix, rows in (inlines or {}).items():
        data.update(management(prefix, total=len(rows)))
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = value
    for key, value in fields.items():
        if key.endswith("_at") and key in {"publish_at", "unpublish_at"}:
            data.update(split_datetime(key, value))
        elif value is False:
            data.pop(key, None)
        else:
            data[key] = value
    return {k: v for k, v in data.items() if v is not None}


def jpeg(name: str = "ospedale.jpg", size: tuple[int, int] = (1200, 800)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 180)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
