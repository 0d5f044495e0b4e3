"""articles.freshness: what each write purges, once, after it commits; and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from articles import freshness, related, services
from articles.models import Article, Publisher
from tests.articles.admin_helpers import article_post
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditorFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def purges(monkeypatch):
    """Each purge freshness sends, as a set of tags."""
    sent: list[set[str]] = []
    real = freshness.purge_tags
    monkeypatch.setattr(freshness, "purge_tags", lambda tags: sent.append(set(tags)) or real(tags))
    return sent


def pick(target: Article, score: float = 1.0) -> related.Pick:
    return related.Pick(target_id=target.pk, score=score, reasons={}, vector={})


def lists_of(article: Article) -> set[str]:
    section = article.section
    month = timezone.localtime(article.publish_at).strftime("%Y-%m")
    return {
        "home",
        "feed",
        "sitemap",
        f"section-{section.pk}",
        *({f"section-{section.parent_id}"} if section.parent_id else set()),
        f"archive-{month}",
        *(f"author-{a.pk}" for a in article.authors.all()),
        *(f"tag-{t.pk}" for t in article.tags.all()),
    }


def test_tags_named_in_one_transaction_are_purged_once_after_it_commits(purges):
    with transaction.atomic():
        freshness.content_changed("article-1", "home")
        freshness.content_changed("home", "section-2")
        assert purges == []
    assert purges == [{"article-1", "home", "section-2"}]


def test_a_rolled_back_write_purges_nothing(purges):
    with pytest.raises(RuntimeError), transaction.atomic():
        freshness.content_changed("home")
        raise RuntimeError
    assert purges == []
    with transaction.atomic():
        freshness.content_changed("feed")
    assert purges == [{"feed"}]  # what the rolled-back write named is forgotten


def test_a_typo_fix_purges_the_article_and_the_sitemap_only(purges):
    article = ArticleFactory(related_enabled=False)
    purges.clear()
    article.standfirst = "Un sommario corretto."
    services.article_update(article=article, by=UserFactory(), loaded_version=article.version)
    assert purges == [{f"article-{article.pk}", "sitemap"}]


def test_publishing_purges_every_list_the_article_joins(purges):
    author = AuthorFactory()
    draft = ArticleFactory(draft=True, authors=[author], tags=["vaccini"], is_health_content=False)
    assert purges == []  # a draft shows nowhere
    services.article_publish(article=draft, by=EditorFactory())
    assert purges == [{f"article-{draft.pk}", *lists_of(draft)}]
    assert f"author-{author.pk}" in purges[0]


def test_moving_an_article_purges_the_section_it_leaves_and_the_one_it_joins(purges, client):
    old, new = SectionFactory(slug="farmaci"), SectionFactory(slug="ricerca")
    article = ArticleFactory(section=old, related_enabled=False)
    client.force_login(EditorFactory())
    purges.clear()
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_post(article, section=new),
    )
    assert response.status_code == 302
    assert purges == [
        {f"article-{article.pk}", "sitemap", f"section-{old.pk}", f"section-{new.pk}"}
    ]


def test_unpublishing_also_purges_the_related_blocks_that_named_it(purges):
    article = ArticleFactory(title="Vaccino antinfluenzale, la campagna 2027")
    neighbour = ArticleFactory(title="Vaccino antinfluenzale negli anziani")
    related.save_related(neighbour.pk, [pick(article)])
    purges.clear()
    services.article_unpublish(article=article, by=EditorFactory())
    assert f"related-{neighbour.pk}" in purges[0]
    assert {f"article-{article.pk}", "home"} <= purges[0]


def test_reindexing_related_terms_purges_nothing(purges):
    """The old model signals purged the whole site once per RelatedTerm row."""
    article = ArticleFactory(body="<p>diabete insulina glicemia pancreas</p>")
    purges.clear()
    with transaction.atomic():
        related.unindex_article(article.pk)
        related.index_article(article.pk)
    assert purges == []


def test_the_related_writer_purges_only_the_lists_that_changed(purges):
    a, b, c = ArticleFactory(), ArticleFactory(), ArticleFactory()
    related.save_many({a.pk: [pick(b)], b.pk: []})
    purges.clear()
    related.save_many({a.pk: [pick(b, 0.9)], b.pk: [pick(c)]})
    assert purges == [{f"related-{b.pk}"}]


def test_a_scheduled_publication_queues_the_purge_for_its_moment(purges, settings, client):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ArticleFactory(title="Già pubblicato")
    draft = ArticleFactory(
        draft=True, title="In arrivo", is_health_content=False, authors=[AuthorFactory()]
    )
    when = timezone.now() + timedelta(hours=1)
    services.article_publish(article=draft, by=EditorFactory(), publish_at=when)
    assert purges == [set()]  # nothing readers see has changed yet
    [due] = [
        result
        for result in freshness.article_transition_due.get_backend().results
        if result.task.name == "article_transition_due"
    ]
    assert (due.args, due.task.run_after) == ([draft.pk], when)

    assert "In arrivo" not in client.get("/").content.decode()
    later = timezone.now() + timedelta(hours=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: later)
        assert "In arrivo" not in client.get("/").content.decode()  # the cached home
        freshness.article_transition_due.call(draft.pk)  # what the worker runs then
        assert "In arrivo" in client.get("/").content.decode()


def test_the_admin_purges_every_page_for_the_masthead_and_the_bylines_for_an_author(purges, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    publisher = Publisher.load()
    # The form as the admin shows it, with the tagline changed.
    data = {
        name: value
        for name, value in model_to_dict(publisher).items()
        if name != "logo" and value not in (None, False, "")
    }
    data.update(site_name="Sanità33", tagline="Il quotidiano della sanità")
    response = client.post(reverse("admin:articles_publisher_change", args=[publisher.pk]), data)
    assert response.status_code == 302
    assert purges[-1] == {"site"}

    author = AuthorFactory(name="Anna Rossi", slug="anna-rossi")
    article = ArticleFactory(authors=[author])
    purges.clear()
    response = client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {"name": "Anna Rossi Bianchi", "slug": "anna-rossi", "role": "", "bio": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert purges == [{f"author-{author.pk}", f"article-{article.pk}"}]
