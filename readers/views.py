"""The reader's account page, professional profile, data export and deletion, and
the reserved body of an article for those who may read it."""

from __future__ import annotations

from functools import wraps

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles.models import Article
from edgecache.tags import tag
from newsletter.models import Subscriber
from newsletter.tokens import manage_token
from readers import services
from readers.access import audience_label, may_read
from readers.forms import ProfessionForm
from readers.models import ProfessionalProfile

reader_required = login_required(login_url="account_login")
TWO_FACTOR_METHODS = {
    Authenticator.Type.TOTP: "app di autenticazione",
    Authenticator.Type.RECOVERY_CODES: "codici di recupero",
}


def refuse_staff(view):
    """Staff manage their account in the admin; reader pages are for readers."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_staff:
            return render(request, "readers/staff_refused.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _reader_only(view):
    return reader_required(refuse_staff(view))


def _subscriber(user) -> Subscriber | None:
    """The newsletter subscription of the same address: linked, never duplicated."""
    return Subscriber.objects.filter(email__iexact=user.email).first()


@never_cache
@_reader_only
def account(request):
    profile = ProfessionalProfile.objects.filter(user=request.user).first()
    decisions = list(profile.decisions.all()[:10]) if profile else []
    subscriber = _subscriber(request.user)
    return render(
        request,
        "readers/account.html",
        {
            "profile": profile,
            "decisions": decisions,
            "subscriber": subscriber,
            "subscriber_token": manage_token(subscriber.key) if subscriber else "",
        },
    )


@never_cache
@_reader_only
def profession(request):
    profile = ProfessionalProfile.objects.filter(user=request.user).first()
    form = ProfessionForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = services.profile_declare(
            user=request.user, data=form.cleaned_data, document=form.cleaned_data["document"]
        )
        if profile.state == ProfessionalProfile.State.VERIFIED:
            messages.success(request, "Abbiamo trovato la tua iscrizione all'albo: sei verificato.")
        else:
            messages.success(
                request,
                "Grazie: la redazione verificherà la tua iscrizione, di solito entro due "
                "giorni lavorativi. Ti scriveremo l'esito.",
            )
        return redirect("readers:account")
    return render(request, "readers/profession.html", {"form": form, "profile": profile})


@require_POST
@_reader_only
def export(request):
    """Everything we hold about the reader, as JSON (GDPR art. 15 and 20)."""
    user = request.user
    profile = ProfessionalProfile.objects.filter(user=user).first()
    subscriber = _subscriber(user)
    data = {
        "esportato_il": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "iscritto_il": user.date_joined.isoformat(),
            "ultimo_accesso": user.last_login.isoformat() if user.last_login else None,
            "indirizzi": [
                {"email": a.email, "verificato": a.verified, "principale": a.primary}
                for a in EmailAddress.objects.filter(user=user)
            ],
            # What two-factor authentication holds, without its secrets.
            "autenticazione_a_due_fattori": [
                {
                    "metodo": TWO_FACTOR_METHODS.get(a.type, a.type),
                    "attivata_il": a.created_at.isoformat(),
                    "ultimo_uso": a.last_used_at.isoformat() if a.last_used_at else None,
                }
                for a in Authenticator.objects.filter(user=user).order_by("created_at")
            ],
        },
        "profilo_professionale": None,
        "newsletter": None,
    }
    if profile is not None:
        data["profilo_professionale"] = {
            "nome": profile.first_name,
            "cognome": profile.last_name,
            "professione": profile.get_profession_display(),
            "provincia": profile.province,
            "numero_iscrizione": profile.registration_number,
            "stato": profile.get_state_display(),
            "dichiarato_il": profile.declared_at.isoformat(),
            "verifica_valida_fino_al": (
                profile.verified_until.isoformat() if profile.verified_until else None
            ),
            "decisioni": [
                {
                    "esito": d.get_state_display(),
                    "modalita": d.get_method_display(),
                    "quando": d.decided_at.isoformat(),
                    "motivazione": d.note,
                }
                for d in profile.decisions.all()
            ],
        }
    if subscriber is not None:
        data["newsletter"] = {
            "email": subscriber.email,
            "stato": subscriber.get_status_display(),
            "iscritto_il": subscriber.created_at.isoformat(),
            "confermato_il": (
                subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None
            ),
        }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="sanita33-i-miei-dati.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@_reader_only
def delete(request):
    """The reader deletes the account: profile, decisions and documents go with it."""
    error = ""
    if request.method == "POST":
        if request.POST.get("email", "").strip().lower() != request.user.email.lower():
            error = "Scrivi il tuo indirizzo e-mail esattamente per confermare."
        else:
            user = request.user
            with transaction.atomic():
                profile = ProfessionalProfile.objects.filter(user=user).first()
                if profile is not None and profile.document:
                    profile.document.delete(save=False)
                user.delete()
            logout(request)
            messages.success(
                request,
                "Il tuo account è stato eliminato. L'iscrizione alla newsletter, se c'è, "
                "resta finché non la annulli dal link in fondo a ogni e-mail.",
            )
            return redirect("/")
    return render(request, "readers/delete.html", {"error": error}, status=400 if error else 200)


def reserved_body(request, pk: int):
    """The body of a reserved article for whoever may read it; readers' answers are never cached.

    Fetched as an ESI fragment by the edge (deploy/varnish) into the public,
    cached page, or opened directly from the gate's link without an edge.
    """
    article = get_object_or_404(
        # What the fragment and the gate show, not the search vector and the rest.
        Article.objects.published()
        .select_related("section")
        .only(
            "title",
            "slug",
            "standfirst",
            "body",
            "audience",
            "audience_professions",
            "is_medicine_promotion",
            "section__name",
            "section__slug",
        ),  # fmt: skip
        pk=pk,
        audience__in=[Article.Audience.PROFESSIONALS, Article.Audience.PROFESSIONS],
    )
    # An anonymous request is answered without reading a session, so the gate it
    # gets is the same for everyone and the edge may keep it under the article's tag.
    signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
    tag(request, f"article-{article.pk}")
    allowed = signed_in and may_read(request.user, article)
    context = {
        "article": article,
        "allowed": allowed,
        "signed_in": signed_in,
        "audience": audience_label(article),
    }
    if request.GET.get("frammento") == "1":
        # A piece of a page the edge has already built: no site context to load
        # (publisher, sections), so no context processors.
        response = HttpResponse(render_to_string("readers/reserved_fragment.html", context))
    else:
        response = render(
            request, "readers/reserved_page.html", context, status=200 if allowed else 403
        )
    if signed_in:
        response["Cache-Control"] = "private, no-store"
    else:
        # The anonymous answer is the same gate for everyone: the edge may keep it.
        response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.PAGE_CACHE_SECONDS}"
    response["X-Robots-Tag"] = "noindex"
    return response


def document(request, pk: int):
    """A verification document, to staff who verify (admin), never cached."""
    if not request.user.has_perm("readers.verify_professional"):
        raise Http404
    profile = get_object_or_404(ProfessionalProfile, pk=pk)
    if not profile.document:
        raise Http404
    with profile.document.open("rb") as handle:
        data = handle.read()
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    response = HttpResponse(data, content_type=kind)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
