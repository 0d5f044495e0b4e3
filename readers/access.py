"""The one question articles ask readers: may this user read this article's body?"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone


def _profile(user):
    """The user's professional profile, or None.

    Read through the user, so a reader loaded by readers/backends.py (every
    signed-in reader) brings it without a query of its own.
    """
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.professional_profile
    except ObjectDoesNotExist:
        return None


def verified_profile(user):
    """The user's profile when it currently opens reserved content, else None."""
    if user is None or user.is_staff:
        return None
    profile = _profile(user)
    if profile is not None and profile.is_verified(timezone.now()):
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
    if not settings.READERS_ACCEPT_SELF_DECLARATION or article.is_medicine_promotion:
        return None
    from readers.models import ProfessionalProfile

    profile = _profile(user)
    if (
        profile is not None
        and profile.self_declaration
        and profile.state == ProfessionalProfile.State.DECLARED
    ):
        return profile
    return None


def audience_label(article) -> str:
    """Who the gate says the body is for, in Italian."""
    from readers.professions import Profession

    if article.audience == article.Audience.PROFESSIONS:
        names = [Profession(p).label.lower() for p in article.audience_professions]
        if len(names) > 1:
            return ", ".join(names[:-1]) + " e " + names[-1]
        return names[0] if names else ""
    return "operatori sanitari"


# Newsletters by audience ------------------------------------------------------------


def verified_addresses(professions=None):
    """Lower-cased e-mail addresses of verified professionals (of `professions`, if given)."""
    from django.db.models.functions import Lower

    from readers.models import ProfessionalProfile

    profiles = ProfessionalProfile.objects.filter(
        state=ProfessionalProfile.State.VERIFIED, verified_until__gt=timezone.now()
    )
    if professions:
        profiles = profiles.filter(profession__in=professions)
    return profiles.annotate(address=Lower("user__email")).values("address")


def audience_articles_q(newsletter):
    """The articles every recipient of `newsletter` may read (None: a public one)."""
    from django.db.models import Q

    from articles.models import Article

    audience = getattr(newsletter, "audience", Article.Audience.PUBLIC)
    public = Q(audience=Article.Audience.PUBLIC)
    if audience == Article.Audience.PUBLIC:
        return public
    everyone_verified = public | Q(audience=Article.Audience.PROFESSIONALS)
    if audience == Article.Audience.PROFESSIONALS:
        return everyone_verified
    return everyone_verified | Q(
        audience=Article.Audience.PROFESSIONS,
        audience_professions__contains=newsletter.audience_professions,
    )


def newsletter_may_carry(newsletter, article) -> bool:
    """True when every recipient of `newsletter` may read `article` (None: public)."""
    from articles.models import Article

    if not article.is_reserved:
        return True
    audience = getattr(newsletter, "audience", Article.Audience.PUBLIC)
    if audience == Article.Audience.PUBLIC:
        return False
    if article.audience == Article.Audience.PROFESSIONALS:
        return True
    return audience == Article.Audience.PROFESSIONS and set(newsletter.audience_professions) <= set(
        article.audience_professions
    )
