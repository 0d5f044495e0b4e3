from __future__ import annotations

import datetime
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


class Newsletter(models.Model):
    """A list readers choose (e.g. «Sanità33 Daily», «Farmaci»), with its own digest rhythm."""

    class Cadence(models.TextChoices):
        MANUAL = "manual", _("Solo edizioni composte a mano")
        DAILY = "daily", _("Ogni giorno")
        WEEKLY = "weekly", _("Ogni settimana")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lunedì")
        TUESDAY = 1, _("martedì")
        WEDNESDAY = 2, _("mercoledì")
        THURSDAY = 3, _("giovedì")
        FRIDAY = 4, _("venerdì")
        SATURDAY = 5, _("sabato")
        SUNDAY = 6, _("domenica")

    name = models.CharField(_("nome"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.CharField(_("descrizione per i lettori"), max_length=300, blank=True)
    is_active = models.BooleanField(
        _("attiva"), default=True, help_text=_("Solo le newsletter attive si possono scegliere.")
    )
    is_default = models.BooleanField(
        _("proposta all'iscrizione"),
        default=False,
        help_text=_("Chi si iscrive senza scegliere riceve le newsletter proposte."),
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)
    sections = models.ManyToManyField(
        Section,
        verbose_name=_("sezioni"),
        blank=True,
        related_name="+",
        help_text=_("Il riepilogo automatico prende solo queste sezioni; nessuna = tutte."),
    )
    cadence = models.CharField(
        _("riepilogo automatico"), max_length=10, choices=Cadence.choices, default=Cadence.MANUAL
    )
    send_time = models.TimeField(_("ora del riepilogo"), default=datetime.time(7, 0))
    weekday = models.PositiveSmallIntegerField(
        _("giorno del riepilogo settimanale"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    requires_approval = models.BooleanField(
        _("serve l'approvazione di un redattore"),
        default=True,
        help_text=_(
            "Se attivo il riepilogo aspetta che un redattore lo approvi; "
            "altrimenti parte da solo all'ora indicata."
        ),
    )
    max_articles = models.PositiveSmallIntegerField(_("articoli al massimo"), default=10)
    subject_prefix = models.CharField(
        _("oggetto del riepilogo"),
        max_length=120,
        blank=True,
        help_text=_("Vuoto = il nome della newsletter; la data viene aggiunta."),
    )
    last_digest_slot = models.DateTimeField(
        _("ultimo riepilogo per"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletter")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa di conferma")
        CONFIRMED = "confirmed", _("Iscritto")
        UNSUBSCRIBED = "unsubscribed", _("Cancellato")
        BOUNCED = "bounced", _("Indirizzo non valido (rimbalzi)")
        COMPLAINED = "complained", _("Ha segnalato come spam")

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
    newsletters = models.ManyToManyField(
        Newsletter, verbose_name=_("newsletter"), blank=True, related_name="subscribers"
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
        AWAITING_APPROVAL = "approval", _("Da approvare")
        SCHEDULED = "scheduled", _("Programmata")
        SENDING = "sending", _("In invio")
        SENT = "sent", _("Inviata")

    newsletter = models.ForeignKey(
        Newsletter,
        verbose_name=_("newsletter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="editions",
        help_text=_("Chi la riceve: gli iscritti a questa newsletter; vuoto = tutti gli iscritti."),
    )
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
    covers_from = models.DateTimeField(
        _("articoli pubblicati dal"), null=True, blank=True, editable=False
    )
    covers_until = models.DateTimeField(_("al"), null=True, blank=True, editable=False)
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
        return self.status in (
            self.Status.DRAFT,
            self.Status.AWAITING_APPROVAL,
            self.Status.SCHEDULED,
        )

    def is_automatic(self) -> bool:
        return self.covers_until is not None


class EditionArticle(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(
        Article, verbose_name=_("articolo"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)
    # Counted by the first-party redirect in the e-mail; nothing about who clicked.
    clicks = models.PositiveIntegerField(_("clic"), default=0, editable=False)

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


class Bounce(models.Model):
    """A refusal or a complaint about one message, however it came back.

    SMTP refusals at hand-over, delivery status notifications (RFC 3464) sent
    to the VERP return path, ARF spam complaints (RFC 5965) and ESP webhooks
    all end up here; hard bounces and complaints suppress the address.
    """

    class Kind(models.TextChoices):
        HARD = "hard", _("Rimbalzo definitivo")
        SOFT = "soft", _("Rimbalzo temporaneo")
        COMPLAINT = "complaint", _("Segnalazione di spam")

    class Source(models.TextChoices):
        SMTP = "smtp", _("SMTP all'invio")
        DSN = "dsn", _("DSN")
        ARF = "arf", _("ARF")
        ESP = "esp", _("Webhook ESP")

    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("iscritto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bounces",
    )
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("edizione"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bounces",
    )
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces"
    )
    status_code = models.CharField(_("codice"), max_length=20, blank=True)
    diagnostic = models.TextField(_("diagnosi"), blank=True)
    suppressed = models.BooleanField(_("indirizzo sospeso"), default=False)
    received_at = models.DateTimeField(_("ricevuto il"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("rimbalzo o segnalazione")
        verbose_name_plural = _("rimbalzi e segnalazioni")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.email or '—'}"


class Unsubscription(models.Model):
    """Why someone left and after which edition; deliberately not linked to the person."""

    class Reason(models.TextChoices):
        NONE = "", _("Nessun motivo indicato")
        TOO_MANY = "too_many", _("Ricevo troppe e-mail")
        NOT_RELEVANT = "not_relevant", _("I contenuti non mi interessano")
        NEVER_SIGNED_UP = "never", _("Non mi sono mai iscritto")
        OTHER_SOURCE = "elsewhere", _("Leggo già le notizie altrove")
        OTHER = "other", _("Altro")

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("ultima edizione ricevuta"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="unsubscriptions",
    )
    reason = models.CharField(
        _("motivo"), max_length=20, choices=Reason.choices, blank=True, default=""
    )
    one_click = models.BooleanField(_("dal programma di posta"), default=False)
    created_at = models.DateTimeField(_("il"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("cancellazione")
        verbose_name_plural = _("cancellazioni")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d} {self.get_reason_display()}"
