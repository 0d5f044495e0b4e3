"""Background work of reader verification."""

import logging

from django.db import transaction
from django_tasks import task

from readers import services
from readers.models import ProfessionalProfile, VerificationDecision
from readers.verification import HttpRegisterVerifier, RegisterUnavailable

logger = logging.getLogger(__name__)


@task()
def verify_online(profile_id: int) -> str:
    """Ask the online register about a declared profile; a match verifies it."""
    verifier = HttpRegisterVerifier()
    profile = ProfessionalProfile.objects.filter(pk=profile_id).first()
    if not verifier.configured or profile is None:
        return "skipped"
    if profile.state != ProfessionalProfile.State.DECLARED:
        return "skipped"
    try:
        answer = verifier.check(profile)
    except RegisterUnavailable as error:
        logger.warning("Online register unavailable for profile %s: %s", profile_id, error)
        return "unavailable"
    if not answer.registered:
        # Left to staff: registers lag behind new registrations.
        return "not found"
    with transaction.atomic():
        profile = ProfessionalProfile.objects.select_for_update().get(pk=profile_id)
        if profile.state == ProfessionalProfile.State.DECLARED:
            services.decide_automatically(
                profile, method=VerificationDecision.Method.ONLINE, evidence=answer.evidence
            )
    return "verified"


@task()
def expire_verifications() -> int:
    return services.profiles_expire()
