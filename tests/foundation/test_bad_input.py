"""Bad input over HTTP: whatever a reader, a robot or a careless editor sends, the
answer is a page, a 400 or a 404 (in Italian), never a 500 and never a half-done write.

Raw URLs go through the test client unencoded, so `%ff` reaches Django as the
byte 0xff, as it would from a WSGI server.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Publisher
from newsletter import tokens
from newsletter.models import Subscriber
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditorFactory,
    PersonFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

HUGE = "x" * (10 * 1024 * 1024 + 1)  # one byte past DATA_UPLOAD_MAX_MEMORY_SIZE
MANY_FIELDS = {f"campo{n}": "1" for n in range(1001)}  # past DATA_UPLOAD_MAX_NUMBER_FIELDS
OVERFLOW = "99999999999999999999"  # past PostgreSQL's bigint


@pytest.fixture
def site():
    Publisher.objects.create()
    farmaci = SectionFactory(name="Farmaci", slug="farmaci")
    SectionFactory(name="Biotech", slug="biotech", parent=farmaci)
    return ArticleFactory(
        section=farmaci,
        slug="nuovo-vaccino",
        title="Nuovo vaccino antinfluenzale",
        publish_at=timezone.make_aware(datetime(2025, 2, 14, 10, 0)),
        tags=["vaccini"],
        authors=[AuthorFactory(slug="giulia-conti")],
        people=[PersonFactory(slug="marta-greco")],
    )


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def next_year() -> int:
    return timezone.localdate().year + 1


NOT_FOUND = [
    # Unknown slugs, on every page type and feed.
    "/sezione-inesistente/",
    "/farmaci/articolo-inesistente/",
    "/sezione-inesistente/articolo-inesistente/",
    "/autori/nessuno/",
    "/persone/nessuno/",
    "/tag/nessuno/",
    "/feed/sezioni/nessuna/",
    "/feed/atom/sezioni/nessuna/",
    "/feed/tag/nessuno/",
    "/feed/atom/tag/nessuno/",
    "/feed/autori/nessuno/",
    "/feed/atom/autori/nessuno/",
    "/sitemap-nessuna.xml",
    # Months that do not exist, have not begun, or overflow.
    "/archivio/2024/13/",
    "/archivio/2024/0/",
    "/archivio/0/1/",
    "/archivio/1989/12/",
    "/archivio/99999/1/",
    f"/archivio/{OVERFLOW}/1/",
    f"/archivio/2024/{OVERFLOW}/",
    "/archivio/9999/12/",
    "/archivio/{next_year}/1/",
    # Bytes that are not UTF-8 in the path.
    "/%c3/",
    "/%ff/",
    "/%ff/%fe/",
    "/farmaci/%c3/",
    "/sezione/%c3",
    "/autori/%ff/",
    "/tag/%c3%28/",
    "/%ED%A0%80/",  # an encoded lone surrogate
    "/%00/",
    # Page numbers a paginator cannot serve.
    "/farmaci/?page=abc",
    "/farmaci/?page=-1",
    "/farmaci/?page=0",
    f"/farmaci/?page={OVERFLOW}",
    "/farmaci/?page=%ff",
    "/farmaci/?page=%00",
    "/farmaci/?page=1e3",
    "/farmaci/?page=2",
    f"/tag/vaccini/?page={OVERFLOW}",
    "/autori/giulia-conti/?page=-1",
    "/persone/marta-greco/?page=%ff",
    "/archivio/2025/2/?page=abc",
    f"/cerca/?q=vaccino&page={OVERFLOW}",
    "/cerca/?q=vaccino&page=%ff",
    f"/sitemap-articoli.xml?p={OVERFLOW}",
    "/sitemap-articoli.xml?p=abc",
    "/sitemap-articoli.xml?p=0",
    "/sitemap-articoli.xml?p=-1",
    "/sitemap-articoli.xml?p=%ff",
    f"/sitemap-pagine.xml?p={OVERFLOW}",
    "/sitemap-pagine.xml?p=abc",
    "/sitemap-news.xml?p=%ff",
]

PAGES = [
    # Odd parameters that pages ignore or clean.
    "/?page=%ff",
    "/?page=abc",
    "/?%ff=%fe",
    "/farmaci/?page=last",
    "/farmaci/?page=1",
    "/farmaci/?q=%00",
    "/farmaci/nuovo-vaccino/?utm=%ff%00",
    "/tag/vaccini/?page=1",
    "/archivio/2025/2/",
    "/archivio/2025/02/?x=%ff",
    "/feed/?page=%ff",
    "/feed/sezioni/farmaci/?%00",
    "/cerca/?q=%ff%fe",
    "/cerca/?q=vaccino&sezione=%ff",
    "/cerca/?q=vaccino&sezione=%00",
    "/cerca/?q=vaccino&dal=%00&al=99999-01-01",
    "/newsletter/?email=%ff",
    "/newsletter/privacy/?%00=1",
    "/robots.txt?%ff=%ff",
    "/healthz?x=%ff",
]

INVALID_LINKS = [
    "/newsletter/conferma/%ff/",
    "/newsletter/conferma/non-firmato/",
    "/newsletter/disiscrizione/%ff/",
    "/newsletter/preferenze/%ff/",
    "/newsletter/preferenze/%00/",
]


@pytest.mark.parametrize("url", NOT_FOUND)
def test_unknown_or_impossible_addresses_are_an_italian_404(site, browser, url):
    response = browser.get(url.format(next_year=next_year()))
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_odd_query_strings_still_give_the_page(site, browser, url):
    assert browser.get(url).status_code == 200


@pytest.mark.parametrize("url", INVALID_LINKS)
def test_broken_newsletter_links_say_the_link_is_invalid(site, browser, url):
    response = browser.get(url)
    assert response.status_code == 400
    assert "Questo link non è valido" in response.content.decode()


def test_an_unsigned_preview_link_is_a_404(site, browser):
    response = browser.get("/anteprima/link/non-firmato/")
    assert response.status_code == 404
    assert "Link di anteprima non valido" in response.content.decode()


# Forms: too big, too many fields, out-of-range values --------------------------


def assert_italian_400(response):
    assert response.status_code == 400
    html = response.content.decode()
    assert "Richiesta non valida" in html
    assert 'lang="it"' in html


@pytest.mark.parametrize("extra", [{"testo": HUGE}, MANY_FIELDS], ids=["huge", "many-fields"])
def test_oversized_newsletter_signup_is_an_italian_400_and_subscribes_nobody(browser, extra):
    response = browser.post(
        "/newsletter/", {"email": "lettore@example.org", "consent": "1", **extra}
    )
    assert_italian_400(response)
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "topics",
    ["abc", OVERFLOW, "\x00", [str(n) for n in range(900)]],
    ids=["text", "overflow", "nul", "900-ids"],
)
def test_impossible_topics_in_the_signup_form_are_a_form_error(browser, topics):
    response = browser.post(
        "/newsletter/", {"email": "lettore@example.org", "consent": "1", "topics": topics}
    )
    assert response.status_code == 400
    assert 'value="lettore@example.org"' in response.content.decode()  # the form, kept
    assert not Subscriber.objects.exists()


@pytest.fixture
def subscriber():
    farmaci = SectionFactory(name="Farmaci", slug="farmaci")
    subscriber = Subscriber.objects.create(email="iscritta@example.org", status="confirmed")
    subscriber.topics.set([farmaci])
    return subscriber


def preferences_client(subscriber) -> tuple[Client, str, str]:
    """A browser that opened the preferences page: it holds the CSRF cookie and token."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    url = reverse("newsletter:preferences", args=[tokens.manage_token(subscriber.key)])
    page = client.get(url)
    assert page.status_code == 200
    return client, url, page.context["csrf_token"]


@pytest.mark.parametrize("extra", [{"testo": HUGE}, MANY_FIELDS], ids=["huge", "many-fields"])
def test_oversized_preferences_post_is_an_italian_400_and_changes_nothing(subscriber, extra):
    client, url, token = preferences_client(subscriber)
    response = client.post(url, {"csrfmiddlewaretoken": token, "paused": "on", **extra})
    assert_italian_400(response)
    subscriber.refresh_from_db()
    assert subscriber.paused is False
    assert [s.slug for s in subscriber.topics.all()] == ["farmaci"]


@pytest.mark.parametrize("topics", ["abc", OVERFLOW, "\x00"], ids=["text", "overflow", "nul"])
def test_impossible_topics_in_the_preferences_form_change_nothing(subscriber, topics):
    client, url, token = preferences_client(subscriber)
    response = client.post(url, {"csrfmiddlewaretoken": token, "topics": topics})
    assert response.status_code == 400
    assert [s.slug for s in subscriber.topics.all()] == ["farmaci"]


def test_preferences_post_without_its_token_explains_in_italian(subscriber):
    client, url, _token = preferences_client(subscriber)
    response = client.post(url, {"paused": "on"})
    assert response.status_code == 403
    assert "Il modulo non è più valido" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.paused is False


@pytest.mark.parametrize("extra", [{"testo": HUGE}, MANY_FIELDS], ids=["huge", "many-fields"])
def test_oversized_admin_login_is_an_italian_400_and_logs_nobody_in(extra):
    EditorFactory(username="capo")
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = client.get("/admin/login/").context["csrf_token"]
    response = client.post(
        "/admin/login/",
        {
            "csrfmiddlewaretoken": token,
            "username": "capo",
            "password": "password-di-prova",
            **extra,
        },
    )
    assert_italian_400(response)
    assert "_auth_user_id" not in client.session


def test_admin_login_with_nul_or_huge_credentials_is_refused_with_the_form():
    client = Client(raise_request_exception=False)
    for username, password in (("\x00", "\x00"), ("a" * 100_000, "b" * 100_000)):
        response = client.post("/admin/login/", {"username": username, "password": password})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


# The admin: query strings that reach list filters and pre-filled forms ----------


@pytest.fixture
def staff(site):
    client = Client(raise_request_exception=False)
    client.force_login(EditorFactory(is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/?status=%00",
        "/admin/articles/article/?kind=%00",
        "/admin/articles/articleevent/?action=%00",
        "/admin/newsletter/subscriber/?status=%00",
        "/admin/newsletter/edition/?status=x%00y",
        "/admin/articles/article/?%00=1",
    ],
)
def test_nul_in_admin_filters_is_a_400(staff, url):
    """PostgreSQL refuses NUL in text; the list filter used to fail while reading the list."""
    assert_italian_400(staff.get(url))


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/admin/articles/article/add/?section=abc", "section"),
        ("/admin/articles/article/add/?medical_reviewer_person=%ff", "medical_reviewer_person"),
        ("/admin/articles/section/add/?parent=abc", "parent"),
        ("/admin/articles/correction/add/?article=1.5", "article"),
        ("/admin/articles/articleredirect/add/?article=abc", "article"),
    ],
)
def test_impossible_prefill_values_are_ignored(staff, url, field):
    """Django's autocomplete widget looked `abc` up as a primary key: a 500."""
    response = staff.get(url)
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get(field) is None


def test_a_valid_prefill_still_selects_the_section(staff, site):
    response = staff.get(f"/admin/articles/article/add/?section={site.section_id}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["section"] == str(site.section_id)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/admin/articles/article/?q=%00", 400),
        ("/admin/articles/article/?q=%ff%fe", 200),
        ("/admin/articles/article/?o=abc", 200),
        ("/admin/articles/article/?p=abc", 200),
        (f"/admin/articles/article/?p={OVERFLOW}", 200),
        ("/admin/articles/article/?section__id__exact=abc", 302),  # Django's «?e=1» page
        (f"/admin/articles/article/?section__id__exact={OVERFLOW}", 200),
        ("/admin/articles/article/?publish_at__gte=abc", 302),
        (f"/admin/articles/article/{OVERFLOW}/change/", 302),
        ("/admin/articles/article/abc/change/", 302),
        (f"/admin/articles/article/add/?section={OVERFLOW}", 200),
        (f"/anteprima/{OVERFLOW}/", 404),
    ],
)
def test_other_odd_admin_addresses_answer_without_error(staff, url, status):
    assert staff.get(url).status_code == status
