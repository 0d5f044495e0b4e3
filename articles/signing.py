"""Signed, expiring preview links for colleagues without an account."""

from __future__ import annotations

from datetime import timedelta

from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.urls import reverse

PREVIEW_LINK_MAX_AGE = timedelta(days=7)
_SALT = "articles.preview-link"


class PreviewLinkExpired(Exception):
    pass


class PreviewLinkInvalid(Exception):
    pass


def preview_token(article_pk: int) -> str:
    return TimestampSigner(salt=_SALT).sign(str(article_pk))


def preview_url(article_pk: int) -> str:
    return reverse("articles:preview-link", kwargs={"token": preview_token(article_pk)})


def article_pk_from_token(token: str) -> int:
    """The article pk a token carries; raises PreviewLinkExpired or PreviewLinkInvalid."""
    try:
        value = TimestampSigner(salt=_SALT).unsign(token, max_age=PREVIEW_LINK_MAX_AGE)
    except SignatureExpired as error:
        raise PreviewLinkExpired from error
    except BadSignature as error:
        raise PreviewLinkInvalid from error
    try:
        return int(value)
    except ValueError as error:  # only a leaked signing key could get here
        raise PreviewLinkInvalid from error
