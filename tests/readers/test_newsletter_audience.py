"""Newsletters by audience: a professional newsletter reaches verified professionals
only, carries reserved articles (title, standfirst, a link that asks to log in), and
a public newsletter never carries them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from newsletter.digests import digest_articles
from newsletter.emails import EditionRenderer
from newsletter.models import Edition, EditionArticle, Newsletter, Subscriber
from newsletter.services import edition_article_problems
from tests.factories import ArticleFactory, ProfessionalProfileFactory

pytestmark = pytest.mark.django_db

SECRET = "Posologia riservata di Zentrolix"


def subscriber(email, *newsletters):
    person = Subscriber.objects.create(email=email, status="confirmed")
    person.newsletters.add(*newsletters)
    return person


def test_professional_newsletter_reaches_only_matching_verified_professionals():
    pharmacists = Newsletter.objects.create(
        name="Farmacia", slug="farmacia", audience="professions",
        audience_professions=["farmacista"],
    )  # fmt: skip
    verified = ProfessionalProfileFactory(verified=True, profession="farmacista")
    doctor = ProfessionalProfileFactory(verified=True, profession="medico")
    declared = ProfessionalProfileFactory(profession="farmacista")
    for profile in (verified, doctor, declared):
        subscriber(profile.user.email.upper(), pharmacists)
    subscriber("pubblico@example.org", pharmacists)
    edition = Edition.objects.create(newsletter=pharmacists, subject="Farmacia oggi")
    receiving = {s.email for s in Subscriber.objects.receiving(edition)}
    assert receiving == {verified.user.email.upper()}
    # A public newsletter goes to every subscriber of it, as before.
    daily = Newsletter.objects.create(name="Daily", slug="daily")
    for address in ("a@example.org", "b@example.org"):
        subscriber(address, daily)
    public_edition = Edition.objects.create(newsletter=daily, subject="Oggi")
    assert Subscriber.objects.receiving(public_edition).count() == 2


def test_reserved_article_is_refused_in_a_public_newsletter_edition():
    article = ArticleFactory(audience=Article.Audience.PROFESSIONALS, title="Riservato AIFA")
    daily = Newsletter.objects.create(name="Daily", slug="daily")
    edition = Edition.objects.create(newsletter=daily, subject="Oggi")
    EditionArticle.objects.create(edition=edition, article=article)
    [problem] = edition_article_problems(edition=edition, at=timezone.now())
    assert "«Riservato AIFA» è riservato agli operatori sanitari" in problem
    professionals = Newsletter.objects.create(
        name="Professionisti", slug="pro", audience="professionals"
    )
    edition.newsletter = professionals
    edition.save()
    assert edition_article_problems(edition=edition, at=timezone.now()) == []


def test_a_medico_only_article_does_not_go_to_all_professionals():
    article = ArticleFactory(audience="professions", audience_professions=["medico"])
    everyone = Newsletter.objects.create(name="Pro", slug="pro", audience="professionals")
    doctors = Newsletter.objects.create(
        name="Medici", slug="medici", audience="professions", audience_professions=["medico"]
    )
    for newsletter, allowed in ((everyone, False), (doctors, True)):
        edition = Edition.objects.create(newsletter=newsletter, subject="x")
        EditionArticle.objects.create(edition=edition, article=article)
        assert (edition_article_problems(edition=edition, at=timezone.now()) == []) is allowed


def test_digests_carry_reserved_articles_only_to_professionals():
    since = timezone.now() - timedelta(days=1)
    public = ArticleFactory(title="Notizia per tutti")
    reserved = ArticleFactory(title="Notizia riservata", audience="professionals")
    daily = Newsletter.objects.create(name="Daily", slug="daily")
    professionals = Newsletter.objects.create(name="Pro", slug="pro", audience="professionals")
    until = timezone.now() + timedelta(minutes=1)
    since = since - timedelta(days=1)
    assert digest_articles(newsletter=daily, since=since, until=until) == [public]
    assert set(digest_articles(newsletter=professionals, since=since, until=until)) == {
        public,
        reserved,
    }


def test_professional_edition_shows_the_reserved_label_never_the_body():
    article = ArticleFactory(
        title="Anticoagulanti: le note AIFA",
        body=f"<p>{SECRET}</p>",
        audience=Article.Audience.PROFESSIONALS,
    )
    professionals = Newsletter.objects.create(name="Pro", slug="pro", audience="professionals")
    edition = Edition.objects.create(newsletter=professionals, subject="Per i professionisti")
    EditionArticle.objects.create(edition=edition, article=article)
    rendered = EditionRenderer(edition).render_for(None)
    for part in (rendered.html, rendered.text):
        assert "Anticoagulanti: le note AIFA" in part
        assert "Riservato agli operatori sanitari" in part
        assert "Zentrolix" not in part
