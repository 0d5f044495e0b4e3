import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from reversion.models import Version

from articles.models import STANDFIRST_MAX_LENGTH, Article, ArticleEvent, ArticleRedirect
from articles.services import (
    PublishCheckFailed,
    StaleVersion,
    article_correct,
    article_publish,
    article_submit,
    article_unpublish,
    article_update,
    publish_problems,
)
from tests.articles.admin_helpers import jpeg
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditorFactory,
    JournalistFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def ready_draft(**kwargs) -> Article:
    article = ArticleFactory(draft=True, authors=[AuthorFactory()], **kwargs)
    SourceFactory(article=article)
    return article


def test_submit_moves_a_draft_to_review_with_an_audit_entry():
    journalist = JournalistFactory()
    article = ready_draft(created_by=journalist)

    article_submit(article=article, by=journalist)

    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert article.version == 2
    event = ArticleEvent.objects.get(article=article)
    assert (event.action, event.user) == ("submit", journalist)


def test_submit_refuses_what_is_not_a_draft():
    editor = EditorFactory()
    article = ready_draft(status=Article.Status.REVIEW)
    with pytest.raises(PermissionDenied):
        article_submit(article=article, by=editor)


def test_publish_now_sets_publish_and_first_published_time():
    editor = EditorFactory()
    article = ready_draft()
    before = timezone.now()

    article_publish(article=article, by=editor)

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.publish_at >= before
    assert article.first_published_at == article.publish_at
    assert article.is_published() is True
    assert ArticleEvent.objects.filter(article=article, action="publish").count() == 1


def test_first_published_at_is_kept_when_republished():
    editor = EditorFactory()
    article = ready_draft()
    article_publish(article=article, by=editor)
    first = article.first_published_at
    article_unpublish(article=article, by=editor)
    assert article.is_published() is False

    article_publish(article=article, by=editor)

    article.refresh_from_db()
    assert article.first_published_at == first
    assert article.is_published() is True


def test_scheduled_article_is_invisible_until_its_time_in_queryset_and_instance_alike():
    editor = EditorFactory()
    article = ready_draft()
    at = timezone.now() + timedelta(hours=2)

    article_publish(article=article, by=editor, publish_at=at)

    article.refresh_from_db()
    assert article.is_scheduled() is True
    assert ArticleEvent.objects.filter(article=article, action="schedule").exists()
    for now, visible in [
        (at - timedelta(seconds=1), False),
        (at, True),
        (at + timedelta(days=3), True),
    ]:
        assert article.is_published(now=now) is visible
        assert Article.objects.published(now=now).filter(pk=article.pk).exists() is visible
    assert article.first_published_at == at


def test_scheduled_unpublish_hides_the_article_from_that_moment():
    editor = EditorFactory()
    article = ArticleFactory()
    SourceFactory(article=article)
    at = timezone.now() + timedelta(days=1)

    article_unpublish(article=article, by=editor, unpublish_at=at)

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.unpublish_at == at
    for now, visible in [(at - timedelta(minutes=1), True), (at, False)]:
        assert article.is_published(now=now) is visible
        assert Article.objects.published(now=now).filter(pk=article.pk).exists() is visible
    assert ArticleEvent.objects.filter(article=article, action="schedule_unpublish").exists()


def test_unpublish_now_withdraws_the_article():
    editor = EditorFactory()
    article = ArticleFactory()

    article_unpublish(article=article, by=editor)

    article.refresh_from_db()
    assert article.status == Article.Status.UNPUBLISHED
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_pre_publish_checks_list_every_problem_in_italian():
    editor = EditorFactory()
    article = ArticleFactory(
        draft=True,
        standfirst="",
        lead_image=jpeg(),
        lead_image_alt="",
        is_health_content=True,
    )

    with pytest.raises(PublishCheckFailed) as failure:
        article_publish(article=article, by=editor)

    assert failure.value.problems == [
        "L'articolo non ha nessuna firma.",
        "L'immagine principale non ha il testo alternativo.",
        "Il sommario è vuoto.",
        "È un contenuto sanitario ma non cita nessuna fonte.",
    ]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not ArticleEvent.objects.filter(article=article).exists()


def test_too_long_standfirst_is_refused_and_non_health_needs_no_source():
    article = ArticleFactory(
        draft=True,
        standfirst="x" * (STANDFIRST_MAX_LENGTH + 1),
        is_health_content=False,
        authors=[AuthorFactory()],
    )
    assert publish_problems(article) == [
        f"Il sommario è troppo lungo: {STANDFIRST_MAX_LENGTH + 1} caratteri, al massimo "
        f"{STANDFIRST_MAX_LENGTH}."
    ]
    article.standfirst = "x" * STANDFIRST_MAX_LENGTH
    assert publish_problems(article) == []


def test_an_editor_override_publishes_and_records_the_reason():
    editor = EditorFactory()
    article = ArticleFactory(draft=True)  # health content, no source

    article_publish(article=article, by=editor, override_reason="Notizia urgente, fonti a seguire")

    article.refresh_from_db()
    assert article.is_published() is True
    assert article.publish_check_override == "Notizia urgente, fonti a seguire"
    event = ArticleEvent.objects.get(article=article, action="override")
    assert event.user == editor
    assert "Notizia urgente" in event.note
    assert "non cita nessuna fonte" in event.note


def test_a_journalist_cannot_publish_even_with_a_reason():
    journalist = JournalistFactory()
    article = ready_draft(created_by=journalist)
    with pytest.raises(PermissionDenied):
        article_publish(article=article, by=journalist, override_reason="per favore")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_correction_is_logged_and_marks_a_material_update():
    editor = EditorFactory()
    article = ArticleFactory()

    correction = article_correct(article=article, by=editor, note="Corretta la dose indicata.")

    article.refresh_from_db()
    assert article.material_update_at == correction.created_at
    assert list(article.corrections.values_list("note", flat=True)) == [
        "Corretta la dose indicata."
    ]
    assert ArticleEvent.objects.filter(article=article, action="correct").exists()


def test_material_update_only_when_asked():
    editor = EditorFactory()
    article = ArticleFactory()
    article.title = "Titolo ritoccato"
    article_update(article=article, by=editor, loaded_version=1)
    article.refresh_from_db()
    assert article.material_update_at is None

    article.body = "<p>Nuovi dati dallo studio.</p>"
    article_update(article=article, by=editor, loaded_version=2, material=True)

    article.refresh_from_db()
    assert article.material_update_at is not None
    assert article.version == 3


def test_two_saves_from_the_same_loaded_version_only_the_first_wins():
    alice, bob = EditorFactory(), EditorFactory()
    article = ArticleFactory(title="Originale")
    copy_alice = Article.objects.get(pk=article.pk)
    copy_bob = Article.objects.get(pk=article.pk)

    copy_alice.title = "Versione di Alice"
    article_update(article=copy_alice, by=alice, loaded_version=1)
    copy_bob.title = "Versione di Bob"
    with pytest.raises(StaleVersion) as stale:
        article_update(article=copy_bob, by=bob, loaded_version=1)

    article.refresh_from_db()
    assert article.title == "Versione di Alice"
    assert article.version == 2
    assert alice.get_full_name() in str(stale.value)


def test_workflow_services_bump_the_version_so_stale_forms_cannot_undo_them():
    editor = EditorFactory()
    article = ready_draft()
    article_publish(article=article, by=editor)
    with pytest.raises(StaleVersion):
        article_update(article=article, by=editor, loaded_version=1)


def test_moving_a_published_article_keeps_its_old_address():
    editor = EditorFactory()
    article = ArticleFactory(slug="vecchio-titolo")
    old_path = article.get_absolute_url()

    article.slug = "nuovo-titolo"
    article.section = SectionFactory(slug="farmaci")
    article_update(article=article, by=editor, loaded_version=1)

    redirect = ArticleRedirect.objects.get()
    assert (redirect.old_path, redirect.article) == (old_path, article)
    assert ArticleEvent.objects.filter(article=article, action="moved").exists()


def test_renaming_a_draft_leaves_no_redirect():
    editor = EditorFactory()
    article = ArticleFactory(draft=True, slug="bozza")
    article.slug = "bozza-rinominata"
    article_update(article=article, by=editor, loaded_version=1)
    assert not ArticleRedirect.objects.exists()


def test_services_record_revisions_with_user_and_comment():
    editor = EditorFactory()
    article = ready_draft()
    article_publish(article=article, by=editor, publish_at=timezone.now() + timedelta(days=1))

    version = Version.objects.get_for_object(article).get()
    assert version.revision.user == editor
    assert version.revision.comment.startswith("Pubblicazione programmata per il")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_the_same_version_exactly_one_wins():
    """Two editors press save at the same instant, each on its own connection."""
    article = ArticleFactory(title="Originale")
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(title):
        try:
            copy = Article.objects.get(pk=article.pk)
            copy.title = title
            barrier.wait()
            article_update(article=copy, by=None, loaded_version=1)
            outcomes[title] = "salvato"
        except StaleVersion:
            outcomes[title] = "rifiutato"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("Alice", "Bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["rifiutato", "salvato"]
    article.refresh_from_db()
    winner = next(t for t, outcome in outcomes.items() if outcome == "salvato")
    assert (article.title, article.version) == (winner, 2)
