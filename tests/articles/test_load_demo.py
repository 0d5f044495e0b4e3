from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from articles.management.commands import load_demo
from articles.management.commands.load_demo import contract_prepositions
from articles.models import Article, Author, Correction, Person, Publisher, Section, Source


@pytest.fixture
def one_image_per_section(monkeypatch):
    monkeypatch.setattr(load_demo, "IMAGES_PER_SECTION", 1)


def run() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_builds_a_complete_newsroom(one_image_per_section):
    output = run()
    assert output.startswith("Demo caricata")

    now = timezone.now()
    assert Article.objects.count() == 150
    assert Article.objects.published(now).count() == 137
    assert Article.objects.scheduled(now).count() == 5
    assert Article.objects.filter(status="draft").count() == 5
    assert Article.objects.filter(status="review").count() == 3
    biotech = Section.objects.get(slug="biotech")
    assert biotech.parent.name == "Farmaci"
    assert Section.objects.count() == 7
    assert Author.objects.exclude(bio="").count() == 6
    assert Person.objects.count() == 12
    interviews = Article.objects.filter(kind="interview")
    assert interviews.exists()
    assert not interviews.filter(highlighted_quote="").exists()
    assert not interviews.filter(article_people__isnull=True).exists()
    assert Article.objects.filter(is_sponsored=True).exclude(sponsor_name="").exists()
    assert Article.objects.published(now).filter(is_featured=True).count() >= 5
    assert Correction.objects.exists()
    assert not Article.objects.filter(sources__isnull=True).exists()
    assert Source.objects.exclude(doi="").exists() and Source.objects.exclude(url="").exists()
    publisher = Publisher.load()
    assert publisher.vat_number and publisher.court_registration and publisher.editor_in_chief

    for article in Article.objects.all():
        assert article.lead_image_alt and article.lead_image_credit
        assert article.lead_image_renditions[-1]["source"] == article.lead_image.name
        # Discover-ready: the largest rendition is at least 1200 px wide.
        assert article.lead_image_renditions[-1]["width"] >= 1200
    article = Article.objects.first()
    with default_storage.open(article.lead_image.name) as file, Image.open(file) as image:
        assert image.size == (1600, 900)
    for entry in article.lead_image_renditions:
        assert default_storage.exists(entry["webp"])


@pytest.mark.django_db
def test_load_demo_is_deterministic_and_leaves_a_full_database_alone(one_image_per_section):
    run()
    titles = list(Article.objects.order_by("slug").values_list("title", flat=True))
    assert "già 150 articoli" in run()
    assert Article.objects.count() == 150
    Article.objects.all().delete()
    Section.objects.filter(parent__isnull=False).delete()
    for model in (Section, Author, Person):
        model.objects.all().delete()
    run()
    assert list(Article.objects.order_by("slug").values_list("title", flat=True)) == titles


@pytest.mark.parametrize(
    ("template", "italian"),
    [
        ("Il punto su le borse", "Il punto sulle borse"),
        ("Su la guardia medica", "Sulla guardia medica"),
        ("Su l'immunoterapia", "Sull'immunoterapia"),
        ("i dati di il ministero", "i dati del ministero"),
        ("cosa cambia in le regioni per i medici", "cosa cambia nelle regioni per i medici"),
        ("a lungo, da lontano", "a lungo, da lontano"),
    ],
)
def test_demo_text_joins_prepositions_and_articles_as_italian_does(template, italian):
    assert contract_prepositions(template) == italian


@pytest.mark.django_db
def test_demo_publisher_shows_follow_line_website_and_credentials(client):
    """Issue 17: social links (the follow-us line), the publisher's site, author titles,
    and interview bodies whose questions are h2 under the page's h1."""
    from django.core.management import call_command

    from articles.models import Article, Author, Publisher
    from standards.models import TrustSettings

    call_command("load_demo", verbosity=0)
    publisher = Publisher.load()
    assert publisher.facebook_url and publisher.x_url and publisher.linkedin_url
    assert publisher.website_url
    assert TrustSettings.load().ownership
    assert Author.objects.exclude(credentials="").exists()
    interview = Article.objects.published().filter(kind=Article.Kind.INTERVIEW).first()
    assert "<h3>" not in interview.body and "<h2>" in interview.body
    html = client.get(interview.get_absolute_url()).content.decode()
    follow = html.index("Rimani in contatto con noi sui nostri canali social seguendoci su:")
    assert follow < html.index("Rimani aggiornato: iscriviti alla newsletter")
    assert publisher.website_display in html
