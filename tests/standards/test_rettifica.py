"""Rettifica (art. 8, L. 47/1948): the public form, its anti-abuse, the desk's inbox
with the 48-hour clock, and the notice an accepted request puts on the article."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import ArticleEvent, Correction, Publisher
from standards import services
from standards.deadlines import clock
from standards.models import CorrectionRequest
from tests.conftest import admin_path
from tests.factories import ArticleFactory, EditorFactory, JournalistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def publisher():
    return Publisher.objects.create(site_name="Sanità33", email="redazione@sanita33.example")


@pytest.fixture
def article():
    return ArticleFactory(title="Il farmaco X ritirato dal commercio")


def form_data(article, **overrides):
    data = {
        "article_url": "https://www.sanita33.example" + article.get_absolute_url(),
        "name": "Mario Rossi",
        "email": "mario.rossi@example.org",
        "represents": "Farmaceutici Rossi S.p.A.",
        "statement": "L'articolo dice che il farmaco X è stato ritirato: non è vero.",
        "correct_version": "Il farmaco X è regolarmente in commercio; è stato ritirato un lotto.",
        "evidence": "Comunicato AIFA del 2 dicembre.",
        "evidence_url": "https://www.aifa.gov.it/comunicato",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_article_links_to_the_form_with_the_article_filled_in(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/rettifica/?articolo={article.slug}"' in html
    form = client.get(f"/rettifica/?articolo={article.slug}")
    assert form.status_code == 200
    assert article.get_absolute_url() in form.context["form"].initial["article_url"]
    assert form["Cache-Control"].startswith("max-age=0")


def test_a_request_is_filed_with_a_48_hour_deadline_and_both_sides_told(
    client, article, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rettifica/", form_data(article))
    assert response.status_code == 200
    assert "entro 48 ore" in response.content.decode()
    request = CorrectionRequest.objects.get()
    assert request.article == article
    assert request.status == CorrectionRequest.Status.RECEIVED
    assert request.represents == "Farmaceutici Rossi S.p.A."
    hours = (request.due_at - before).total_seconds() / 3600
    assert 47.9 < hours <= 48.1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mario.rossi@example.org",
        "redazione@sanita33.example",
    ]
    assert ArticleEvent.objects.filter(article=article, action="rettifica_received").exists()


def test_bad_input_is_explained_and_nothing_is_lost(client, article):
    response = client.post(
        "/rettifica/",
        form_data(article, article_url="https://altrosito.example/pagina/", correct_version=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "non è quello di un nostro articolo" in html
    assert "Scrivi la versione corretta" in html
    assert "L&#x27;articolo dice che il farmaco X" in html  # what was typed stays
    assert not CorrectionRequest.objects.exists()


def test_unpublished_article_cannot_be_the_target(client):
    draft = ArticleFactory(draft=True)
    response = client.post("/rettifica/", form_data(draft))
    assert response.status_code == 400
    assert not CorrectionRequest.objects.exists()


def test_honeypot_and_per_address_limit(client, article):
    response = client.post("/rettifica/", form_data(article, website="http://spam.example"))
    assert response.status_code == 200
    assert not CorrectionRequest.objects.exists()
    for _ in range(services.REQUESTS_PER_IP_PER_HOUR):
        assert client.post("/rettifica/", form_data(article)).status_code == 200
    response = client.post("/rettifica/", form_data(article))
    assert response.status_code == 429
    assert "Troppe richieste" in response.content.decode()
    assert CorrectionRequest.objects.count() == services.REQUESTS_PER_IP_PER_HOUR


def filed(article, **kwargs) -> CorrectionRequest:
    return services.correction_request_file(
        article=article,
        name="Mario Rossi",
        email="mario.rossi@example.org",
        statement="Non è vero.",
        correct_version="La versione corretta.",
        **kwargs,
    )


def test_clock_counts_down_and_shows_late_requests():
    now = timezone.now()
    request = CorrectionRequest(received_at=now, status=CorrectionRequest.Status.RECEIVED)
    request.due_at = now + timedelta(hours=48)
    assert clock(request, now + timedelta(hours=1)) == "mancano 47 ore"
    assert clock(request, now + timedelta(hours=46, minutes=30)) == "manca 1 ora"
    assert clock(request, now + timedelta(hours=47, minutes=30)) == "scade tra meno di un'ora"
    assert clock(request, now + timedelta(hours=51)) == "scaduta da 3 ore"
    request.status = CorrectionRequest.Status.PUBLISHED
    assert clock(request, now) == ""


def test_accepting_with_a_text_publishes_the_notice_at_the_top(
    client, article, django_capture_on_commit_callbacks
):
    editor = EditorFactory()
    request = filed(article)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.correction_request_accept(
            request=request,
            by=editor,
            notice="Il farmaco X non è stato ritirato: lo è stato un lotto.",
        )
    request.refresh_from_db()
    assert request.status == CorrectionRequest.Status.PUBLISHED
    assert request.decided_by == editor
    correction = Correction.objects.get(article=article)
    assert correction.kind == Correction.Kind.RETTIFICA
    assert request.correction == correction
    article.refresh_from_db()
    assert article.material_update_at == correction.created_at
    assert [m.to for m in mail.outbox] == [["mario.rossi@example.org"]]

    html = client.get(article.get_absolute_url()).content.decode()
    notice = html.index('class="rettifica-notice"')
    assert notice < html.index('class="story__title"')
    assert "non è stato ritirato: lo è stato un lotto" in html[notice : notice + 600]
    assert f'href="#correzione-{correction.pk}"' in html
    assert f'id="correzione-{correction.pk}"' in html
    events = set(ArticleEvent.objects.filter(article=article).values_list("action", flat=True))
    assert {"rettifica_received", "rettifica_accepted", "correct"} <= events


def test_accepting_without_text_waits_then_publishes(article):
    editor = EditorFactory()
    request = filed(article)
    services.correction_request_accept(request=request, by=editor)
    assert request.status == CorrectionRequest.Status.ACCEPTED
    assert not Correction.objects.exists()
    services.correction_request_publish(request=request, by=editor, notice="Testo.")
    assert request.status == CorrectionRequest.Status.PUBLISHED


def test_rejection_needs_a_reason_that_the_reader_receives(
    article, django_capture_on_commit_callbacks
):
    editor = EditorFactory()
    request = filed(article)
    mail.outbox.clear()
    with pytest.raises(ValueError):
        services.correction_request_reject(request=request, by=editor, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.correction_request_reject(
            request=request, by=editor, reason="L'articolo riporta fedelmente il comunicato."
        )
    assert request.status == CorrectionRequest.Status.REJECTED
    assert "riporta fedelmente il comunicato" in mail.outbox[0].body
    with pytest.raises(ValueError):  # decided once
        services.correction_request_accept(request=request, by=editor, notice="x")


def test_only_an_editor_decides(article):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.correction_request_accept(
            request=filed(article), by=JournalistFactory(), notice="x"
        )


def test_admin_inbox_shows_the_clock_and_warns_about_deadlines(client, article):
    editor = EditorFactory()
    request = filed(article)
    CorrectionRequest.objects.filter(pk=request.pk).update(
        due_at=timezone.now() + timedelta(hours=5)
    )
    client.force_login(editor)
    response = client.get(admin_path("standards/correctionrequest/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "mancano 4 ore" in html or "mancano 5 ore" in html
    assert "scade entro 12 ore" in html

    response = client.post(
        admin_path(f"standards/correctionrequest/{request.pk}/change/"),
        {"decision": "reject", "notice": "", "rejection_reason": ""},
    )
    assert response.status_code == 200  # the form explains
    assert "Indica il motivo del rifiuto" in response.content.decode()
    response = client.post(
        admin_path(f"standards/correctionrequest/{request.pk}/change/"),
        {
            "decision": "accept",
            "notice": "Rettifica: il lotto, non il farmaco.",
            "rejection_reason": "",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == CorrectionRequest.Status.PUBLISHED
