"""Addresses made from a headline end at a whole word."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.importing import unique_slug
from articles.models import Article
from articles.slugs import slug_at_word
from tests.articles.admin_helpers import article_post
from tests.factories import EditorFactory, SectionFactory

TITLE = (
    "Il medico che ha curato i pazienti del reparto di Bergamo racconta "
    "il coraggio di chi è rimasto in corsia per mesi"
)


def test_a_long_headline_is_cut_after_a_whole_word():
    slug = slug_at_word(TITLE)
    assert len(slug) <= 80
    assert slug.endswith("-il-coraggio")
    assert not slug.endswith("-")


def test_short_and_unbroken_slugs_are_kept_and_limits_respected():
    assert slug_at_word("Vaccini, al via la campagna") == "vaccini-al-via-la-campagna"
    assert slug_at_word("x" * 100) == "x" * 80
    assert slug_at_word("uno due", 3) == "uno"


@pytest.mark.django_db
def test_the_admin_cuts_the_address_filled_from_the_title_at_a_word(client):
    client.force_login(EditorFactory())
    from django.utils.text import slugify

    cut_mid_word = slugify(TITLE)[:80]
    assert cut_mid_word.endswith("-il-coraggio-d")
    response = client.post(
        reverse("admin:articles_article_add"),
        article_post(section=SectionFactory(), title=TITLE, slug=slugify(TITLE)),
    )
    assert response.status_code == 302
    assert Article.objects.get().slug == slug_at_word(TITLE)
    assert Article.objects.get().slug.endswith("-il-coraggio")


@pytest.mark.django_db
def test_a_slug_typed_by_hand_is_kept(client):
    client.force_login(EditorFactory())
    client.post(
        reverse("admin:articles_article_add"),
        article_post(section=SectionFactory(), title=TITLE, slug="medico-bergamo"),
    )
    assert Article.objects.get().slug == "medico-bergamo"


@pytest.mark.django_db
def test_imported_slugs_end_at_a_word():
    slug = unique_slug(Article, TITLE, max_length=80)
    assert slug == slug_at_word(TITLE)


@pytest.mark.django_db
def test_demo_articles_have_whole_word_addresses():
    call_command("load_demo", stdout=__import__("io").StringIO())
    for slug, title in Article.objects.values_list("slug", "title"):
        from django.utils.text import slugify

        full = slugify(title)
        assert full.startswith(slug.rsplit("-", 1)[0])
        rest = full[len(slug) :]
        assert rest == "" or rest.startswith("-") or slug[-2:].lstrip("-").isdigit(), slug
