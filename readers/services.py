"""Every write to professional profiles: declared by readers, decided by staff or registers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from readers.models import ProfessionalProfile, RegisterEntry, VerificationDecision
from readers.professions import PROVINCES, Profession

State = ProfessionalProfile.State
Method = VerificationDecision.Method


def normalise_number(number: str) -> str:
    """Registration numbers compare without spaces, dashes or leading zeros."""
    digits = "".join(ch for ch in number.upper() if ch.isalnum())
    return digits.lstrip("0") or digits


def normalise_name(name: str) -> str:
    return " ".join(name.upper().replace("'", " ").split())


def _matches(profile: ProfessionalProfile, entry: RegisterEntry) -> bool:
    return (
        entry.profession == profile.profession
        and entry.province == profile.province
        and normalise_number(entry.registration_number)
        == normalise_number(profile.registration_number)
        and normalise_name(entry.last_name) == normalise_name(profile.last_name)
        and normalise_name(entry.first_name) == normalise_name(profile.first_name)
    )


def _decide(profile, *, state, method, by=None, evidence="", note="", now=None):
    now = now or timezone.now()
    profile.state = state
    profile.decided_at = now
    profile.verified_until = (
        now + timedelta(days=30 * settings.READERS_VERIFICATION_MONTHS)
        if state == State.VERIFIED
        else None
    )
    if profile.document and state != State.DECLARED:
        # Evidence is kept only until the decision (data minimisation).
        evidence = evidence or f"documento «{profile.document.name.rsplit('/', 1)[-1]}»"
        evidence += " (eliminato dopo la decisione)"
        profile.document.delete(save=False)
    profile.save()
    return VerificationDecision.objects.create(
        profile=profile,
        state=state,
        method=method,
        decided_by=by,
        decided_at=now,
        evidence=evidence,
        note=note,
    )


@transaction.atomic
def profile_declare(*, user, data: dict, document=None) -> ProfessionalProfile:
    """A reader declares (or changes) their profession: back to «declared»."""
    profile = ProfessionalProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        profile = ProfessionalProfile(user=user)
    elif profile.document and document is not None:
        profile.document.delete(save=False)
    for field in ("first_name", "last_name", "profession", "province", "registration_number"):
        setattr(profile, field, data[field].strip())
    profile.self_declaration = bool(data.get("self_declaration"))
    profile.state = State.DECLARED
    profile.declared_at = timezone.now()
    profile.decided_at = profile.verified_until = None
    if document is not None:
        profile.document = document
    profile.save()
    VerificationDecision.objects.create(
        profile=profile,
        state=State.DECLARED,
        method=Method.DECLARATION,
        evidence="documento allegato" if document is not None else "",
    )
    # A register already uploaded, or an online register, may settle it at once.
    entry = register_match(profile)
    if entry is not None:
        _decide(
            profile,
            state=State.VERIFIED,
            method=Method.REGISTER,
            evidence=f"{entry.source}: {entry}",
        )
    elif settings.READERS_REGISTER_URL:
        from readers.tasks import verify_online

        transaction.on_commit(lambda: verify_online.enqueue(profile.pk))
    return profile


def register_match(profile: ProfessionalProfile) -> RegisterEntry | None:
    candidates = RegisterEntry.objects.filter(
        profession=profile.profession,
        province=profile.province,
        last_name__iexact=profile.last_name.strip(),
    )
    return next((entry for entry in candidates if _matches(profile, entry)), None)


def decide_automatically(profile, *, method, evidence: str) -> None:
    """A register (uploaded or online) confirmed the declaration."""
    _decide(profile, state=State.VERIFIED, method=method, evidence=evidence)


@transaction.atomic
def profile_decide(*, profile: ProfessionalProfile, state: str, by, note: str = "") -> None:
    """Staff verify or reject a declared profile; a rejection needs a reason."""
    if state not in {State.VERIFIED, State.REJECTED}:
        raise ValidationError("Esito non valido.")
    if state == State.REJECTED and not note.strip():
        raise ValidationError("Indica il motivo del rifiuto: il lettore lo riceverà.")
    profile = ProfessionalProfile.objects.select_for_update().get(pk=profile.pk)
    _decide(profile, state=state, method=Method.STAFF, by=by, note=note.strip())


def profiles_expire(now=None) -> int:
    """Verifications past their period become «expired»: the reader verifies again."""
    now = now or timezone.now()
    expired = 0
    due = ProfessionalProfile.objects.filter(state=State.VERIFIED, verified_until__lte=now)
    for profile in due.select_for_update(skip_locked=True).iterator():
        with transaction.atomic():
            _decide(
                profile,
                state=State.EXPIRED,
                method=Method.EXPIRY,
                note="Periodo di validità della verifica concluso.",
                now=now,
            )
            expired += 1
    return expired


@dataclass
class RegisterImport:
    entries: int
    verified: int


REGISTER_COLUMNS = ("professione", "cognome", "nome", "numero", "provincia")


def register_import(*, data: bytes, source: str, by=None) -> RegisterImport:
    """A register extract (CSV: professione;cognome;nome;numero;provincia) staff upload.

    All or nothing: a bad line refuses the whole file with its line number.
    Declared profiles matching a line on name, number and province are verified.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("Il file non è in UTF-8.") from error
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=";,")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REGISTER_COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"Mancano le colonne: {', '.join(missing)}.")
    reader.fieldnames = header
    professions = {p.value for p in Profession}
    by_label = {p.label.lower(): p.value for p in Profession}
    provinces = {code for code, _name in PROVINCES}
    rows = []
    for number, row in enumerate(reader, start=2):
        profession = (row["professione"] or "").strip().lower()
        profession = by_label.get(profession, profession)
        province = (row["provincia"] or "").strip().upper()
        if profession not in professions:
            raise ValidationError(f"Riga {number}: professione «{row['professione']}» sconosciuta.")
        if province not in provinces:
            raise ValidationError(f"Riga {number}: provincia «{row['provincia']}» sconosciuta.")
        if not (row["cognome"] or "").strip() or not (row["numero"] or "").strip():
            raise ValidationError(f"Riga {number}: cognome e numero sono obbligatori.")
        rows.append(
            RegisterEntry(
                profession=profession,
                last_name=row["cognome"].strip(),
                first_name=(row["nome"] or "").strip(),
                registration_number=row["numero"].strip(),
                province=province,
                source=source[:200],
            )
        )
    verified = 0
    with transaction.atomic():
        RegisterEntry.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["profession", "province", "registration_number"],
            update_fields=["last_name", "first_name", "source", "imported_at"],
        )
        waiting = ProfessionalProfile.objects.select_for_update().filter(
            state__in=[State.DECLARED, State.EXPIRED],
            profession__in={r.profession for r in rows},
        )
        for profile in waiting:
            entry = next((r for r in rows if _matches(profile, r)), None)
            if entry is not None:
                _decide(
                    profile,
                    state=State.VERIFIED,
                    method=Method.REGISTER,
                    by=by,
                    evidence=f"{source}: {entry}",
                )
                verified += 1
    return RegisterImport(entries=len(rows), verified=verified)
