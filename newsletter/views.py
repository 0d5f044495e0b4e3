"""Thin views over newsletter.services; every page here is personal, so never cached."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from newsletter import bounces, services, tokens
from newsletter.forms import PreferencesForm, SignupForm
from newsletter.models import EditionArticle, Subscriber, Unsubscription
from sanita33.security import client_ip


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class SubscribeView(View):
    """Signup page and target of every inline form, cached pages included.

    CSRF-exempt on purpose: the inline form lives in full-page-cached HTML
    that cannot carry a per-visitor token. A forged signup only produces a
    confirmation mail (double opt-in), limited per IP and per address.
    """

    template_name = "newsletter/subscribe.html"

    def get(self, request):
        return render(request, self.template_name, {"form": SignupForm()})

    def post(self, request):
        form = SignupForm(request.POST)
        if form.is_bot:
            return self.done(request, request.POST.get("email", ""))
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        if not services.signup_allowed(ip=client_ip(request)):
            form.add_error(
                None,
                "Troppe iscrizioni da questa rete nell'ultima ora: riprova più tardi.",
            )
            return render(request, self.template_name, {"form": form}, status=429)
        services.subscriber_signup(
            email=form.cleaned_data["email"],
            topics=form.cleaned_data["topics"],
            newsletters=form.cleaned_data["newsletters"],
            page=form.cleaned_data["page"],
            ip=client_ip(request),
        )
        return self.done(request, form.cleaned_data["email"])

    def done(self, request, email: str):
        return render(
            request,
            "newsletter/subscribe_done.html",
            {"email": email, "confirm_days": settings.NEWSLETTER_CONFIRM_DAYS},
        )


@method_decorator(never_cache, name="dispatch")
class ConfirmView(View):
    """GET shows a button, POST confirms: mail scanners that follow links confirm nothing."""

    def get(self, request, token):
        check = tokens.read_confirm_token(token)
        subscriber = Subscriber.objects.filter(key=check.key).first() if check.key else None
        if check.expired and not (subscriber and subscriber.status == "confirmed"):
            # Already confirmed people clicking an old link just see that they are in.
            return render(request, "newsletter/confirm_expired.html", {"token": token}, status=410)
        if subscriber is None or subscriber.status not in ("pending", "confirmed"):
            return render(request, "newsletter/link_invalid.html", status=400)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return self.confirmed(request, subscriber)
        return render(request, "newsletter/confirm.html", {"token": token})

    def post(self, request, token):
        check = tokens.read_confirm_token(token)
        if check.expired:
            return render(request, "newsletter/confirm_expired.html", {"token": token}, status=410)
        subscriber = (
            services.subscriber_confirm(key=check.key, ip=client_ip(request))
            if check.valid
            else None
        )
        if subscriber is None:
            return render(request, "newsletter/link_invalid.html", status=400)
        return self.confirmed(request, subscriber)

    def confirmed(self, request, subscriber):
        return render(
            request,
            "newsletter/confirmed.html",
            {"preferences_token": tokens.manage_token(subscriber.key)},
        )


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class ResendConfirmationView(View):
    """A fresh confirmation link from an expired one (same answer whatever happens)."""

    def post(self, request):
        token = request.POST.get("token", "")
        check = tokens.read_confirm_token(token)
        if check.key is not None and services.signup_allowed(ip=client_ip(request)):
            subscriber = Subscriber.objects.filter(key=check.key).first()
            if subscriber is not None:
                services.subscriber_resend_confirmation(subscriber=subscriber)
        return render(
            request,
            "newsletter/subscribe_done.html",
            {"email": "", "confirm_days": settings.NEWSLETTER_CONFIRM_DAYS},
        )


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(View):
    """RFC 8058: the POST needs only the signed token, no session or CSRF cookie.

    Mail providers POST "List-Unsubscribe=One-Click" here from their own
    servers; the GET (a person clicking the link) only asks to confirm.
    """

    def get(self, request, token):
        subscriber = self.subscriber(token)
        if subscriber is None:
            return render(request, "newsletter/link_invalid.html", status=400)
        return render(
            request,
            "newsletter/unsubscribe.html",
            {
                "token": token,
                "already": subscriber.status == Subscriber.Status.UNSUBSCRIBED,
                "reasons": Unsubscription.Reason.choices[1:],
            },
        )

    def post(self, request, token):
        subscriber = self.subscriber(token)
        if subscriber is None:
            return render(request, "newsletter/link_invalid.html", status=400)
        services.subscriber_unsubscribe(
            subscriber=subscriber,
            reason=request.POST.get("reason", ""),
            one_click=request.POST.get("List-Unsubscribe") == "One-Click",
        )
        return render(request, "newsletter/unsubscribed.html")

    def subscriber(self, token) -> Subscriber | None:
        check = tokens.read_manage_token(token)
        return Subscriber.objects.filter(key=check.key).first() if check.valid else None


@method_decorator(never_cache, name="dispatch")
class PreferencesView(View):
    template_name = "newsletter/preferences.html"

    def get(self, request, token):
        subscriber = self.subscriber(token)
        if subscriber is None:
            return render(request, "newsletter/link_invalid.html", status=400)
        form = PreferencesForm(
            initial={
                "topics": [] if subscriber.all_topics else list(subscriber.topics.all()),
                "paused": subscriber.paused,
            },
            subscriber=subscriber,
        )
        return self.page(request, subscriber, form, token)

    def post(self, request, token):
        subscriber = self.subscriber(token)
        if subscriber is None:
            return render(request, "newsletter/link_invalid.html", status=400)
        if "leave" in request.POST:
            services.subscriber_unsubscribe(subscriber=subscriber)
            return render(request, "newsletter/unsubscribed.html")
        form = PreferencesForm(request.POST, subscriber=subscriber)
        if not form.is_valid():
            return self.page(request, subscriber, form, token, status=400)
        services.subscriber_update_preferences(
            subscriber=subscriber,
            topics=form.cleaned_data["topics"],
            newsletters=form.cleaned_data["newsletters"],
            paused=form.cleaned_data["paused"],
        )
        return self.page(request, subscriber, form, token, saved=True)

    def page(self, request, subscriber, form, token, *, saved=False, status=200):
        return render(
            request,
            self.template_name,
            {"subscriber": subscriber, "form": form, "token": token, "saved": saved},
            status=status,
        )

    def subscriber(self, token) -> Subscriber | None:
        check = tokens.read_manage_token(token)
        if not check.valid:
            return None
        return Subscriber.objects.filter(key=check.key).exclude(status="pending").first()


class PrivacyView(TemplateView):
    template_name = "newsletter/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            notice_version=settings.NEWSLETTER_NOTICE_VERSION,
            purge_days=settings.NEWSLETTER_PURGE_UNCONFIRMED_DAYS,
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class ClickView(View):
    """First-party redirect of an edition's article link: counts the click, stores nothing else.

    No cookie, no subscriber token, no IP or user agent is kept: the count is
    per edition and article. HEAD (link scanners, previews) does not count,
    nor do clicks of staff trying the preview or a test message.
    """

    def get(self, request, edition_id: int, article_id: int):
        item = get_object_or_404(
            EditionArticle.objects.select_related("article__section"),
            edition_id=edition_id,
            article_id=article_id,
        )
        if not (request.user.is_authenticated and request.user.is_staff):
            EditionArticle.objects.filter(pk=item.pk).update(clicks=F("clicks") + 1)
        return HttpResponseRedirect(item.article.get_absolute_url())

    def head(self, request, edition_id: int, article_id: int):
        item = get_object_or_404(
            EditionArticle.objects.select_related("article__section"),
            edition_id=edition_id,
            article_id=article_id,
        )
        return HttpResponseRedirect(item.article.get_absolute_url())


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class BounceWebhookView(View):
    """Returned mail POSTed by an MTA pipe or an ESP's inbound route: one raw message.

    The body is the RFC 822 message itself, or a form field `body-mime`
    (Mailgun's "store and notify" MIME format) or `message`. The path carries
    NEWSLETTER_BOUNCE_WEBHOOK_SECRET; without that setting the address does
    not exist.
    """

    def post(self, request, secret: str):
        expected = settings.NEWSLETTER_BOUNCE_WEBHOOK_SECRET
        if not expected or not constant_time_compare(secret, expected):
            raise Http404
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            data = (request.POST.get("body-mime") or request.POST.get("message") or "").encode()
            recipient = request.POST.get("recipient", "")
        else:
            data, recipient = request.body, request.GET.get("recipient", "")
        if not data.strip():
            return HttpResponse("empty message\n", status=400, content_type="text/plain")
        recorded = bounces.ingest(data, envelope_recipient=recipient)
        return HttpResponse(f"{len(recorded)} recorded\n", content_type="text/plain")
