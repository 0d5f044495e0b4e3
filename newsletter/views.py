from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from newsletter.forms import SignupForm


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class SubscribeView(View):
    """Signup page and target of every inline form, cached pages included.

    CSRF-exempt on purpose: the inline form lives in full-page-cached HTML
    that cannot carry a per-visitor token. A forged signup only produces a
    confirmation mail (double opt-in), rate-limited per IP and per address.
    """

    template_name = "newsletter/subscribe.html"

    def get(self, request):
        return render(request, self.template_name, {"form": SignupForm()})

    def post(self, request):
        form = SignupForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        return render(
            request, "newsletter/subscribe_done.html", {"email": form.cleaned_data["email"]}
        )


class PrivacyView(TemplateView):
    template_name = "newsletter/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            notice_version=settings.NEWSLETTER_NOTICE_VERSION,
            purge_days=settings.NEWSLETTER_PURGE_UNCONFIRMED_DAYS,
            **kwargs,
        )
