"""Verifiers that settle a declared profile without a person: an online register.

The publisher points READERS_REGISTER_URL at a register service (an Ordine's
public look-up, or a broker in front of FNOMCeO/FOFI registers) that answers

    GET <url>?professione=farmacista&provincia=MI&numero=1234&cognome=ROSSI
    200 {"iscritto": true, "cognome": "Rossi", "nome": "Anna"}

A clear «not registered» rejects nothing on its own: the profile stays in the
staff queue, since registers lag behind new registrations.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass
class RegisterAnswer:
    registered: bool
    evidence: str


class RegisterUnavailable(Exception):
    """The register could not be asked (network, status, malformed answer)."""


class HttpRegisterVerifier:
    def __init__(self, url: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.READERS_REGISTER_URL
        self.timeout = timeout if timeout is not None else settings.READERS_REGISTER_TIMEOUT

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def check(self, profile) -> RegisterAnswer:
        query = urllib.parse.urlencode(
            {
                "professione": profile.profession,
                "provincia": profile.province,
                "numero": profile.registration_number,
                "cognome": profile.last_name,
            }
        )
        address = f"{self.url}{'&' if '?' in self.url else '?'}{query}"
        if not address.startswith(("http://", "https://")):
            raise RegisterUnavailable("READERS_REGISTER_URL must be an http(s) address")
        request = urllib.request.Request(address, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.load(response)
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise RegisterUnavailable(str(error)) from error
        if not isinstance(answer, dict) or not isinstance(answer.get("iscritto"), bool):
            raise RegisterUnavailable("the register's answer has no boolean «iscritto»")
        if not answer["iscritto"]:
            return RegisterAnswer(False, f"albo online: nessun iscritto ({query})")
        first = str(answer.get("nome", "")).strip().upper()
        last = str(answer.get("cognome", "")).strip().upper()
        same = last == profile.last_name.strip().upper() and (
            not first or first == profile.first_name.strip().upper()
        )
        return RegisterAnswer(same, f"albo online: iscritto {last} {first}".strip())
