from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article, ArticleRedirect, Author, Section

WXR = Path(__file__).resolve().parents[1] / "fixtures" / "wordpress.xml"


def run(path=WXR) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), stdout=out)
    return out.getvalue()


def article(post_id: int) -> Article:
    return Article.objects.get(external_id=f"wp:blog.salute.example:{post_id}")


@pytest.mark.django_db
def test_posts_become_articles_with_sections_tags_authors_and_redirects():
    output = run()
    assert "5 articoli nuovi" in output
    assert "3 elementi saltati" in output  # a page, an attachment, the trash

    post = article(12)
    assert post.title == "Terapie geniche: l’Italia & l’Europa"
    assert post.standfirst == (
        "Le terapie geniche arrivano in Italia: cosa cambia per i pazienti & le famiglie."
    )
    assert post.is_published()
    assert post.publish_at.isoformat() == "2024-05-06T08:00:00+00:00"
    assert post.slug == "terapie-geniche-italia"
    assert post.section.name == "Biotech"
    assert post.section.parent.name == "Farmaci & terapie"
    assert sorted(post.tags.names()) == ["AIFA", "terapie geniche"]
    assert [a.author.name for a in post.article_authors.all()] == ["Mario Rossi"]
    assert post.body.startswith(
        "<p>Prima riga del primo paragrafo,<br>\nseconda riga dello stesso paragrafo"
    )
    assert "<h2>I numeri</h2>" in post.body
    assert "<strong>grassetto</strong>" in post.body
    assert "script" not in post.body and "onclick" not in post.body
    assert post.lead_image_source_url == (
        "https://blog.salute.example/wp-content/uploads/2024/05/laboratorio.jpg"
    )
    assert not post.lead_image
    redirect = ArticleRedirect.objects.get(old_path="/2024/05/terapie-geniche-italia/")
    assert redirect.article == post

    vaccines = article(13)
    assert vaccines.title == "Vaccini – le novità della stagione"
    assert vaccines.standfirst == ""
    assert vaccines.slug == "vaccini-novita"
    assert [a.author.name for a in vaccines.article_authors.all()] == ["Anna D'Amico"]
    assert ArticleRedirect.objects.filter(old_path="/2024/10/vaccini-novit%c3%a0/").exists()


@pytest.mark.django_db
def test_drafts_pending_and_scheduled_posts_keep_their_state():
    run()
    draft = article(14)
    assert (draft.status, draft.publish_at) == ("draft", None)
    assert draft.slug == "bozza-sulle-liste-dattesa"
    pending = article(15)
    assert pending.status == "review"
    assert pending.section.name == "Senza categoria"
    assert pending.standfirst == "" and not pending.article_authors.exists()
    scheduled = article(16)
    assert scheduled.is_scheduled() and not scheduled.is_published()
    assert scheduled.section.slug == "farmaci"
    assert Article.objects.published(timezone.now()).count() == 2
    # Drafts link to /?p=14: nothing to redirect.
    assert ArticleRedirect.objects.count() == 3


@pytest.mark.django_db
def test_importing_the_same_export_again_changes_nothing():
    run()
    before = dict(Article.objects.values_list("external_id", "updated_at"))
    counts = [m.objects.count() for m in (Article, Section, Author, ArticleRedirect)]

    output = run()

    assert "0 articoli nuovi, 0 aggiornati, 5 invariati" in output
    assert dict(Article.objects.values_list("external_id", "updated_at")) == before
    assert [m.objects.count() for m in (Article, Section, Author, ArticleRedirect)] == counts


@pytest.mark.django_db
def test_an_edited_export_updates_the_changed_post(tmp_path):
    run()
    edited = tmp_path / "edited.xml"
    edited.write_text(
        WXR.read_text(encoding="utf-8").replace(
            "La campagna antinfluenzale parte a ottobre.", "La campagna parte a novembre."
        ),
        encoding="utf-8",
    )
    assert "0 articoli nuovi, 1 aggiornati, 4 invariati" in run(edited)
    assert article(13).body == "<p>La campagna parte a novembre.</p>"


@pytest.mark.django_db
def test_truncated_export_is_one_line_error_and_writes_nothing(tmp_path):
    truncated = tmp_path / "truncated.xml"
    data = WXR.read_bytes()
    truncated.write_bytes(data[: data.index(b"<wp:post_id>16")])
    with pytest.raises(CommandError) as caught:
        run(truncated)
    message = str(caught.value)
    assert message.startswith("il file XML è incompleto o non valido (riga")
    assert "\n" not in message
    assert not Article.objects.exists()
    assert not Section.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        b"<rss><channel><item><title>Senza chiusura</title></channel></rss>",
        b"non XML",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel>&a;</channel></rss>',
    ],
)
def test_malformed_or_dangerous_xml_is_refused(tmp_path, content):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match="nulla è stato importato"):
        run(bad)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_dry_run_reads_everything_and_saves_nothing():
    out = StringIO()
    call_command("import_wordpress", str(WXR), dry_run=True, stdout=out)
    assert "5 articoli nuovi" in out.getvalue()
    assert "nulla è stato salvato" in out.getvalue()
    assert not Article.objects.exists() and not Section.objects.exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss><channel><item><title>&lol9;</title></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title><wp:post_id>1</wp:post_id></item></channel></rss>"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BILLION_LAUGHS, "costrutti non ammessi (EntitiesForbidden)"),
        (EXTERNAL_ENTITY, "costrutti non ammessi (EntitiesForbidden)"),
        (b"", "incompleto o non valido (riga 1"),
        (b"<rss><channel><title>caff\xe8</title></channel></rss>", "incompleto o non valido"),
        (b"<rss><channel><title>&nbsp;</title></channel></rss>", "incompleto o non valido"),
        (b"<rss><channel><title>&#0;</title></channel></rss>", "incompleto o non valido"),
        (b"<altro/>", "non è un'esportazione WordPress"),
    ],
    ids=["billion-laughs", "external-entity", "empty", "latin1", "html-entity", "nul", "not-wxr"],
)
def test_hostile_or_broken_xml_is_one_line_and_writes_nothing(tmp_path, content, message):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        run(bad)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not Article.objects.exists() and not Section.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/nonexistent/export.xml", None], ids=["missing", "directory"])
def test_a_missing_file_or_a_directory_is_a_one_line_error(tmp_path, path):
    with pytest.raises(CommandError, match="impossibile leggere"):
        run(path or tmp_path)


def edited(tmp_path, old: str, new: str) -> Path:
    text = WXR.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "edited.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_publication_date_past_2100_stops_everything(tmp_path):
    """Year 9999 overflowed when shown in Rome's time zone (admin list, archive)."""
    path = edited(tmp_path, "2024-10-01 07:30:00", "9999-12-31 23:59:59")
    with pytest.raises(CommandError) as caught:
        run(path)
    assert str(caught.value) == (
        "articolo 13: data di pubblicazione fuori dall'intervallo 1900-2100 (9999-12-31); "
        "nulla è stato importato"
    )
    assert not Article.objects.exists() and not Section.objects.exists()


@pytest.mark.django_db
def test_very_long_category_and_author_names_are_imported_and_found_again(tmp_path):
    """Keys past the external id's 100 characters used to fail with a database traceback."""
    path = edited(
        tmp_path, "<![CDATA[mrossi]]></dc:creator>", "<![CDATA[" + "m" * 300 + "]]></dc:creator>"
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'nicename="biotech"', 'nicename="' + "b" * 300 + '"'
        ),
        encoding="utf-8",
    )
    assert "5 articoli nuovi" in run(path)
    assert "0 articoli nuovi, 0 aggiornati, 5 invariati" in run(path)
    assert article(12).section.slug == "b" * 100


@pytest.mark.django_db
def test_the_import_analyzes_what_it_loaded_so_the_planner_knows_the_archive():
    """With autovacuum off the planner would keep planning for empty tables."""
    from django.db import connection

    run()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class"
            " WHERE relname IN ('articles_article', 'articles_articleredirect')"
        )
        believed = dict(cursor.fetchall())
    assert believed["articles_article"] == Article.objects.count() == 5
    assert believed["articles_articleredirect"] == ArticleRedirect.objects.count()
