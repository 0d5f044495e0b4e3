"""Uploaded images: validation, generated file names, renditions made once.

Every upload (lead images, author and person photos, the publisher's logo,
CKEditor's in-body images) goes through `inspect_image`: a real JPEG, PNG or
WebP decoded by Pillow, within a file-size and a pixel limit, with no markup
hidden inside. Stored names are generated (`UploadTo`), never the client's.

Lead-image renditions are made with Pillow directly: a few widths capped at
the original, each as WebP plus a JPEG fallback, stored once with their sizes
in `Article.lead_image_renditions`. A task makes them after the article is
saved; `ensure_lead_image_renditions` makes them on first need if the task
has not run yet. Templates then only read the stored list (`{% picture %}`).
"""

from __future__ import annotations

import logging
import re
import uuid
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.html import escapejs
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tasks import task
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1600)
# In-body images are shown at most at the article column's width (x2 for dense screens).
BODY_IMAGE_MAX_WIDTH = 1600
DEFAULT_MAX_BYTES = 15 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# Markup that turns an image into an HTML/SVG/PHP polyglot. Checked over the
# whole file: XMP metadata is XML but never contains these elements.
_MARKUP = re.compile(
    rb"<(?:script|html|head|body|svg|iframe|object|embed|form|!doctype|\?php)[\s>/]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def max_upload_bytes() -> int:
    return getattr(settings, "IMAGE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels() -> int:
    return getattr(settings, "IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def _bomb_error() -> ValidationError:
    return ValidationError(
        _(
            "L'immagine ha troppi pixel (massimo %(mp)s milioni): riducila a una "
            "dimensione ragionevole, per esempio 3000 pixel di lato, e caricala di nuovo."
        ),
        code="image_too_many_pixels",
        params={"mp": max_pixels() // 1_000_000},
    )


def inspect_image(data: bytes) -> ImageInfo:
    """Check that `data` is a whole JPEG, PNG or WebP image within our limits.

    Raises ValidationError with an Italian message the editor can act on.
    """
    if len(data) > max_upload_bytes():
        raise ValidationError(
            _("Il file pesa %(size)s: il massimo è %(max)s. Riducilo e riprova."),
            code="image_too_large",
            params={"size": filesizeformat(len(data)), "max": filesizeformat(max_upload_bytes())},
        )
    not_an_image = ValidationError(
        _(
            "Il file non è un'immagine JPEG, PNG o WebP valida. "
            "Sono ammessi solo questi formati (non SVG, GIF o altri)."
        ),
        code="image_invalid",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb_error() from None
    except (OSError, SyntaxError, ValueError):
        raise not_an_image from None
    with image:
        if _MARKUP.search(data):
            raise ValidationError(
                _(
                    "Il file contiene codice nascosto oltre all'immagine e non può essere "
                    "caricato. Esportalo di nuovo come JPEG, PNG o WebP da un programma di grafica."
                ),
                code="image_polyglot",
            )
        width, height = image.size
        if width * height > max_pixels():
            raise _bomb_error()
        if getattr(image, "is_animated", False):
            raise ValidationError(
                _("Le immagini animate non sono ammesse: carica un'immagine fissa."),
                code="image_animated",
            )
        info = ImageInfo(image.format, width, height)
        try:
            if image.format == "JPEG":
                # DCT scaling decodes every byte at 1/8 size: truncation is still caught.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
        except (OSError, SyntaxError, ValueError):
            raise ValidationError(
                _("L'immagine è danneggiata o incompleta: esportala di nuovo e riprova."),
                code="image_damaged",
            ) from None
    if not _ends_cleanly(data, info.format):
        raise ValidationError(
            _(
                "Il file contiene dati nascosti dopo l'immagine e non può essere "
                "caricato. Esportalo di nuovo come JPEG, PNG o WebP da un programma di grafica."
            ),
            code="image_polyglot",
        )
    return info


def _ends_cleanly(data: bytes, image_format: str) -> bool:
    """No payload after the image's own end (JPEG is exempt: phones append motion clips)."""
    if image_format == "PNG":
        return data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82")
    if image_format == "WEBP":
        declared = int.from_bytes(data[4:8], "little") + 8
        return declared + (declared % 2) >= len(data)
    return True


def _read(value) -> bytes:
    file = getattr(value, "file", value)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def validate_image_file(value) -> None:
    """Model/form field validator for every image upload (see `inspect_image`).

    A file already in storage is not read again: it was checked on upload.
    """
    if getattr(value, "_committed", False):
        return
    size = getattr(value, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            _("Il file pesa %(size)s: il massimo è %(max)s. Riducilo e riprova."),
            code="image_too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(max_upload_bytes())},
        )
    inspect_image(_read(value))


@deconstructible
class UploadTo:
    """`upload_to` that names files `<prefix>/<random>.<real extension>`.

    The client's file name never reaches storage: it may carry personal data,
    odd characters or a misleading extension.
    """

    def __init__(self, prefix: str, field: str):
        self.prefix = prefix
        self.field = field

    def __call__(self, instance, filename: str) -> str:
        extension = self._extension(instance, filename)
        folder = timezone.now().strftime(self.prefix)
        return f"{folder.rstrip('/')}/{uuid.uuid4().hex}{extension}"

    def _extension(self, instance, filename: str) -> str:
        fieldfile = getattr(instance, self.field, None)
        file = getattr(fieldfile, "_file", None)
        if file is not None:
            try:
                file.seek(0)
                with Image.open(file, formats=ALLOWED_FORMATS) as image:
                    return EXTENSIONS[image.format]
            except (OSError, SyntaxError, ValueError):
                pass
            finally:
                file.seek(0)
        suffix = PurePosixPath(filename).suffix.lower()
        return (
            {".jpeg": ".jpg"}.get(suffix, suffix)
            if suffix in {".jpg", ".jpeg", ".png", ".webp"}
            else ".jpg"
        )

    def __eq__(self, other):
        return isinstance(other, UploadTo) and (self.prefix, self.field) == (
            other.prefix,
            other.field,
        )


# Renditions -----------------------------------------------------------------


def rendition_widths(original_width: int) -> list[int]:
    """Our widths below the original, plus the original when it is smaller than the largest."""
    return sorted({min(width, original_width) for width in RENDITION_WIDTHS})


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def make_renditions(name: str, storage=None) -> list[dict]:
    """Write every rendition of the stored image `name`; return their descriptions.

    Each entry: width, height, webp and jpeg (storage names) and source (`name`).
    Metadata (EXIF, GPS position) is not copied into renditions.
    """
    storage = storage or default_storage
    with storage.open(name, "rb") as file, Image.open(file, formats=ALLOWED_FORMATS) as original:
        original = ImageOps.exif_transpose(original)
        has_alpha = original.mode in ("RGBA", "LA", "PA") or "transparency" in original.info
        base = original.convert("RGBA" if has_alpha else "RGB")
    stem = "renditions/" + str(PurePosixPath(name).with_suffix(""))
    entries = []
    for width in reversed(rendition_widths(base.width)):
        height = max(1, round(base.height * width / base.width))
        resized = (
            base
            if width == base.width
            else base.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        webp, jpeg = BytesIO(), BytesIO()
        resized.save(webp, "WEBP", quality=80, method=4)
        _flatten(resized).save(jpeg, "JPEG", quality=82, optimize=True, progressive=True)
        entries.append(
            {
                "width": width,
                "height": height,
                "webp": storage.save(f"{stem}-{width}w.webp", ContentFile(webp.getvalue())),
                "jpeg": storage.save(f"{stem}-{width}w.jpg", ContentFile(jpeg.getvalue())),
                "source": name,
            }
        )
        base = resized  # each smaller width from the previous one: faster, same quality
    entries.reverse()
    return entries


def renditions_current(article) -> bool:
    renditions = article.lead_image_renditions or []
    return (
        bool(article.lead_image)
        and bool(renditions)
        and all(entry.get("source") == article.lead_image.name for entry in renditions)
    )


def ensure_lead_image_renditions(article) -> list[dict]:
    """The article's renditions, made now (once) if missing or made for an older image."""
    from articles.freshness import content_changed
    from articles.models import Article

    if not article.lead_image:
        return []
    if renditions_current(article):
        return article.lead_image_renditions
    renditions = make_renditions(article.lead_image.name)
    # Conditional: a newer image saved meanwhile keeps its own renditions.
    updated = Article.objects.filter(pk=article.pk, lead_image=article.lead_image.name).update(
        lead_image_renditions=renditions
    )
    if updated:
        # Pages showing the image now offer the smaller sizes (srcset).
        content_changed(f"article-{article.pk}")
    article.lead_image_renditions = renditions
    return renditions


@task()
def make_lead_image_renditions(article_id: int) -> int:
    """Background half of `ensure_lead_image_renditions`; returns how many were made."""
    from articles.models import Article

    article = (
        Article.objects.filter(pk=article_id).only("lead_image", "lead_image_renditions").first()
    )
    if article is None or not article.lead_image or renditions_current(article):
        return 0
    return len(ensure_lead_image_renditions(article))


def schedule_lead_image_renditions(article) -> None:
    """Called after an article is saved: renditions for a new image, none for no image."""
    from articles.models import Article

    if article.lead_image:
        if not renditions_current(article):
            article_id = article.pk
            transaction.on_commit(lambda: make_lead_image_renditions.enqueue(article_id))
    elif article.lead_image_renditions:
        article.lead_image_renditions = []
        Article.objects.filter(pk=article.pk).update(lead_image_renditions=[])


def picture_context(article, *, sizes: str, eager: bool = False, css_class: str = "") -> dict:
    """What includes/picture.html needs; renditions are made here only if missing."""
    if not article.lead_image:
        return {"picture": None}
    try:
        renditions = ensure_lead_image_renditions(article)
    except (OSError, SyntaxError, ValueError):
        logger.exception("renditions failed for article %s", article.pk)
        renditions = []
    url = default_storage.url
    if not renditions:  # a missing or broken file: show the original rather than nothing
        return {
            "picture": {"src": article.lead_image.url, "width": None, "height": None},
            "alt": article.lead_image_alt,
            "sizes": sizes,
            "eager": eager,
            "css_class": css_class,
        }
    largest = renditions[-1]
    fallback = next((r for r in renditions if r["width"] >= 960), largest)
    return {
        "picture": {
            "webp_srcset": ", ".join(f"{url(r['webp'])} {r['width']}w" for r in renditions),
            "jpeg_srcset": ", ".join(f"{url(r['jpeg'])} {r['width']}w" for r in renditions),
            "src": url(fallback["jpeg"]),
            "width": largest["width"],
            "height": largest["height"],
        },
        "alt": article.lead_image_alt,
        "sizes": sizes,
        "eager": eager,
        "css_class": css_class,
    }


# CKEditor uploads -------------------------------------------------------------


def _ckeditor_response(request: HttpRequest, *, url: str = "", error: str = "") -> HttpResponse:
    func_num = request.GET.get("CKEditorFuncNum")
    if func_num and func_num.isdigit():  # the dialog's form upload expects a script
        return HttpResponse(
            "<script>window.parent.CKEDITOR.tools.callFunction("
            f"{func_num}, '{escapejs(url)}', '{escapejs(error)}');</script>"
        )
    if error:
        return JsonResponse({"uploaded": 0, "error": {"message": error}}, status=400)
    return JsonResponse({"uploaded": 1, "fileName": PurePosixPath(url).name, "url": url})


def store_body_image(data: bytes, info: ImageInfo) -> str:
    """Re-encode an in-body image (no metadata, at most BODY_IMAGE_MAX_WIDTH wide) and save it.

    Also writes the `_thumb` file that ckeditor_uploader's browser lists.
    """
    with Image.open(BytesIO(data), formats=ALLOWED_FORMATS) as original:
        image = ImageOps.exif_transpose(original)
        image = image.convert(
            "RGBA" if info.format != "JPEG" and "A" in image.getbands() else "RGB"
        )
    if image.width > BODY_IMAGE_MAX_WIDTH:
        height = round(image.height * BODY_IMAGE_MAX_WIDTH / image.width)
        image = image.resize((BODY_IMAGE_MAX_WIDTH, height), Image.Resampling.LANCZOS)
    out = BytesIO()
    options = {"JPEG": {"quality": 85, "optimize": True, "progressive": True}}
    options["WEBP"] = {"quality": 85}
    image.save(out, info.format, **options.get(info.format, {"optimize": True}))
    folder = timezone.now().strftime(settings.CKEDITOR_UPLOAD_PATH.rstrip("/") + "/%Y/%m")
    name = default_storage.save(
        f"{folder}/{uuid.uuid4().hex}{info.extension}", ContentFile(out.getvalue())
    )
    thumb = image.copy()
    thumb.thumbnail((150, 150))
    thumb_out = BytesIO()
    _flatten(thumb).save(thumb_out, "JPEG", quality=80)
    stem = str(PurePosixPath(name).with_suffix(""))
    default_storage.save(f"{stem}_thumb{info.extension}", ContentFile(thumb_out.getvalue()))
    return name


# Same as ckeditor_uploader's own view: CKEditor 4 cannot send Django's CSRF
# token, and the session cookie (SameSite=Lax) is not sent on cross-site POSTs.
@csrf_exempt
@staff_member_required
@require_POST
def ckeditor_upload(request: HttpRequest) -> HttpResponse:
    """CKEditor's image upload, with the same validation as every other image."""
    upload = request.FILES.get("upload")
    if upload is None:
        return _ckeditor_response(request, error=_("Nessun file ricevuto."))
    if upload.size > max_upload_bytes():
        error = ValidationError(
            _("Il file pesa %(size)s: il massimo è %(max)s. Riducilo e riprova."),
            params={"size": filesizeformat(upload.size), "max": filesizeformat(max_upload_bytes())},
        )
        return _ckeditor_response(request, error=error.messages[0])
    data = upload.read()
    try:
        info = inspect_image(data)
    except ValidationError as exc:
        return _ckeditor_response(request, error=exc.messages[0])
    name = store_body_image(data, info)
    return _ckeditor_response(request, url=default_storage.url(name))
