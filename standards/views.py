"""Reader pages of the standards app: the rettifica form, policies, transparency,
accessibility statement and the TDMRep file."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from articles.links import cached_reverse
from articles.models import Article, Correction, Publisher
from edgecache.tags import tag
from sanita33.security import client_ip
from standards import services, structured
from standards.forms import CorrectionRequestForm
from standards.models import Policy, TrustSettings


@method_decorator(never_cache, name="dispatch")
class CorrectionRequestView(View):
    template_name = "standards/rettifica_form.html"

    def get(self, request):
        initial = {}
        slug = request.GET.get("articolo", "")
        if slug:
            article = (
                Article.objects.published()
                .filter(slug=slug[:250])
                .select_related("section")
                .first()
            )
            if article is not None:
                initial["article_url"] = request.build_absolute_uri(article.get_absolute_url())
        return render(request, self.template_name, {"form": CorrectionRequestForm(initial=initial)})

    def post(self, request):
        form = CorrectionRequestForm(request.POST)
        if form.is_bot:
            return render(request, "standards/rettifica_done.html", {"email": ""})
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        if not services.correction_request_allowed(ip=client_ip(request)):
            form.add_error(
                None, "Troppe richieste da questa rete nell'ultima ora: riprova più tardi."
            )
            return render(request, self.template_name, {"form": form}, status=429)
        data = form.cleaned_data
        filed = services.correction_request_file(
            article=data["article_url"],
            name=data["name"],
            email=data["email"],
            represents=data["represents"],
            statement=data["statement"],
            correct_version=data["correct_version"],
            evidence=data["evidence"],
            evidence_url=data["evidence_url"],
            ip=client_ip(request) or None,
        )
        return render(request, "standards/rettifica_done.html", {"filed": filed})


POLICY_SUMMARIES = {
    Policy.Kind.PRINCIPLES: "Che cosa pubblichiamo, come scegliamo le notizie e le fonti.",
    Policy.Kind.CORRECTIONS: "Come correggiamo gli errori e come chiedere una rettifica.",
    Policy.Kind.ETHICS: "Conflitti di interesse, regali, rapporti con aziende e istituzioni.",
    Policy.Kind.OWNERSHIP: "Chi possiede la testata e come si finanzia.",
    Policy.Kind.AI: "Quando e come la redazione usa strumenti di intelligenza artificiale.",
    Policy.Kind.MEDICAL_REVIEW: "Chi rivede i contenuti sanitari e con quali criteri.",
    Policy.Kind.FACT_CHECKING: "Come verifichiamo dati, studi e dichiarazioni.",
    Policy.Kind.FEEDBACK: "Come segnalarci un errore o un problema, e che cosa succede dopo.",
}


class PolicyView(TemplateView):
    """A policy as the desk wrote it in the admin, or the project's default text."""

    def get_template_names(self):
        return ["standards/policy.html"]

    def get_context_data(self, **kwargs):
        kind = kwargs.pop("kind")
        tag(self.request, services.STANDARDS)
        if kind not in Policy.Kind.values:
            raise Http404("Pagina inesistente")
        policy = Policy.objects.filter(kind=kind).first()
        label = Policy.Kind(kind).label
        return super().get_context_data(
            kind=kind,
            title=label,
            summary=POLICY_SUMMARIES[kind],
            policy=policy,
            default_template=f"standards/policies/{kind}.html",
            trust=TrustSettings.load(),
            **kwargs,
        )


class TransparencyView(TemplateView):
    """The Journalism Trust Initiative's disclosures, generated from the masthead data."""

    template_name = "standards/transparency.html"

    def get_context_data(self, **kwargs):
        tag(self.request, services.STANDARDS)
        publisher = Publisher.load()
        written = {p.kind: p for p in Policy.objects.only("kind", "updated_at")}
        policies = [
            {
                "kind": kind,
                "title": kind.label,
                "summary": POLICY_SUMMARIES[kind],
                "url": cached_reverse("standards:policy", kind=kind.value),
                "updated_at": written[kind].updated_at if kind in written else None,
            }
            for kind in Policy.Kind
        ]
        rettifiche = Correction.objects.filter(
            kind=Correction.Kind.RETTIFICA, article__in=Article.objects.published()
        ).count()
        return super().get_context_data(
            trust=TrustSettings.load(),
            policies=policies,
            rettifiche=rettifiche,
            structured_data=structured.organization(publisher),
            **kwargs,
        )


class AccessibilityView(TemplateView):
    """The accessibility statement, following AgID's model (WCAG 2.1 AA, EN 301 549)."""

    template_name = "standards/accessibility.html"

    def get_context_data(self, **kwargs):
        tag(self.request, services.STANDARDS)
        trust = TrustSettings.load()
        issues = [
            line.strip() for line in trust.accessibility_known_issues.splitlines() if line.strip()
        ]
        return super().get_context_data(trust=trust, known_issues=issues, **kwargs)


def tdmrep(request):
    """W3C TDMRep: the whole site's text-and-data-mining reservation, per the admin's choice."""
    publisher = Publisher.load()
    entry = {"location": "/*", "tdm-reservation": 1 if publisher.tdm_reservation else 0}
    if publisher.tdm_reservation and publisher.tdm_policy_url:
        entry["tdm-policy"] = publisher.tdm_policy_url
    response = JsonResponse([entry], safe=False)
    response["Access-Control-Allow-Origin"] = "*"
    return response
