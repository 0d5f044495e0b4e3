"""Admin for running the newsletter: lists, bounces, departures, figures.

Kept apart from admin.py (composing and sending editions). EditionAdmin and
SubscriberAdmin take the mixins below.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsletter import services, stats
from newsletter.models import Bounce, Edition, Newsletter, Subscriber, Unsubscription


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "is_active",
        "is_default",
        "cadence",
        "digest_when",
        "requires_approval",
        "subscriber_count",
        "last_digest_slot",
    ]
    list_editable = ["is_active", "is_default"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sections"]
    change_list_template = "newsletter/admin/newsletter_change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "is_active", "is_default", "position"]}),
        (
            _("Riepilogo automatico"),
            {
                "fields": [
                    "cadence",
                    "send_time",
                    "weekday",
                    "requires_approval",
                    "max_articles",
                    "subject_prefix",
                    "sections",
                ],
                "description": _(
                    "Il riepilogo raccoglie gli articoli pubblicati dal riepilogo precedente; "
                    "ogni iscritto riceve quelli degli argomenti che segue."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_subscribers=Count(
                    "subscribers",
                    filter=Q(subscribers__status=Subscriber.Status.CONFIRMED),
                )
            )
        )

    @admin.display(description=_("iscritti"), ordering="n_subscribers")
    def subscriber_count(self, obj):
        return obj.n_subscribers

    @admin.display(description=_("quando"))
    def digest_when(self, obj):
        if obj.cadence == Newsletter.Cadence.MANUAL:
            return "—"
        hour = obj.send_time.strftime("%H:%M")
        if obj.cadence == Newsletter.Cadence.WEEKLY:
            return f"{obj.get_weekday_display()} {hour}"
        return hour

    def get_urls(self):
        return [
            path(
                "provenienza/",
                self.admin_site.admin_view(self.sources_view),
                name="newsletter_signup_sources",
            ),
            *super().get_urls(),
        ]

    def sources_view(self, request):
        """Which article or page brought each confirmed subscriber, per week."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        weeks, rows = stats.signup_sources(weeks=8)
        totals = [sum(row.counts[i] for row in rows) for i in range(len(weeks))]
        return TemplateResponse(
            request,
            "newsletter/admin/signup_sources.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Da dove arrivano gli iscritti"),
                "opts": self.model._meta,
                "weeks": weeks,
                "rows": rows,
                "totals": totals,
                "grand_total": sum(totals),
            },
        )


@admin.register(Bounce)
class BounceAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "kind",
        "suppressed",
        "status_code",
        "source",
        "edition",
        "received_at",
    ]
    list_filter = ["kind", "source", "suppressed", ("received_at", admin.DateFieldListFilter)]
    list_select_related = ["edition"]
    search_fields = ["email"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "kind",
        "source",
        "email",
        "subscriber",
        "edition",
        "status_code",
        "diagnostic",
        "suppressed",
        "received_at",
    ]
    exclude = ["delivery"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Unsubscription)
class UnsubscriptionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "edition", "one_click"]
    list_filter = ["reason", "one_click", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["edition"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EditionOpsMixin:
    """Figures, CSV export and digest approval for EditionAdmin."""

    @admin.display(description=_("numeri"))
    def figures_link(self, obj):
        if obj.started_at is None:
            return "—"
        return format_html(
            '<a href="{}">Numeri</a>', reverse("admin:newsletter_edition_figures", args=[obj.pk])
        )

    @admin.action(description=_("Approva e invia i riepiloghi selezionati"))
    def approve_digests(self, request, queryset):
        approved = 0
        for edition in queryset.filter(status=Edition.Status.AWAITING_APPROVAL):
            services.edition_approve(edition=edition)
            approved += 1
        if approved:
            self.message_user(
                request,
                ngettext(
                    "%(n)d riepilogo approvato: l'invio è partito.",
                    "%(n)d riepiloghi approvati: l'invio è partito.",
                    approved,
                )
                % {"n": approved},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("Nessuna delle edizioni scelte aspettava un'approvazione."),
                messages.WARNING,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            edition = Edition.objects.filter(
                pk=object_id, status=Edition.Status.AWAITING_APPROVAL
            ).first()
            if edition is not None:
                self.message_user(
                    request,
                    format_html(
                        "Riepilogo automatico da approvare: controlla gli articoli, poi "
                        '<a href="{}">approvalo e invialo</a>.',
                        reverse("admin:newsletter_edition_send", args=[edition.pk]),
                    ),
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def ops_urls(self):
        return [
            path(
                "<int:pk>/numeri/",
                self.admin_site.admin_view(self.figures_view),
                name="newsletter_edition_figures",
            ),
            path(
                "<int:pk>/numeri.csv",
                self.admin_site.admin_view(self.figures_csv_view),
                name="newsletter_edition_figures_csv",
            ),
        ]

    def figures_view(self, request, pk):
        edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
        if not self.has_view_permission(request, edition):
            return HttpResponse(status=403)
        figures = stats.edition_figures(edition)
        return TemplateResponse(
            request,
            "newsletter/admin/edition_figures.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Numeri: %(s)s") % {"s": edition.subject},
                "edition": edition,
                "figures": figures,
                "opts": self.model._meta,
                "original": edition,
                "rows": [
                    (_("Destinatari"), figures.recipients, ""),
                    (_("Inviate"), figures.sent, ""),
                    (_("Consegnate"), figures.delivered, figures.rate(figures.delivered)),
                    (_("Rimbalzate"), figures.bounced, figures.rate(figures.bounced)),
                    (_("Rimbalzi temporanei"), figures.soft_bounced, ""),
                    (
                        _("Segnalate come spam"),
                        figures.complained,
                        figures.rate(figures.complained),
                    ),
                    (_("Cancellazioni"), figures.unsubscribed, figures.rate(figures.unsubscribed)),
                    (_("Clic sugli articoli"), figures.clicks, ""),
                ],
            },
        )

    def figures_csv_view(self, request, pk):
        edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
        if not self.has_view_permission(request, edition):
            return HttpResponse(status=403)
        response = HttpResponse(
            stats.edition_figures_csv(stats.edition_figures(edition)),
            content_type="text/csv; charset=utf-8",
        )
        day = timezone.localtime(edition.started_at or edition.created_at).date().isoformat()
        name = f"edizione-{edition.pk}-{day}-{slugify(edition.subject)[:40]}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
