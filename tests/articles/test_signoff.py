"""Medical review as a workflow step, and the director's sign-off for sensitive articles."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles import services
from articles.models import Article, Publisher, Signoff
from articles.roles import DIRECTOR, MEDICAL_REVIEWER, ensure_newsroom_groups
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditorFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def member_of(group: str, **fields):
    ensure_newsroom_groups()
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reviewer():
    return member_of(MEDICAL_REVIEWER, first_name="Elena", last_name="Medici")


def health_draft(reviewer=None, **kwargs):
    article = ArticleFactory(
        draft=True,
        authors=[AuthorFactory()],
        medical_reviewer_author=AuthorFactory(user=reviewer, name="Dott.ssa Elena Medici")
        if reviewer
        else None,
        **kwargs,
    )
    SourceFactory(article=article)
    return article


def test_an_article_with_a_medical_reviewer_waits_for_the_signature(reviewer):
    editor = EditorFactory()
    article = health_draft(reviewer)

    with pytest.raises(services.PublishCheckFailed) as failure:
        services.article_publish(article=article, by=editor, override_reason="Urgente")
    assert failure.value.problems == ["Manca la firma: Revisione medica."]

    services.article_signoff(article=article, by=reviewer, kind=Signoff.Kind.MEDICAL)
    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.last_reviewed is not None


def test_an_edit_after_the_signature_needs_a_new_one(reviewer):
    editor = EditorFactory()
    article = health_draft(reviewer)
    services.article_signoff(article=article, by=reviewer, kind=Signoff.Kind.MEDICAL)
    article.refresh_from_db()
    article.body = "<p>Dosaggio cambiato.</p>"
    services.article_update(article=article, by=editor, loaded_version=article.version)

    with pytest.raises(services.PublishCheckFailed) as failure:
        services.article_publish(article=article, by=editor)
    assert "serve una nuova firma" in failure.value.problems[0]


def test_the_reviewer_signs_off_but_cannot_edit_or_publish(client, reviewer):
    article = health_draft(reviewer, title="Insulina settimanale")
    client.force_login(reviewer)

    queue = client.get(reverse("admin:articles_article_changelist"), {"revisione": "attesa"})
    assert [a.title for a in queue.context["cl"].result_list] == ["Insulina settimanale"]
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert "Firma la revisione medica" in page.content.decode()
    assert "<p>Il testo dell'articolo" in page.content.decode()  # read as readers will
    assert "_publish" not in page.content.decode()

    signoff_url = reverse("admin:articles_article_signoff", args=[article.pk, "medical"])
    response = client.post(signoff_url, follow=True)
    assert "Firma registrata" in response.content.decode()
    assert "Firma la revisione medica" not in response.content.decode()
    signoff = Signoff.objects.get(article=article)
    assert (signoff.user, signoff.kind) == (reviewer, "medical")
    with pytest.raises(Exception):  # noqa: B017
        services.article_publish(article=article, by=reviewer)
    assert (
        not client.get(reverse("admin:articles_article_changelist"), {"revisione": "attesa"})
        .context["cl"]
        .result_list
    )


def test_the_reader_sees_who_reviewed_and_when(client, reviewer):
    article = health_draft(reviewer)
    services.article_signoff(article=article, by=reviewer, kind=Signoff.Kind.MEDICAL)
    services.article_publish(article=article, by=EditorFactory())

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Revisione medica:" in html
    assert "Dott.ssa Elena Medici</a>, il <time" in html


def test_a_reviewer_cannot_sign_an_article_assigned_to_someone_else(reviewer):
    other = member_of(MEDICAL_REVIEWER)
    article = health_draft(reviewer)
    with pytest.raises(services.PermissionDenied):
        services.article_signoff(article=article, by=other, kind=Signoff.Kind.MEDICAL)


def test_sensitive_articles_wait_for_the_director_when_the_publisher_asks():
    publisher = Publisher.load()
    publisher.require_director_signoff = True
    publisher.save()
    editor = EditorFactory()
    director = member_of(DIRECTOR)
    article = health_draft(is_sensitive=True)

    with pytest.raises(services.PublishCheckFailed) as failure:
        services.article_publish(article=article, by=editor)
    assert failure.value.problems == ["Manca la firma: Direttore responsabile."]
    with pytest.raises(services.PermissionDenied):
        services.article_signoff(article=article, by=editor, kind=Signoff.Kind.DIRECTOR)

    services.article_signoff(article=article, by=director, kind=Signoff.Kind.DIRECTOR)
    services.article_publish(article=article, by=director)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_without_the_publisher_setting_sensitive_articles_publish_freely():
    article = health_draft(is_sensitive=True)
    services.article_publish(article=article, by=EditorFactory())
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
