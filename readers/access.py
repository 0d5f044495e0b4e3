"""The one question articles ask readers: may this user read this article's body?"""

from django.conf import settings
from django.utils import timezone


def verified_profile(user):
    """The user's profile when it currently opens reserved content, else None."""
    if user is None or not user.is_authenticated or user.is_staff:
        return None
    from readers.models import ProfessionalProfile

    profile = ProfessionalProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    now = timezone.now()
    if profile.is_verified(now):
        return profile
    return None


def may_read(user, article) -> bool:
    """True when `user` may read `article`'s body.

    Public articles: everyone. Reserved ones: staff (they write them) and
    verified professionals of a matching profession; a bare self-declaration
    counts only where the publisher accepts it, and never for the promotion of a
    prescription-only medicine (D.Lgs. 219/2006, art. 115).
    """
    if not article.is_reserved:
        return True
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    profile = verified_profile(user) or _self_declared(user, article)
    if profile is None:
        return False
    if article.audience == article.Audience.PROFESSIONS:
        return profile.profession in article.audience_professions
    return True


def _self_declared(user, article):
    if (
        not settings.READERS_ACCEPT_SELF_DECLARATION
        or article.is_medicine_promotion
        or user is None
        or not user.is_authenticated
    ):
        return None
    from readers.models import ProfessionalProfile

    return ProfessionalProfile.objects.filter(
        user=user, self_declaration=True, state=ProfessionalProfile.State.DECLARED
    ).first()


def audience_label(article) -> str:
    """Who the gate says the body is for, in Italian."""
    from readers.professions import Profession

    if article.audience == article.Audience.PROFESSIONS:
        names = [Profession(p).label.lower() for p in article.audience_professions]
        if len(names) > 1:
            return ", ".join(names[:-1]) + " e " + names[-1]
        return names[0] if names else ""
    return "operatori sanitari"
