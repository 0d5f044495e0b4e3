"""Every newsletter e-mail is a template triplet: <name>_subject.txt, _body.txt, _body.html.

The subject and the text body are text, not HTML: they are rendered with
autoescaping off, so «l'influenza & "vaccini"» arrives as typed.

HTML is rendered with a <style> block and inlined once by css-inline; an
edition is rendered once per distinct article list (not per subscriber) with
a placeholder where the subscriber's signed token goes, which is swapped in
per message. That keeps sending CPU-cheap at 100,000 recipients.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import formatdate, make_msgid
from urllib.parse import quote, urlsplit

import css_inline
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.images import ensure_lead_image_renditions
from articles.models import Article, Publisher, Section
from articles.querysets import published_q
from articles.templatetags.articles import WEEKDAYS, data_it
from newsletter import tokens
from newsletter.models import Edition, EditionArticle, Subscriber
from newsletter.plaintext import html_to_text

TOKEN_PLACEHOLDER = "S33SUBSCRIBERTOKEN"
TOKEN_BYTES = TOKEN_PLACEHOLDER.encode()
PER_MESSAGE_HEADERS = {b"to", b"date", b"message-id", b"list-unsubscribe"}

logger = logging.getLogger(__name__)

_inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def unsubscribe_url(token: str) -> str:
    return absolute(reverse("newsletter:unsubscribe", args=[token]))


def click_url(edition_id: int, article_id: int) -> str:
    """First-party redirect that counts a click on an article, and nothing about the reader."""
    return absolute(reverse("newsletter:click", args=[edition_id, article_id]))


def preferences_url(token: str) -> str:
    return absolute(reverse("newsletter:preferences", args=[token]))


def unsubscribe_mailto(token: str) -> str:
    address = settings.NEWSLETTER_UNSUBSCRIBE_MAILTO or _address_only(settings.DEFAULT_FROM_EMAIL)
    return f"mailto:{address}?subject={quote('unsubscribe ' + token)}"


def _address_only(value: str) -> str:
    from email.utils import parseaddr

    return parseaddr(value)[1]


def render_text(template_name: str, context: dict) -> str:
    """A text template (subject, plain-text body): never HTML-escaped."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


def render_triplet(name: str, context: dict) -> tuple[str, str, str]:
    subject = " ".join(render_text(f"newsletter/email/{name}_subject.txt", context).split())
    text = render_text(f"newsletter/email/{name}_body.txt", context)
    html = _inliner.inline(render_to_string(f"newsletter/email/{name}_body.html", context))
    return subject, text, html


def build_message(
    *, to: str, subject: str, text: str, html: str, headers: dict | None = None
) -> EmailMultiAlternatives:
    # sanitize_address raises on CR/LF, so no address can inject headers.
    sanitize_address(to, settings.DEFAULT_CHARSET)
    all_headers = {"Message-ID": make_msgid(domain=site_domain())}
    all_headers.update(headers or {})
    reply_to = [settings.NEWSLETTER_REPLY_TO] if settings.NEWSLETTER_REPLY_TO else None
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=reply_to,
        headers=all_headers,
    )
    message.attach_alternative(html, "text/html")
    return message


# Invisible characters after the preheader: without them a mail program fills the
# preview line with the next text of the body (the masthead, the date). In short
# lines: one over 998 bytes makes the whole HTML part quoted-printable.
PREHEADER_SPACER = mark_safe("\n".join(["&#847;&zwnj;&nbsp;" * 10] * 8))
# A signed URL has no spaces: in a narrow window it would widen the whole message.
_URL_BREAK_AFTER = re.compile(r"([/.:?&=_-])")
_URL_CHUNK = 20


def breakable_url(url: str) -> str:
    """The URL as HTML text with <wbr> break points after punctuation and long runs."""
    pieces = []
    for part in _URL_BREAK_AFTER.split(url):
        pieces.extend(part[i : i + _URL_CHUNK] for i in range(0, len(part), _URL_CHUNK))
    return mark_safe("<wbr>".join(escape(piece) for piece in pieces if piece))


def weekday_date(moment: datetime) -> str:
    """'mercoledì 2 dicembre 2026'."""
    local = timezone.localtime(moment)
    return f"{WEEKDAYS[local.weekday()]} {data_it(local)}"


def email_image(article: Article) -> dict | None:
    """The article's lead image for mail: an absolute JPEG rendition with its size and alt.

    Mail programs show no WebP and no srcset, so one JPEG at about twice the
    displayed width (536 px) is sent; None without an image or a rendition.
    """
    if not article.lead_image:
        return None
    try:
        renditions = ensure_lead_image_renditions(article)
    except (OSError, SyntaxError, ValueError):
        logger.exception("renditions failed for article %s", article.pk)
        return None
    if not renditions:
        return None
    chosen = next((r for r in renditions if r["width"] >= 960), renditions[-1])
    src = default_storage.url(chosen["jpeg"])
    return {
        "src": absolute(src) if src.startswith("/") else src,
        "alt": article.lead_image_alt,
        "lead_height": round(536 * chosen["height"] / chosen["width"]),
        "thumb_height": round(120 * chosen["height"] / chosen["width"]),
    }


def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    confirm_url = absolute(
        reverse("newsletter:confirm", args=[tokens.confirm_token(subscriber.key)])
    )
    context = {
        "publisher": Publisher.load(),
        "confirm_url": confirm_url,
        "confirm_url_breakable": breakable_url(confirm_url),
        "confirm_days": settings.NEWSLETTER_CONFIRM_DAYS,
        "site_url": settings.SITE_URL,
        "preheader_spacer": PREHEADER_SPACER,
    }
    subject, text, html = render_triplet("confirm", context)
    return build_message(to=subscriber.email, subject=subject, text=text, html=html)


@dataclass(frozen=True)
class RenderedEdition:
    subject: str
    text: str
    html: str

    def personalise(self, token: str) -> tuple[str, str]:
        return (
            self.text.replace(TOKEN_PLACEHOLDER, token),
            self.html.replace(TOKEN_PLACEHOLDER, token),
        )


class EditionRenderer:
    """Renders one edition for many subscribers, once per distinct article list."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.publisher = Publisher.load()
        self.items = list(
            EditionArticle.objects.filter(edition=edition)
            .filter(published_q(prefix="article__"))
            .select_related("article__section")
            .order_by("position", "id")
        )
        parents = dict(Section.objects.values_list("pk", "parent_id"))
        self._roots = {
            item.article_id: _ancestry(item.article.section_id, parents) for item in self.items
        }
        self._images: dict[int, dict | None] = {}
        self._render = functools.lru_cache(maxsize=512)(self._render_articles)

    def articles_for(self, topic_ids: frozenset[int] | None) -> tuple[Article, ...]:
        if not self.edition.personalised or topic_ids is None:
            return tuple(item.article for item in self.items)
        return tuple(
            item.article for item in self.items if self._roots[item.article_id] & topic_ids
        )

    def render_for(self, topic_ids: frozenset[int] | None) -> RenderedEdition | None:
        """The edition a subscriber with these topics gets; None when nothing is for them."""
        articles = self.articles_for(topic_ids)
        if not articles and self.items:
            return None
        return self._render(tuple(article.pk for article in articles))

    def _render_articles(self, article_ids: tuple[int, ...]) -> RenderedEdition:
        by_id = {item.article_id: item.article for item in self.items}
        context = {
            "edition": self.edition,
            "intro_text": html_to_text(self.edition.intro),
            "preheader": self.edition.preheader or self._fallback_preheader(article_ids),
            "preheader_spacer": PREHEADER_SPACER,
            "date_text": weekday_date(
                self.edition.started_at or self.edition.scheduled_at or timezone.now()
            ),
            "publisher": self.publisher,
            "articles": [
                {
                    "title": by_id[pk].title,
                    "standfirst": by_id[pk].standfirst,
                    "section": by_id[pk].section.name,
                    "url": click_url(self.edition.pk, pk),
                    "image": self._image(by_id[pk]),
                }
                for pk in article_ids
            ],
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe_url(TOKEN_PLACEHOLDER),
            "preferences_url": preferences_url(TOKEN_PLACEHOLDER),
        }
        subject, text, html = render_triplet("edition", context)
        return RenderedEdition(subject=subject, text=text, html=html)

    def _image(self, article: Article) -> dict | None:
        if article.pk not in self._images:
            self._images[article.pk] = email_image(article)
        return self._images[article.pk]

    def _fallback_preheader(self, article_ids: tuple[int, ...]) -> str:
        """Without an editor's preheader, the preview line lists the first titles."""
        by_id = {item.article_id: item.article for item in self.items}
        return " · ".join(by_id[pk].title for pk in article_ids[:3])

    def message(
        self, *, to: str, token: str, rendered: RenderedEdition, message_id: str | None = None
    ) -> EmailMultiAlternatives:
        text, html = rendered.personalise(token)
        own = {"Message-ID": message_id} if message_id else {}
        return build_message(
            to=to,
            subject=rendered.subject,
            text=text,
            html=html,
            headers={
                **own,
                "List-Unsubscribe": f"<{unsubscribe_url(token)}>, <{unsubscribe_mailto(token)}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{self.publisher.site_name} <newsletter.{site_domain()}>",
                "Precedence": "bulk",
            },
        )

    def wire(
        self, *, to: str, token: str, rendered: RenderedEdition, message_id: str | None = None
    ) -> tuple[str, bytes] | None:
        """(Message-ID, bytes) of the same message as `message`, without rebuilding MIME.

        The MIME tree of each variant is serialised once with a placeholder; per
        recipient only four headers are written and the token substituted.
        None when that would not be exact (non-ASCII address, encoded body).
        """
        if not to.isascii():
            return None
        prepared = self._prepared(rendered)
        if prepared is None:
            return None
        head, body = prepared
        message_id = message_id or make_msgid(domain=site_domain())
        own = (
            f"To: {to}\r\nDate: {formatdate(localtime=True)}\r\nMessage-ID: {message_id}\r\n"
            f"List-Unsubscribe: <{unsubscribe_url(token)}>, <{unsubscribe_mailto(token)}>\r\n"
        ).encode()
        return message_id, own + head + body.replace(TOKEN_BYTES, token.encode())

    @functools.cache  # noqa: B019 - one renderer lives for one delivery run
    def _prepared(self, rendered: RenderedEdition) -> tuple[bytes, bytes] | None:
        sample = self.message(
            to="placeholder@example.invalid", token=TOKEN_PLACEHOLDER, rendered=rendered
        )
        raw = sample.message().as_bytes(linesep="\r\n")
        head, separator, body = raw.partition(b"\r\n\r\n")
        expected = rendered.text.count(TOKEN_PLACEHOLDER) + rendered.html.count(TOKEN_PLACEHOLDER)
        if not separator or body.count(TOKEN_BYTES) != expected:
            return None  # Quoted-printable or base64 split the placeholder.
        kept, skipping = [], False
        for line in head.split(b"\r\n"):
            if line[:1] in (b" ", b"\t"):
                if not skipping:
                    kept.append(line)
                continue
            name = line.split(b":", 1)[0].lower()
            skipping = name in PER_MESSAGE_HEADERS
            if not skipping:
                kept.append(line)
        return b"\r\n".join(kept) + b"\r\n\r\n", body

    def message_for(self, subscriber: Subscriber) -> EmailMultiAlternatives | None:
        rendered = self.render_for(subscriber.topic_ids())
        if rendered is None:
            return None
        token = tokens.manage_token(subscriber.key)
        return self.message(to=subscriber.email, token=token, rendered=rendered)


def _ancestry(section_id: int, parents: dict[int, int | None]) -> frozenset[int]:
    ids, current = set(), section_id
    while current is not None and current not in ids:
        ids.add(current)
        current = parents.get(current)
    return frozenset(ids)
