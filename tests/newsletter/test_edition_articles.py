"""Only articles readers can open go into an edition: picker, form and send agree."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from newsletter import services
from newsletter.models import Edition, EditionArticle
from tests.conftest import admin_path
from tests.factories import ArticleFactory, UserFactory
from tests.newsletter.conftest import make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(client):
    user = UserFactory(is_superuser=True, email="redazione@example.org")
    client.force_login(user)
    return user


def picker_titles(client, edition: Edition | None, term: str = "") -> list[str]:
    where = f"{edition.pk}/articoli/" if edition else "articoli/"
    response = client.get(
        admin_path(f"newsletter/edition/{where}"),
        {
            "term": term,
            "app_label": "newsletter",
            "model_name": "editionarticle",
            "field_name": "article",
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_picker_searches_titles_and_offers_only_what_readers_will_see(client, editor):
    """In review, draft and withdrawn articles are never offered; scheduled ones say when."""
    ArticleFactory(title="Vaccini, i dati")
    ArticleFactory(title="Vaccini in revisione", in_review=True)
    ArticleFactory(title="Vaccini in bozza", draft=True)
    ArticleFactory(title="Vaccini ritirati", unpublished=True)
    tomorrow = ArticleFactory(title="Vaccini domani", scheduled=True)
    ArticleFactory(title="Liste d'attesa")

    titles = picker_titles(client, Edition.objects.create(subject="Bozza"), "vaccini")

    assert titles == [
        f"Vaccini domani (programmato: {services.when_text(tomorrow.publish_at)})",
        "Vaccini, i dati",
    ]
    assert picker_titles(client, None, "vaccini") == titles


def test_picker_of_a_scheduled_edition_leaves_out_articles_published_after_it(client, editor):
    ArticleFactory(title="Prima dell'invio", publish_at=timezone.now() + timedelta(hours=1))
    ArticleFactory(title="Dopo l'invio", publish_at=timezone.now() + timedelta(days=3))
    edition = Edition.objects.create(
        subject="Programmata",
        status=Edition.Status.SCHEDULED,
        scheduled_at=timezone.now() + timedelta(days=1),
    )

    titles = picker_titles(client, edition, "invio")

    assert len(titles) == 1 and titles[0].startswith("Prima dell'invio")


def test_an_article_in_review_is_refused_by_the_form_with_its_title_and_why(client, editor):
    edition = Edition.objects.create(subject="Settimana")
    public = ArticleFactory(title="Pubblico")
    review = ArticleFactory(title="Ancora in revisione", in_review=True)

    response = client.post(
        admin_path(f"newsletter/edition/{edition.pk}/change/"),
        {
            "subject": "Settimana",
            "preheader": "",
            "intro": "",
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "0",
            "items-0-position": "0",
            "items-0-article": public.pk,
            "items-1-position": "1",
            "items-1-article": review.pk,
        },
    )

    assert response.status_code == 200
    assert "«Ancora in revisione» è in revisione: non è ancora pubblicato." in (
        response.content.decode()
    )
    assert not edition.items.exists()


def test_sending_rechecks_and_refuses_with_the_list(client, editor):
    """Articles that changed after composing stop the send; nothing is queued."""
    edition = Edition.objects.create(subject="Settimana")
    kept = ArticleFactory(title="Resta pubblico")
    withdrawn = ArticleFactory(title="Ritirato nel frattempo")
    late = ArticleFactory(title="Esce tra tre giorni", scheduled=True)
    late.publish_at = timezone.now() + timedelta(days=3)
    late.save()
    for position, article in enumerate([kept, withdrawn, late]):
        EditionArticle.objects.create(edition=edition, article=article, position=position)
    withdrawn.status = "unpublished"
    withdrawn.save()
    make_subscribers(2)

    page = client.post(
        admin_path(f"newsletter/edition/{edition.pk}/invio/"), {"action": "send"}, follow=True
    ).content.decode()

    assert "L&#x27;edizione non parte" in page
    assert "<li>«Ritirato nel frattempo» è stato ritirato.</li>" in page
    assert "«Esce tra tre giorni» sarà pubblicato il " in page
    assert "Resta pubblico" not in page
    edition.refresh_from_db()
    assert edition.status == "draft" and not edition.deliveries.exists()
    assert not mail.outbox

    when = timezone.now() + timedelta(days=4)
    with pytest.raises(services.EditionArticlesError) as refused:
        services.edition_schedule(edition=edition, when=when)
    assert refused.value.problems == ["«Ritirato nel frattempo» è stato ritirato."]
