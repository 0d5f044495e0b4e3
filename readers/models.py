"""A reader's professional profile and every decision taken on it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from readers.professions import PROVINCES, Profession
from readers.storage import private_storage


class ProfessionalProfile(models.Model):
    class State(models.TextChoices):
        DECLARED = "declared", "Dichiarato, da verificare"
        VERIFIED = "verified", "Verificato"
        REJECTED = "rejected", "Respinto"
        EXPIRED = "expired", "Scaduto"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professional_profile"
    )
    first_name = models.CharField("nome", max_length=100)
    last_name = models.CharField("cognome", max_length=100)
    profession = models.CharField("professione", max_length=30, choices=Profession.choices)
    province = models.CharField("provincia dell'Ordine o Albo", max_length=2, choices=PROVINCES)
    registration_number = models.CharField("numero di iscrizione", max_length=30)
    self_declaration = models.BooleanField(
        "dichiarazione di essere un operatore sanitario", default=False
    )
    document = models.FileField(
        "documento", storage=private_storage, upload_to="verifica/", blank=True
    )
    state = models.CharField(
        "stato", max_length=10, choices=State.choices, default=State.DECLARED, db_index=True
    )
    declared_at = models.DateTimeField("dichiarato il", default=timezone.now)
    decided_at = models.DateTimeField("deciso il", null=True, blank=True)
    verified_until = models.DateTimeField("verifica valida fino al", null=True, blank=True)

    class Meta:
        verbose_name = "profilo professionale"
        verbose_name_plural = "profili professionali"
        ordering = ["declared_at"]
        permissions = [("verify_professional", "Può verificare gli operatori sanitari")]

    def __str__(self):
        return f"{self.last_name} {self.first_name} — {self.get_profession_display()}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def is_verified(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.VERIFIED and (
            self.verified_until is None or self.verified_until > now
        )


class VerificationDecision(models.Model):
    """The audit log: who decided what, when, on which evidence."""

    class Method(models.TextChoices):
        STAFF = "staff", "Revisione della redazione"
        REGISTER = "register", "Estratto dell'albo caricato"
        ONLINE = "online", "Albo online"
        EXPIRY = "expiry", "Scadenza automatica"
        DECLARATION = "declaration", "Dichiarazione del lettore"

    profile = models.ForeignKey(
        ProfessionalProfile, on_delete=models.CASCADE, related_name="decisions"
    )
    state = models.CharField("esito", max_length=10, choices=ProfessionalProfile.State.choices)
    method = models.CharField("modalità", max_length=12, choices=Method.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="deciso da",
    )
    decided_at = models.DateTimeField("quando", default=timezone.now)
    evidence = models.TextField("elementi di prova", blank=True)
    note = models.TextField("motivazione", blank=True)

    class Meta:
        verbose_name = "decisione di verifica"
        verbose_name_plural = "decisioni di verifica"
        ordering = ["-decided_at", "-id"]

    def __str__(self):
        return f"{self.get_state_display()} — {self.decided_at:%d/%m/%Y}"


class RegisterEntry(models.Model):
    """One line of a register extract (Ordine/Albo) uploaded by staff."""

    profession = models.CharField("professione", max_length=30, choices=Profession.choices)
    last_name = models.CharField("cognome", max_length=100)
    first_name = models.CharField("nome", max_length=100)
    registration_number = models.CharField("numero di iscrizione", max_length=30)
    province = models.CharField("provincia", max_length=2, choices=PROVINCES)
    source = models.CharField("estratto", max_length=200)
    imported_at = models.DateTimeField("importato il", default=timezone.now)

    class Meta:
        verbose_name = "iscritto all'albo"
        verbose_name_plural = "iscritti all'albo (estratti)"
        constraints = [
            models.UniqueConstraint(
                fields=["profession", "province", "registration_number"],
                name="register_entry_unique",
            )
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name} ({self.province} {self.registration_number})"
