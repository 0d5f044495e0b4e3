"""A reader signs up from an article page in Chromium and confirms from the e-mail."""

import re

import pytest
from django.core import mail

from newsletter.models import Subscriber
from tests.browser.conftest import browser, page_at, site  # noqa: F401 - shared fixtures
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_sign_up_on_an_article_page_and_confirm_from_the_mail(site, page_at):  # noqa: F811
    article = ArticleFactory(title="Influenza, il picco è vicino")
    page = page_at(375)
    page.goto(site.url + article.get_absolute_url())

    form = page.locator(".newsletter-signup form")
    form.get_by_label("Il tuo indirizzo e-mail").fill("lettrice@example.org")
    form.get_by_label(re.compile("informativa sulla privacy")).check()
    form.get_by_role("button", name="Iscriviti").click()

    page.wait_for_selector("text=Controlla la tua casella di posta")
    assert Subscriber.objects.get().status == "pending"
    [message] = mail.outbox
    assert message.to == ["lettrice@example.org"]
    link = re.search(r"http://\S+/newsletter/conferma/\S+/", message.body).group(0)
    assert link.startswith(site.url)

    page.goto(link)
    page.get_by_role("button", name="Confermo l'iscrizione").click()

    page.wait_for_selector("text=Iscrizione confermata")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed"
    assert subscriber.consents.get().page == article.get_absolute_url()
