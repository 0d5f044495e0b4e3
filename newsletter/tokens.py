"""Signed links: confirm (expires), and per-subscriber manage links (do not).

Tokens carry the subscriber's random `key`, never the database id or the
address, and a purpose-specific salt, so a confirm token cannot be replayed
as an unsubscribe token and vice versa. Erasure rotates `key`, which kills
every link ever sent to that person.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "newsletter.confirm"
MANAGE_SALT = "newsletter.manage"


@dataclass(frozen=True)
class TokenCheck:
    key: uuid.UUID | None
    expired: bool = False

    @property
    def valid(self) -> bool:
        return self.key is not None and not self.expired


def confirm_token(key: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(key.hex)


def manage_token(key: uuid.UUID) -> str:
    """Unsubscribe and preferences: must work from any old e-mail, so no expiry."""
    return signing.Signer(salt=MANAGE_SALT).sign(key.hex)


def read_confirm_token(token: str) -> TokenCheck:
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    max_age = settings.NEWSLETTER_CONFIRM_DAYS * 86400
    try:
        return TokenCheck(_key(signer.unsign(token, max_age=max_age)))
    except signing.SignatureExpired:
        # Genuine but old: the expired page may offer a fresh link to this subscriber.
        return TokenCheck(_key(signer.unsign(token)), expired=True)
    except (signing.BadSignature, ValueError):
        return TokenCheck(None)


def read_manage_token(token: str) -> TokenCheck:
    try:
        return TokenCheck(_key(signing.Signer(salt=MANAGE_SALT).unsign(token)))
    except (signing.BadSignature, ValueError):
        return TokenCheck(None)


def _key(value: str) -> uuid.UUID:
    return uuid.UUID(hex=value)
