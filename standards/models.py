"""Press-law and trust duties of the masthead, kept as data the desk edits.

- `CorrectionRequest`: a reader's request for a rettifica (art. 8, L. 47/1948),
  with its 48-hour clock and its decision.
- `Deindexing`: an article kept in the archive but withdrawn from search engines
  and from our own lists (diritto all'oblio, Cass. 7559/2020).
- `Policy`: the editorial policies readers can read (principles, corrections…).
- `TrustSettings`: ownership, funding, hosting, accessibility statement (one row).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.links import cached_reverse

RESPONSE_WINDOW = timedelta(hours=48)


class CorrectionRequest(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("ricevuta")
        ACCEPTED = "accepted", _("accolta")
        REJECTED = "rejected", _("respinta")
        PUBLISHED = "published", _("pubblicata")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("articolo"),
        on_delete=models.PROTECT,
        related_name="correction_requests",
    )
    name = models.CharField(_("nome e cognome"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254)
    represents = models.CharField(
        _("per conto di"),
        max_length=200,
        blank=True,
        help_text=_("Ente o persona rappresentata, se chi scrive non è il diretto interessato."),
    )
    statement = models.TextField(_("che cosa è sbagliato"), max_length=5000)
    correct_version = models.TextField(_("versione corretta dei fatti"), max_length=5000)
    evidence = models.TextField(_("prove e documenti"), max_length=5000, blank=True)
    evidence_url = models.URLField(_("link a un documento"), max_length=500, blank=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("ricevuta il"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("scadenza"), editable=False)
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decisa da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    rejection_reason = models.TextField(_("motivo del rifiuto"), blank=True)
    notice = models.TextField(
        _("testo della rettifica"),
        blank=True,
        help_text=_("Pubblicato in testa all'articolo e nel registro delle correzioni."),
    )
    correction = models.OneToOneField(
        "articles.Correction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
        editable=False,
    )
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True, editable=False)
    ip = models.GenericIPAddressField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("richiesta di rettifica")
        verbose_name_plural = _("richieste di rettifica")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="rettifica_open_idx")]

    def __str__(self):
        return f"{self.name} — {self.article}"

    def save(self, *args, **kwargs):
        if self.due_at is None:
            self.due_at = self.received_at + RESPONSE_WINDOW
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.ACCEPTED)

    def time_left(self, now=None) -> timedelta:
        return self.due_at - (now or timezone.now())


class Deindexing(models.Model):
    """The article stays readable at its address, marked noindex and left out of
    sitemaps, feeds, related lists and our search. The audit trail is the
    article's events (`oblio`, `oblio_revoked`)."""

    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("articolo"),
        on_delete=models.CASCADE,
        related_name="deindexing",
    )
    reason = models.TextField(_("motivo"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deciso da"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("deciso il"), default=timezone.now)

    class Meta:
        verbose_name = _("deindicizzazione (diritto all'oblio)")
        verbose_name_plural = _("deindicizzazioni (diritto all'oblio)")
        ordering = ["-decided_at"]

    def __str__(self):
        return str(self.article)


class Policy(models.Model):
    class Kind(models.TextChoices):
        PRINCIPLES = "principi-editoriali", _("Principi editoriali")
        CORRECTIONS = "correzioni", _("Correzioni e rettifiche")
        ETHICS = "codice-etico", _("Codice etico")
        OWNERSHIP = "proprieta-e-finanziamento", _("Proprietà e finanziamento")
        AI = "intelligenza-artificiale", _("Uso dell'intelligenza artificiale")
        MEDICAL_REVIEW = "revisione-medica", _("Revisione medica")
        FACT_CHECKING = "verifica-dei-fatti", _("Verifica dei fatti")
        FEEDBACK = "segnalazioni", _("Segnalazioni dei lettori")

    kind = models.CharField(_("tipo"), max_length=40, choices=Kind.choices, unique=True)
    body = models.TextField(
        _("testo"), help_text=_("Sostituisce il testo predefinito della pagina.")
    )
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    class Meta:
        verbose_name = _("policy editoriale")
        verbose_name_plural = _("policy editoriali")
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        from articles.sanitize import clean_html

        self.body = clean_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return cached_reverse("standards:policy", kind=self.kind)


class TrustSettings(models.Model):
    """What the transparency page and the accessibility statement say (one row).

    The TDM reservation and the AI-crawler rules live on articles.Publisher,
    read with the masthead on every page at no extra cost."""

    class Compliance(models.TextChoices):
        FULL = "conforme", _("conforme")
        PARTIAL = "parzialmente-conforme", _("parzialmente conforme")
        NONE = "non-conforme", _("non conforme")

    ownership = models.TextField(
        _("assetto proprietario"),
        blank=True,
        help_text=_("Chi possiede l'editore e in che quote; eventuali gruppi di appartenenza."),
    )
    funding = models.TextField(
        _("fonti di finanziamento"),
        blank=True,
        help_text=_("Pubblicità, contenuti sponsorizzati, abbonamenti, contributi pubblici…"),
    )
    hosting_provider = models.CharField(_("fornitore di hosting"), max_length=200, blank=True)
    hosting_address = models.CharField(
        _("sede del fornitore di hosting"), max_length=300, blank=True
    )
    accessibility_compliance = models.CharField(
        _("stato di conformità (WCAG 2.1 AA)"),
        max_length=30,
        choices=Compliance.choices,
        default=Compliance.PARTIAL,
    )
    accessibility_checked_on = models.DateField(
        _("data dell'ultima verifica di accessibilità"), null=True, blank=True
    )
    accessibility_method = models.CharField(
        _("metodo di verifica"),
        max_length=200,
        blank=True,
        default="autovalutazione con axe-core e Nu HTML Checker, prove manuali con tastiera",
    )
    accessibility_known_issues = models.TextField(
        _("contenuti non accessibili noti"),
        blank=True,
        help_text=_("Un problema per riga, con il motivo e l'alternativa offerta."),
    )
    accessibility_email = models.EmailField(
        _("e-mail per le segnalazioni di accessibilità"), blank=True
    )

    CACHE_KEY = "standards:trust"

    class Meta:
        verbose_name = _("trasparenza e diritti")
        verbose_name_plural = _("trasparenza e diritti")

    def __str__(self):
        return str(_("Trasparenza e diritti"))

    def save(self, *args, **kwargs):
        from django.core.cache import cache

        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def load(cls) -> TrustSettings:
        from django.core.cache import cache

        found = cache.get(cls.CACHE_KEY)
        if found is None:
            found, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, found, 300)
        return found
