"""The newsroom's day, driven through the admin as journalists and editors use it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleEvent, ArticlePerson, Person
from tests.articles.admin_helpers import article_post, jpeg
from tests.conftest import admin_path
from tests.factories import (
    AuthorFactory,
    EditorFactory,
    JournalistFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def log_in(client, user):
    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": "password-di-prova", "next": admin_path()},
    )
    assert response.status_code == 302, "login failed"


@pytest.mark.smoke
def test_journalist_writes_an_interview_editor_previews_schedules_and_publishes(client):
    journalist = JournalistFactory(first_name="Laura", last_name="Verdi")
    AuthorFactory(user=journalist, name="Laura Verdi")
    editor = EditorFactory(first_name="Paolo", last_name="Neri")
    section = SectionFactory(name="Farmaci", slug="farmaci")

    # The journalist logs in, adds the interviewee and writes the interview.
    log_in(client, journalist)
    client.post(
        reverse("admin:articles_person_add"),
        {
            "name": "Maria Conti",
            "slug": "maria-conti",
            "role": "Primaria di diabetologia",
            "organisation": "Policlinico di Milano",
            "bio": "",
        },
    )
    person = Person.objects.get(slug="maria-conti")
    data = article_post(
        section=section,
        kind="interview",
        title="«L'insulina settimanale cambia la vita dei pazienti»",
        slug="insulina-settimanale-intervista",
        standfirst="La diabetologa Maria Conti spiega cosa cambia con la nuova terapia.",
        body="<p>Dottoressa Conti, che cosa cambia?</p><p>Un'iniezione a settimana.</p>",
        tags="diabete, insulina",
        lead_image=jpeg(),
        lead_image_alt="La dottoressa Conti nel suo ambulatorio",
        highlighted_quote="Un'iniezione a settimana invece di una al giorno.",
        inlines={
            "sources": [
                {
                    "title": "Studio ONWARDS 1",
                    "url": "https://www.nejm.org/doi/full/10.1056/NEJMoa2303208",
                    "doi": "",
                    "position": "0",
                },
                {"title": "Scheda EMA", "url": "", "doi": "10.2903/j.efsa.2023", "position": "1"},
            ],
            "article_people": [{"person": str(person.pk), "role": "interviewee", "position": "0"}],
        },
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="insulina-settimanale-intervista")
    assert article.status == Article.Status.DRAFT
    assert article.sources.count() == 2
    assert ArticlePerson.objects.get(article=article).role == "interviewee"
    assert [a.name for a in article.authors.all()] == ["Laura Verdi"]
    assert sorted(article.tags.names()) == ["diabete", "insulina"]

    # ...and sends it for review with the button under the form.
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    article.refresh_from_db()
    response = client.post(change_url, article_post(article, _submit_review="1"), follow=True)
    assert "inviato in revisione" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    # Once submitted she cannot publish it herself.
    assert "_publish" not in client.get(change_url).content.decode()

    # The editor finds it among those in review and previews it.
    client.logout()
    log_in(client, editor)
    listing = client.get(reverse("admin:articles_article_changelist"), {"status__exact": "review"})
    assert [a.pk for a in listing.context["cl"].result_list] == [article.pk]
    preview = client.get(reverse("articles:preview", args=[article.pk]))
    assert preview.status_code == 200
    assert "Un'iniezione a settimana" in preview.content.decode()

    # She schedules it for tomorrow morning: embargoed until then.
    tomorrow = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    client.post(change_url, article_post(article, publish_at=tomorrow, _publish="1"))
    article.refresh_from_db()
    assert article.is_scheduled() is True
    assert article.publish_at == tomorrow
    public_url = article.get_absolute_url()
    assert client.get(public_url).status_code == 404
    assert Article.objects.published(now=tomorrow).filter(pk=article.pk).exists()

    # News breaks: she publishes it now from the list.
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.is_published() is True
    assert client.get(public_url).status_code == 200

    # The history shows the journalist's and the editor's work.
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    html = history.content.decode()
    for text in ["Inviato in revisione", "Pubblicazione programmata", "Pubblicato"]:
        assert text in html
    users = {v.revision.user for v in Version.objects.get_for_object(article)}
    assert users == {journalist, editor}
    assert list(
        ArticleEvent.objects.filter(article=article)
        .order_by("created_at", "id")
        .values_list("action", "user__username")
    ) == [
        ("submit", journalist.username),
        ("schedule", editor.username),
        ("publish", editor.username),
    ]
