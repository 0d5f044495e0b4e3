from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Section
from articles.sanitize import clean_html
from newsletter.querysets import DeliveryQuerySet, SubscriberQuerySet


def email_digest(email: str) -> str:
    """A stable fingerprint of an address, kept as proof after erasure."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa di conferma")
        CONFIRMED = "confirmed", _("Iscritto")
        UNSUBSCRIBED = "unsubscribed", _("Cancellato")
        BOUNCED = "bounced", _("Indirizzo non valido (rimbalzi)")

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    # Identifies the subscriber inside signed links; rotated on erasure so old links die.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    paused = models.BooleanField(
        _("in pausa"), default=False, help_text=_("Non riceve edizioni finché non riprende.")
    )
    all_topics = models.BooleanField(
        _("tutti gli argomenti"),
        default=True,
        help_text=_("Se attivo riceve tutti gli argomenti, anche le sezioni aggiunte dopo."),
    )
    topics = models.ManyToManyField(
        Section, verbose_name=_("argomenti"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("iscritto il"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confermato il"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("cancellato il"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("ultima e-mail di conferma"), null=True, blank=True, editable=False
    )
    hard_bounces = models.PositiveSmallIntegerField(
        _("rimbalzi definitivi consecutivi"), default=0, editable=False
    )
    last_bounce = models.TextField(_("ultimo errore"), blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("iscritto")
        verbose_name_plural = _("iscritti")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "paused"], name="subscriber_status_idx")]

    def __str__(self):
        return self.email

    def is_active(self) -> bool:
        """Mirror of SubscriberQuerySet.active() for one instance."""
        return self.status == self.Status.CONFIRMED and not self.paused

    def topic_ids(self) -> frozenset[int] | None:
        """Followed section ids, or None for all topics."""
        if self.all_topics:
            return None
        return frozenset(section.pk for section in self.topics.all())


class ConsentRecord(models.Model):
    """Proof of consent (double opt-in), kept after unsubscribe and erasure.

    Addresses are kept only while the person is subscribed; erasure leaves the
    digest, the times, the notice version and the truncated IPs.
    """

    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("iscritto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
    )
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    email_sha256 = models.CharField(_("impronta SHA-256 dell'e-mail"), max_length=64, db_index=True)
    signed_up_at = models.DateTimeField(_("richiesta il"), default=timezone.now)
    page = models.CharField(_("pagina dell'iscrizione"), max_length=500, blank=True)
    notice_version = models.CharField(_("versione dell'informativa"), max_length=40)
    signup_ip = models.CharField(_("IP all'iscrizione (ridotto)"), max_length=64, blank=True)
    confirmed_at = models.DateTimeField(_("confermato il"), null=True, blank=True)
    confirm_ip = models.CharField(_("IP alla conferma (ridotto)"), max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    erased_at = models.DateTimeField(_("dati cancellati il"), null=True, blank=True)

    class Meta:
        verbose_name = _("prova del consenso")
        verbose_name_plural = _("prove del consenso")
        ordering = ["-signed_up_at", "-id"]

    def __str__(self):
        return f"{self.email or self.email_sha256[:12]} ({self.notice_version})"


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        SCHEDULED = "scheduled", _("Programmata")
        SENDING = "sending", _("In invio")
        SENT = "sent", _("Inviata")

    subject = models.CharField(_("oggetto"), max_length=200)
    preheader = models.CharField(
        _("anteprima"),
        max_length=200,
        blank=True,
        help_text=_("Il testo che i programmi di posta mostrano accanto all'oggetto."),
    )
    intro = models.TextField(_("introduzione"), blank=True)
    personalised = models.BooleanField(
        _("personalizzata"),
        default=False,
        help_text=_(
            "Ogni iscritto riceve solo gli articoli degli argomenti che segue; "
            "chi non ne segue nessuno non riceve questa edizione."
        ),
    )
    articles = models.ManyToManyField(
        Article, verbose_name=_("articoli"), through="EditionArticle", related_name="+", blank=True
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    scheduled_at = models.DateTimeField(_("invio programmato per"), null=True, blank=True)
    started_at = models.DateTimeField(_("invio iniziato il"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("invio finito il"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("creata il"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creata da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("edizione")
        verbose_name_plural = _("edizioni")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        # Derive on write, like article bodies: the intro is sanitised once.
        self.intro = clean_html(self.intro)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:newsletter_edition_preview", args=[self.pk])

    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)


class EditionArticle(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(
        Article, verbose_name=_("articolo"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("articolo dell'edizione")
        verbose_name_plural = _("articoli dell'edizione")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "article"], name="unique_edition_article")
        ]

    def __str__(self):
        return str(self.article)


class Delivery(models.Model):
    """One recipient of one edition; the unique pair is what makes a second copy impossible."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In coda")
        CLAIMED = "claimed", _("In consegna")
        SENT = "sent", _("Inviata")
        FAILED = "failed", _("Fallita")
        SKIPPED = "skipped", _("Saltata")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("consegna")
        verbose_name_plural = _("consegne")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="unique_delivery_per_subscriber"
            )
        ]
        indexes = [
            models.Index(fields=["edition", "status", "next_attempt_at"], name="delivery_claim_idx")
        ]

    def __str__(self):
        return f"{self.edition_id} → {self.subscriber_id} ({self.status})"
