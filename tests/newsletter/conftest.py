"""Newsletter fixtures: a real SMTP server on loopback and a factory for subscribers."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from newsletter.models import Newsletter, Subscriber


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Sink:
    """What the SMTP server accepted, plus knobs to make it misbehave."""

    messages: list = field(default_factory=list)
    envelope_senders: list = field(default_factory=list)
    raw: list = field(default_factory=list)  # The bytes as received, for signatures.
    refuse: set = field(default_factory=set)  # Addresses answered 550 at RCPT.
    on_data: object = None  # Called with the recipient before DATA is accepted.
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = None

    def __post_init__(self):
        self.arrived = threading.Condition(self.lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None:
            verdict = self.on_data(envelope.rcpt_tos[0])
            if verdict:
                return verdict
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.envelope_senders.append(envelope.mail_from)
            self.raw.append(envelope.original_content or envelope.content)
            self.messages.append(parsed)
            self.arrived.notify_all()
        return "250 OK"

    def recipients(self) -> list[str]:
        with self.lock:
            return [str(message["To"]) for message in self.messages]

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)


@pytest.fixture
def smtp_sink():
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    yield sink
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    """Mail really goes out over SMTP to the loopback sink."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_sink


def make_subscribers(count: int, *, prefix: str = "lettore", **fields) -> list[Subscriber]:
    fields.setdefault("status", Subscriber.Status.CONFIRMED)
    return Subscriber.objects.bulk_create(
        Subscriber(email=f"{prefix}{n}@example.org", **fields) for n in range(count)
    )


@pytest.fixture
def daily() -> Newsletter:
    """The default newsletter the migration creates (flushed by transactional tests)."""
    newsletter, _ = Newsletter.objects.get_or_create(
        slug="sanita33-daily",
        defaults={"name": "Sanità33 Daily", "is_default": True, "cadence": "daily"},
    )
    return newsletter


@pytest.fixture
def farmaci() -> Newsletter:
    newsletter, _ = Newsletter.objects.get_or_create(
        slug="farmaci",
        defaults={"name": "Farmaci", "cadence": "weekly", "requires_approval": False},
    )
    return newsletter
