"""Every admin page a newsroom user can open is in correct Italian.

Walks, for every model on the admin index, the list, the add form and, for one
object, its change, history and delete pages; the visible text may contain
none of the English words below, nor an elided article written out («Il
articolo», «Il edizione»).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import ArticleEvent, ArticleRedirect
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    EditorFactory,
    PersonFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Access attempt", "Access failure", "Access log", "Add another", "After you've",
    "Authentication", "Choose", "Change", "Delete", "Filter", "History", "Home",
    "Password-based", "Can ", "Recover", "Revert", "Save", "Search", "Select", "Tags",
    "Task Result", "Taggit", "Tasks Database", "Username", "Yes", "None",
    "Unknown", "Ritorna ",
]  # fmt: skip
ELIDED = re.compile(r"\b(?:Il|il) [aeiouAEIOUàèéìòù]\w*")
CAPITALISED_MONTH = re.compile(
    r"\d{1,2} (?:Gennaio|Febbraio|Marzo|Aprile|Maggio|Giugno|Luglio|Agosto|Settembre"
    r"|Ottobre|Novembre|Dicembre)\b"
)


class VisibleText(HTMLParser):
    """The text a reader sees, plus button labels, placeholders and titles."""

    HIDDEN = {"script", "style", "template", "svg"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in {"submit", "button"}:
            self.parts.append(attrs.get("value") or "")
        for name in ("placeholder", "title", "aria-label"):
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def problems_in(text: str) -> list[str]:
    found = [word for word in ENGLISH if re.search(r"(?<!\w)" + re.escape(word), text)]
    found += ELIDED.findall(text) + CAPITALISED_MONTH.findall(text)
    return found


def context(text: str, word: str) -> str:
    at = text.find(word)
    return text[max(0, at - 30) : at + len(word) + 30]


def one_of_everything(editor):
    article = ArticleFactory(authors=[AuthorFactory()], people=[PersonFactory()], tags=["diabete"])
    SourceFactory(article=article)
    CorrectionFactory(article=article)
    ArticleEvent.objects.create(article=article, action="publish", user=editor)
    ArticleRedirect.objects.create(old_path="/vecchio/", article=article)
    Group.objects.get_or_create(name="Redazione esteri")
    UserFactory(username="collega")
    AccessAttempt.objects.create(
        username="intruso", ip_address="10.0.0.1", user_agent="curl", failures_since_start=3,
        get_data="", post_data="", http_accept="", path_info="/admin/login/",
    )  # fmt: skip
    AccessLog.objects.create(username="collega", ip_address="10.0.0.2", user_agent="Firefox")
    AccessFailureLog.objects.create(username="intruso", ip_address="10.0.0.1", user_agent="curl")
    Tag.objects.get_or_create(name="vaccini", slug="vaccini")


def admin_pages(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    urls = [reverse("admin:index")]
    for app in admin.site.get_app_list(request):
        urls.append(reverse("admin:app_list", args=[app["app_label"]]))
        for entry in app["models"]:
            model = apps.get_model(app["app_label"], entry["object_name"])
            if entry.get("admin_url"):
                urls.append(entry["admin_url"])
            if entry.get("add_url"):
                urls.append(entry["add_url"])
            obj = model._default_manager.order_by("pk").first()
            if obj is None:
                continue
            info = (model._meta.app_label, model._meta.model_name)
            for view in ("change", "history", "delete"):
                try:
                    urls.append(reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk]))
                except NoReverseMatch:
                    pass
    return urls


@pytest.mark.parametrize("role", ["caporedattore", "amministratore"])
def test_every_admin_page_is_in_italian(client, role):
    user = EditorFactory()
    if role == "amministratore":
        user.is_superuser = True
        user.save()
    one_of_everything(user)
    client.force_login(user)

    failures = {}
    pages = admin_pages(user)
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = visible_text(response.content.decode())
        found = problems_in(text)
        if found:
            failures[url] = sorted({context(text, word) for word in found})
    assert len(pages) > 20
    assert not failures, "\n".join(f"{url}: {found}" for url, found in failures.items())


def test_messages_after_saving_name_the_object_without_broken_articles(client):
    user = EditorFactory()
    client.force_login(user)
    response = client.post(
        reverse("admin:articles_person_add"),
        {"name": "Ada Esposito", "slug": "ada-esposito", "role": "", "organisation": "", "bio": ""},
        follow=True,
    )
    text = visible_text(response.content.decode())
    assert "Ada Esposito" in text
    assert problems_in(text) == []


def test_months_are_written_in_lower_case():
    from django.utils.formats import date_format

    when = timezone.datetime(2026, 12, 2, 10, 0)
    assert date_format(when, "j F Y") == "2 dicembre 2026"
    assert date_format(when, "DATETIME_FORMAT").startswith("mercoledì")


def test_the_send_page_of_an_edition_counts_one_subscriber_in_the_singular(client):
    from newsletter.models import Edition, Subscriber

    Subscriber.objects.create(email="uno@example.org", status="confirmed")
    edition = Edition.objects.create(subject="Numero di prova")
    client.force_login(EditorFactory(is_superuser=True))

    html = client.get(reverse("admin:newsletter_edition_send", args=[edition.pk])).content.decode()

    assert "Invia ora a 1 iscritto" in html and "1 iscritti" not in html
