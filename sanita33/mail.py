"""E-mail backends: .eml files for local use, and SMTP with DKIM signatures.

EmlFileBackend writes one .eml file per message under var/mail/; any mail
client opens the files, so a user can see exactly what the site sent.
"""

from __future__ import annotations

import functools
import os
import smtplib
import uuid
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *, file_path: str | os.PathLike | None = None, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(message.message().as_bytes(linesep="\r\n"))
            tmp.replace(path)
            sent += 1
        return sent


def dkim_sign(data: bytes) -> bytes:
    """The message with a DKIM-Signature header when a key is configured (dkimpy).

    An RSA signature costs a few milliseconds of CPU per message; an Ed25519
    key (RFC 8463) is much cheaper where receivers accept it.
    """
    if not settings.EMAIL_DKIM_KEY_FILE:
        return data
    import dkim

    domain = (
        settings.EMAIL_DKIM_DOMAIN or (parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2])
    )
    signature = dkim.sign(
        data,
        settings.EMAIL_DKIM_SELECTOR.encode(),
        domain.encode(),
        _dkim_key(settings.EMAIL_DKIM_KEY_FILE),
        include_headers=DKIM_HEADERS,
        linesep=b"\r\n",
    )
    return signature + data


DKIM_HEADERS = [
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"reply-to",
    b"mime-version",
    b"content-type",
    b"list-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
]


@functools.cache
def _dkim_key(path: str) -> bytes:
    return Path(path).read_bytes()


class DKIMSMTPBackend(SMTPBackend):
    """Django's SMTP backend, with every message DKIM-signed before it is sent."""

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        opened = self.open()
        if self.connection is None:
            return 0
        sent = 0
        try:
            for message in email_messages:
                charset = message.encoding or settings.DEFAULT_CHARSET
                recipients = [sanitize_address(a, charset) for a in message.recipients()]
                if not recipients:
                    continue
                data = dkim_sign(message.message().as_bytes(linesep="\r\n"))
                try:
                    self.connection.sendmail(
                        sanitize_address(message.from_email, charset), recipients, data
                    )
                except smtplib.SMTPException:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        finally:
            if opened:
                self.close()
        return sent
