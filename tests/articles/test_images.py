import re
import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from articles import images
from articles.images import inspect_image, validate_image_file
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, UserFactory


def image_bytes(fmt="JPEG", size=(1000, 600), mode="RGB", **options) -> bytes:
    out = BytesIO()
    Image.linear_gradient("L").resize(size).convert(mode).save(out, fmt, **options)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares these dimensions (enough for Pillow to open it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(data: bytes, name="foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_jpeg_png_and_webp_are_accepted(fmt):
    info = inspect_image(image_bytes(fmt))
    assert (info.format, info.width, info.height) == (fmt, 1000, 600)


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload(data))
    return caught.value.messages[0]


def test_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "non è un'immagine JPEG, PNG o WebP" in refusal(svg)
    plain_svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    assert "non è un'immagine JPEG, PNG o WebP" in refusal(plain_svg)


def test_gif_is_refused():
    assert "non è un'immagine JPEG, PNG o WebP" in refusal(image_bytes("GIF", mode="P"))


def test_text_file_renamed_jpg_is_refused():
    assert "non è un'immagine" in refusal(b"Referto del paziente, riservato.\n" * 20)


def test_polyglot_with_html_inside_is_refused():
    jpeg = image_bytes("JPEG")
    assert "codice nascosto" in refusal(jpeg + b"<html><script>alert(document.cookie)</script>")
    assert "codice nascosto" in refusal(
        image_bytes("JPEG", comment=b"<?php system($_GET['c']); ?>")
    )


def test_png_with_data_after_its_end_is_refused():
    png = image_bytes("PNG")
    assert "dati nascosti" in refusal(png + b"PK\x03\x04" + b"\x00" * 40)


def test_decompression_bomb_is_refused():
    message = refusal(png_header_only(30000, 30000))
    assert "troppi pixel" in message


def test_image_over_our_pixel_limit_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    assert "troppi pixel (massimo 1 milioni)" in refusal(image_bytes("PNG", size=(1200, 1000)))


def test_oversize_file_is_refused(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 10_000
    message = refusal(image_bytes("PNG", size=(1000, 1000), mode="RGB", compress_level=0))
    assert message.startswith("Il file pesa")
    assert "massimo è 9,8" in message


def test_truncated_image_is_refused():
    jpeg = image_bytes("JPEG")
    assert "danneggiata o incompleta" in refusal(jpeg[: len(jpeg) // 2])


def test_animated_webp_is_refused():
    frames = [Image.new("RGB", (50, 50), colour) for colour in ("red", "blue")]
    out = BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:])
    assert "animate" in refusal(out.getvalue())


@pytest.mark.django_db
def test_model_validation_reports_the_error_on_the_image_field():
    article = ArticleFactory.build(section=ArticleFactory().section)
    article.lead_image = upload(image_bytes("GIF", mode="P"), "foto.gif")
    with pytest.raises(ValidationError) as caught:
        article.full_clean(exclude=["slug"])
    assert "lead_image" in caught.value.message_dict


@pytest.mark.django_db
def test_stored_file_names_are_generated_with_the_real_extension():
    author = AuthorFactory(photo=upload(image_bytes("PNG"), "Mario Rossi – referto.jpg"))
    assert re.fullmatch(r"authors/[0-9a-f]{32}\.png", author.photo.name)
    article = ArticleFactory(lead_image=upload(image_bytes("WEBP"), "../../etc/passwd"))
    assert re.fullmatch(r"articles/\d{4}/\d{2}/[0-9a-f]{32}\.webp", article.lead_image.name)


def test_rendition_widths_are_capped_at_the_original():
    assert images.rendition_widths(3000) == [320, 640, 960, 1280, 1600]
    assert images.rendition_widths(1000) == [320, 640, 960, 1000]
    assert images.rendition_widths(200) == [200]


@pytest.mark.django_db
def test_saving_an_article_makes_renditions_once(django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(lead_image=upload(image_bytes("JPEG", size=(1000, 600))))
    article.refresh_from_db()
    renditions = article.lead_image_renditions
    assert [(r["width"], r["height"]) for r in renditions] == [
        (320, 192),
        (640, 384),
        (960, 576),
        (1000, 600),
    ]
    for entry in renditions:
        assert default_storage.exists(entry["webp"]) and default_storage.exists(entry["jpeg"])
        with default_storage.open(entry["webp"]) as file, Image.open(file) as image:
            assert (image.format, image.width) == ("WEBP", entry["width"])

    calls = []
    monkeypatch.setattr(images, "make_renditions", lambda *a, **k: calls.append(a) or [])
    article.title = "Un titolo nuovo"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert images.make_lead_image_renditions.call(article.pk) == 0
    assert images.ensure_lead_image_renditions(article) == renditions
    assert calls == []


@pytest.mark.django_db
def test_a_new_image_gets_new_renditions_and_no_image_clears_them(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(lead_image=upload(image_bytes("JPEG", size=(700, 400))))
    first = Article.objects.get(pk=article.pk).lead_image_renditions
    article.lead_image = upload(image_bytes("PNG", size=(400, 300)), "nuova.png")
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    second = Article.objects.get(pk=article.pk).lead_image_renditions
    assert [r["width"] for r in first] == [320, 640, 700]
    assert [r["width"] for r in second] == [320, 400]
    assert second[0]["source"] == article.lead_image.name
    article.lead_image = ""
    article.save()
    assert Article.objects.get(pk=article.pk).lead_image_renditions == []


def render_picture(article, args="") -> str:
    template = Template("{% load pictures %}{% picture article " + args + " %}")
    return template.render(Context({"article": article}))


@pytest.mark.django_db
def test_picture_tag_renders_srcsets_sizes_and_dimensions_without_queries(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(
            lead_image=upload(image_bytes("JPEG", size=(2000, 1125))),
            lead_image_alt="Una corsia d'ospedale",
        )
    article = Article.objects.get(pk=article.pk)
    with django_assert_num_queries(0):
        html = render_picture(article, 'sizes="(min-width: 64em) 960px, 100vw"')
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', html).group(1)
    assert [part.rsplit(" ", 1)[1] for part in webp.split(", ")] == [
        "320w",
        "640w",
        "960w",
        "1280w",
        "1600w",
    ]
    assert all(".webp " in part for part in webp.split(", "))
    jpeg = re.search(r'<img src="([^"]+)" srcset="([^"]+)"', html)
    assert jpeg.group(1).endswith("-960w.jpg")
    assert jpeg.group(2).count(".jpg ") == 5
    assert html.count('sizes="(min-width: 64em) 960px, 100vw"') == 2
    assert 'width="1600" height="900"' in html
    assert 'alt="Una corsia d&#x27;ospedale"' in html
    assert 'loading="lazy"' in html and "fetchpriority" not in html

    eager = render_picture(article, "eager=True")
    assert 'loading="eager" fetchpriority="high"' in eager
    assert 'sizes="100vw"' in eager


@pytest.mark.django_db
def test_picture_tag_makes_missing_renditions_once_then_only_reads_them(
    django_assert_num_queries,
):
    article = ArticleFactory(lead_image=upload(image_bytes("PNG", size=(500, 500))))
    assert Article.objects.get(pk=article.pk).lead_image_renditions == []  # task not run
    with django_assert_num_queries(1):  # the UPDATE storing them
        first = render_picture(article)
    stored = Article.objects.get(pk=article.pk)
    assert [r["width"] for r in stored.lead_image_renditions] == [320, 500]
    with django_assert_num_queries(0):
        assert render_picture(stored) == first


@pytest.mark.django_db
def test_picture_tag_renders_nothing_without_an_image():
    assert render_picture(ArticleFactory()).strip() == ""


@pytest.mark.django_db
def test_ckeditor_upload_stores_a_clean_copy_under_a_generated_name(client):
    client.force_login(UserFactory(is_staff=True))
    exif = Image.Exif()
    exif[0x010F] = "Fotocamera con GPS"
    data = image_bytes("JPEG", size=(2400, 1200), exif=exif.tobytes())
    response = client.post("/ckeditor/upload/", {"upload": upload(data, "Paziente Rossi.jpg")})
    assert response.status_code == 200
    payload = response.json()
    assert payload["uploaded"] == 1
    assert re.fullmatch(r"/media/uploads/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", payload["url"])
    name = payload["url"].removeprefix("/media/")
    with default_storage.open(name) as file, Image.open(file) as image:
        assert image.size == (1600, 800)
        assert not image.getexif()
    assert default_storage.exists(name.replace(".jpg", "_thumb.jpg"))


@pytest.mark.django_db
def test_ckeditor_upload_refuses_bad_files_with_the_same_message(client):
    client.force_login(UserFactory(is_staff=True))
    gif = upload(image_bytes("GIF", mode="P"), "animazione.gif")
    response = client.post("/ckeditor/upload/", {"upload": gif})
    assert response.status_code == 400
    assert "non è un'immagine JPEG, PNG o WebP" in response.json()["error"]["message"]

    svg = upload(b"<svg onload=alert(1)>", "x.svg")
    response = client.post("/ckeditor/upload/?CKEditorFuncNum=3", {"upload": svg})
    assert response.content.startswith(b"<script>window.parent.CKEDITOR.tools.callFunction(3, '',")
    assert b"JPEG, PNG o WebP" in response.content
    assert not default_storage.exists("uploads")


@pytest.mark.django_db
def test_ckeditor_upload_is_for_staff_only(client):
    response = client.post("/ckeditor/upload/", {"upload": upload(image_bytes())})
    assert response.status_code == 302
    client.force_login(UserFactory(is_staff=False))
    response = client.post("/ckeditor/upload/", {"upload": upload(image_bytes())})
    assert response.status_code == 302


@pytest.mark.django_db
def test_model_forms_such_as_the_admin_refuse_bad_uploads_with_the_message():
    from django.forms import modelform_factory

    from articles.models import Author

    form_class = modelform_factory(Author, fields=["name", "slug", "photo"])
    gif = upload(image_bytes("GIF", mode="P"), "ritratto.gif")
    form = form_class(data={"name": "Anna", "slug": "anna"}, files={"photo": gif})
    assert not form.is_valid()
    assert "non è un'immagine JPEG, PNG o WebP" in form.errors["photo"][0]

    png = upload(image_bytes("PNG"), "ritratto.png")
    form = form_class(data={"name": "Anna", "slug": "anna"}, files={"photo": png})
    assert form.is_valid(), form.errors
    assert re.fullmatch(r"authors/[0-9a-f]{32}\.png", form.save().photo.name)
