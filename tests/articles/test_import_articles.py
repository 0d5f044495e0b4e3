import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from taggit.models import Tag

from articles.management.commands.import_articles import MAX_LINE_BYTES
from articles.models import Article, ArticleLabel, Author, Person, Section
from articles.search import search_articles

MAKE_CORPUS = Path(settings.BASE_DIR).parent / "shared" / "bench" / "make_corpus.py"


def line(n: int, **changes) -> dict:
    row = {
        "id": f"c-{n:06d}",
        "slug": f"liste-d-attesa-{n}",
        "title": f"Liste d'attesa, il piano numero {n}",
        "standfirst": "Le regioni presentano il piano per ridurre i tempi.",
        "body_html": "<p>Il testo con i dati.</p><script>alert(1)</script>",
        "section": "biotech",
        "section_name": "Biotech",
        "section_parent": "farmaci",
        "tags": ["AIFA", "terapie geniche"],
        "authors": [{"name": "Giulia Conti", "slug": "giulia-conti", "role": "Giornalista"}],
        "kind": "news",
        "interviewee": None,
        "published_at": "2025-10-10T18:47:34+02:00",
        "is_featured": False,
        "story": "biotech-4",
    }
    row.update(changes)
    return row


def write(tmp_path, rows, name="corpus.jsonl") -> str:
    path = tmp_path / name
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
        ),
        encoding="utf-8",
    )
    return str(path)


def run(path, **options) -> str:
    out = StringIO()
    call_command("import_articles", path, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db
def test_import_creates_sections_people_tags_and_published_articles(tmp_path):
    interview = line(
        2,
        kind="interview",
        interviewee={
            "name": "Marta Greco",
            "slug": "marta-greco",
            "role": "Presidente",
            "organisation": "Istituto Superiore di Sanità",
        },
        authors=[
            {"name": "Giulia Conti", "slug": "giulia-conti", "role": "Giornalista"},
            {"name": "Paolo Ricci", "slug": "paolo-ricci", "role": "Redazione"},
        ],
        label="storia-7",
    )
    output = run(
        write(
            tmp_path,
            [
                line(1),
                interview,
                line(3, section="farmaci", section_name="Farmaci", section_parent=None),
            ],
        )
    )
    assert "3 nuovi, 0 aggiornati, 0 invariati" in output

    biotech = Section.objects.get(slug="biotech")
    assert (biotech.name, biotech.parent.slug, biotech.parent.name) == (
        "Biotech",
        "farmaci",
        "Farmaci",
    )
    article = Article.objects.get(external_id="corpus:c-000002")
    assert article.is_published()
    assert article.kind == "interview"
    assert article.body == "<p>Il testo con i dati.</p>"
    assert [byline.author.name for byline in article.article_authors.all()] == [
        "Giulia Conti",
        "Paolo Ricci",
    ]
    assert article.article_people.get().person.organisation == "Istituto Superiore di Sanità"
    assert sorted(article.tags.names()) == ["AIFA", "terapie geniche"]
    assert ArticleLabel.objects.get(article=article).label == "storia-7"
    assert ArticleLabel.objects.count() == 1
    assert search_articles("liste attesa").count() == 3
    assert (Author.objects.count(), Person.objects.count(), Tag.objects.count()) == (2, 1, 2)


@pytest.mark.django_db
def test_running_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, [line(n) for n in range(1, 6)])
    run(path, batch_size=2)
    before = dict(Article.objects.values_list("external_id", "updated_at"))
    counts = [m.objects.count() for m in (Article, Section, Author, Person, Tag)]

    output = run(path, batch_size=2)

    assert "0 nuovi, 0 aggiornati, 5 invariati" in output
    assert dict(Article.objects.values_list("external_id", "updated_at")) == before
    assert [m.objects.count() for m in (Article, Section, Author, Person, Tag)] == counts


@pytest.mark.django_db
def test_a_changed_line_updates_only_that_article(tmp_path):
    run(write(tmp_path, [line(1), line(2)]))
    before = dict(Article.objects.values_list("external_id", "updated_at"))

    output = run(write(tmp_path, [line(1, title="Titolo corretto", tags=["AIFA"]), line(2)]))

    assert "0 nuovi, 1 aggiornati, 1 invariati" in output
    first = Article.objects.get(external_id="corpus:c-000001")
    assert first.title == "Titolo corretto"
    assert list(first.tags.names()) == ["AIFA"]
    assert first.updated_at > before["corpus:c-000001"]
    second = Article.objects.get(external_id="corpus:c-000002")
    assert second.updated_at == before["corpus:c-000002"]


@pytest.mark.django_db
def test_malformed_json_names_its_line_and_its_batch_is_not_written(tmp_path):
    rows = [line(1), line(2), line(3), '{"id": "c-000004", "title": ', line(5)]
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, rows), batch_size=2)
    assert str(caught.value).startswith("riga 4: JSON non valido")
    # Lines 1-2 were a complete earlier batch; line 3 shared the bad line's batch.
    assert sorted(Article.objects.values_list("external_id", flat=True)) == [
        "corpus:c-000001",
        "corpus:c-000002",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({k: v for k, v in line(1).items() if k != "title"}, "manca il campo obbligatorio «title»"),
        (line(1, published_at="ieri"), "data «published_at» non valida"),
        (line(1, kind="podcast"), "tipo «podcast» sconosciuto"),
        (line(1, tags="AIFA"), "«tags» deve essere una lista"),
        ([1, 2], "ogni riga deve essere un oggetto JSON"),
        ("null", "ogni riga deve essere un oggetto JSON"),
        (line(1, title=5), "il campo «title» deve essere un testo"),
        (line(1, id=["c-1"]), "il campo «id» deve essere un testo"),
        (line(1, published_at=20250101), "il campo «published_at» deve essere un testo"),
        (line(1, authors="Giulia Conti"), "«authors» deve essere una lista"),
        (line(1, authors=["Giulia Conti"]), "ogni voce di «authors» deve avere almeno un «name»"),
        (line(1, interviewee="Marta"), "ogni voce di «interviewee» deve avere almeno un «name»"),
        (line(1, is_featured="no"), "«is_featured» deve essere true o false"),
        (line(1, label=1.5), "«label» deve essere un testo"),
        (line(1, section=""), "il campo obbligatorio «section» è vuoto"),
        (line(1, section="s" * 101), "il campo «section» supera 100 caratteri"),
        (line(1, slug="Perché sì"), "slug non valido: 'Perché sì'"),
        (line(1, slug="a/b"), "slug non valido: 'a/b'"),
        (line(1, published_at="9999-12-31T23:59:59-05:00"), "data «published_at» fuori"),
        (line(1, published_at="0001-01-01"), "data «published_at» fuori"),
        (line(1, section="aa", section_parent="aa"), "la sezione «aa» non può stare dentro"),
        ('{"id": "c-1", "title": "a\\ud800b"}', "il testo contiene un carattere non valido"),
        ('{"id": "c-1", "tags": ["\\udfff"]}', "il testo contiene un carattere non valido"),
        ('{"id": 1' + "0" * 5000 + "}", "JSON non valido (numero troppo lungo"),
        ("[" * 100_000 + "]" * 100_000, "JSON non valido (numero troppo lungo"),
        ('{"id": "c-1"', "JSON non valido"),
    ],
)
def test_invalid_lines_are_refused_with_a_reason(tmp_path, row, message):
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, [row]))
    assert str(caught.value).startswith(f"riga 1: {message}")
    assert "\n" not in str(caught.value)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_bytes_that_are_not_utf8_name_their_line_and_keep_earlier_batches(tmp_path):
    path = tmp_path / "corpus.jsonl"
    good = [json.dumps(line(n)).encode() + b"\n" for n in (1, 2, 3)]
    path.write_bytes(b"".join(good) + b'{"id": "c-000004", "title": "caff\xe8"}\n')
    with pytest.raises(CommandError) as caught:
        run(str(path), batch_size=2)
    assert str(caught.value).startswith("riga 4: il testo non è UTF-8 (byte 34 della riga)")
    assert sorted(Article.objects.values_list("external_id", flat=True)) == [
        "corpus:c-000001",
        "corpus:c-000002",
    ]


@pytest.mark.django_db
def test_a_line_past_the_size_limit_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "corpus.jsonl"
    with path.open("wb") as handle:
        handle.write(json.dumps(line(1)).encode() + b"\n")
        handle.write(b'{"id": "c-2", "body_html": "' + b"x" * MAX_LINE_BYTES + b'"}\n')
    with pytest.raises(CommandError) as caught:
        run(str(path))
    assert str(caught.value).startswith("riga 2: la riga supera 10 MB")
    assert not Article.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["", "\n\n   \n"], ids=["empty", "blank-lines"])
def test_a_file_without_articles_is_an_error(tmp_path, content):
    path = tmp_path / "vuoto.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError, match="il file non contiene nessun articolo"):
        run(str(path))


@pytest.mark.django_db
def test_a_directory_is_a_one_line_error(tmp_path):
    with pytest.raises(CommandError, match="impossibile leggere .*: Is a directory"):
        run(str(tmp_path))


@pytest.mark.django_db
def test_nul_characters_anywhere_in_a_line_are_dropped(tmp_path):
    row = line(
        1,
        title="Liste\x00 d'attesa",
        tags=["AI\x00FA"],
        authors=[{"name": "Giulia\x00 Conti", "slug": "giulia-conti"}],
    )
    run(write(tmp_path, [row]))
    article = Article.objects.get()
    assert article.title == "Liste d'attesa"
    assert list(article.tags.names()) == ["AIFA"]
    assert Author.objects.get().name == "Giulia Conti"


@pytest.mark.django_db
def test_sections_nesting_into_each_other_are_refused_at_the_closing_line(tmp_path):
    rows = [
        line(1, section="a", section_name="A", section_parent="b"),
        line(2, section="b", section_name="B", section_parent="a"),
    ]
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, rows), batch_size=1)
    assert str(caught.value).startswith("riga 2: la sezione «b» finirebbe dentro sé stessa")
    assert Section.objects.get(slug="b").parent is None
    assert Section.objects.get(slug="a").parent.slug == "b"
    assert list(Article.objects.values_list("external_id", flat=True)) == ["corpus:c-000001"]


@pytest.mark.django_db
def test_long_author_and_section_keys_are_imported_and_found_again(tmp_path):
    row = line(
        1,
        section_parent="p" * 100,
        authors=[{"name": "Giulia Conti", "slug": "g" * 300}],
        interviewee={"name": "M" * 150},
    )
    path = write(tmp_path, [row])
    run(path)
    assert "0 nuovi, 0 aggiornati, 1 invariati" in run(path)
    assert (Author.objects.count(), Person.objects.count(), Section.objects.count()) == (1, 1, 2)
    assert Section.objects.get(slug="biotech").parent.name == "p" * 100


@pytest.mark.django_db
def test_dry_run_checks_without_writing(tmp_path):
    output = run(write(tmp_path, [line(1), line(2)]), dry_run=True)
    assert "2 righe valide" in output
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_missing_file_is_a_one_line_error():
    with pytest.raises(CommandError, match="impossibile leggere"):
        run("/nonexistent/corpus.jsonl")


@pytest.mark.django_db
@pytest.mark.skipif(not MAKE_CORPUS.exists(), reason="shared corpus generator not present")
def test_imports_the_shared_generators_output(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    subprocess.run([sys.executable, str(MAKE_CORPUS), "60", "-o", str(corpus)], check=True)
    output = run(str(corpus), batch_size=25)
    assert "60 nuovi" in output
    assert Article.objects.published().count() == 60
    assert Section.objects.filter(parent__isnull=False).exists()
    assert "0 nuovi, 0 aggiornati, 60 invariati" in run(str(corpus), batch_size=25)


@pytest.mark.django_db
def test_a_missing_search_vector_is_filled_on_the_next_run(tmp_path):
    path = write(tmp_path, [line(1), line(2)])
    run(path)
    Article.objects.filter(external_id="corpus:c-000001").update(search_vector=None)

    assert "0 nuovi, 0 aggiornati, 2 invariati" in run(path)
    assert not Article.objects.filter(search_vector__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_vectors_are_written_on_a_second_connection(tmp_path):
    """The command's normal run: each batch commits, its vectors follow on another thread."""
    run(write(tmp_path, [line(n) for n in range(1, 8)]), batch_size=3)
    assert Article.objects.count() == 7
    assert not Article.objects.filter(search_vector__isnull=True).exists()
    assert search_articles("piano").count() == 7


def planner_rows(table: str) -> float:
    """How many rows PostgreSQL's planner believes the table has (-1: never analysed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_import_analyzes_what_it_loaded_so_the_planner_knows_the_archive(tmp_path):
    """With autovacuum off the planner would keep planning for empty tables."""
    run(write(tmp_path, [line(n, authors=[]) for n in range(1, 14)]))
    assert planner_rows("articles_article") == Article.objects.count() == 13
    assert planner_rows("taggit_taggeditem") == 26
