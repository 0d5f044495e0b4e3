"""The desk's side: the rettifica inbox with its 48-hour clock, de-indexing
decisions, policy pages and the transparency settings."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.freshness import content_changed
from standards import services
from standards.deadlines import clock
from standards.models import CorrectionRequest, Deindexing, Policy, TrustSettings


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decisione"),
        required=False,
        choices=[
            ("", _("— nessuna decisione per ora —")),
            ("accept", _("Accogli (e pubblica, se hai scritto il testo della rettifica)")),
            ("publish", _("Pubblica la rettifica già accolta")),
            ("reject", _("Respingi (il motivo viene comunicato a chi ha scritto)")),
        ],
    )

    class Meta:
        model = CorrectionRequest
        fields = ["notice", "rejection_reason"]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == "reject" and not (cleaned.get("rejection_reason") or "").strip():
            self.add_error("rejection_reason", _("Indica il motivo del rifiuto."))
        if decision == "publish" and not (cleaned.get("notice") or "").strip():
            self.add_error("notice", _("Scrivi il testo della rettifica da pubblicare."))
        return cleaned


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    form = DecisionForm
    list_display = ["received_at", "article", "name", "status", "deadline"]
    list_filter = ["status"]
    list_select_related = ["article"]
    search_fields = ["name", "email", "article__title"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "article_link",
        "name",
        "email",
        "represents",
        "statement",
        "correct_version",
        "evidence",
        "evidence_url",
        "received_at",
        "due_at",
        "status",
        "decided_at",
        "decided_by",
        "published_at",
    ]
    fieldsets = [
        (
            _("Richiesta"),
            {
                "fields": [
                    "article_link",
                    "name",
                    "email",
                    "represents",
                    "statement",
                    "correct_version",
                    "evidence",
                    "evidence_url",
                ]
            },
        ),
        (_("Termini"), {"fields": ["received_at", "due_at", "status"]}),
        (
            _("Decisione"),
            {
                "fields": [
                    "decision",
                    "notice",
                    "rejection_reason",
                    "decided_at",
                    "decided_by",
                    "published_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("scadenza"), ordering="due_at")
    def deadline(self, obj):
        text = clock(obj)
        if not text:
            return obj.get_status_display()
        late = obj.time_left().total_seconds() < 0
        return format_html(
            '<strong style="color:{}">{}</strong>', "#a8201a" if late else "#0c4a55", text
        )

    @admin.display(description=_("articolo"))
    def article_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.article.get_absolute_url(), obj.article.title)

    def has_add_permission(self, request):
        return False  # requests come from readers, through the public form

    def has_delete_permission(self, request, obj=None):
        return False  # the log of requests is kept

    def changelist_view(self, request, extra_context=None):
        due = CorrectionRequest.objects.filter(
            status__in=[CorrectionRequest.Status.RECEIVED, CorrectionRequest.Status.ACCEPTED],
            due_at__lte=timezone.now() + timedelta(hours=12),
        ).count()
        if due:
            self.message_user(
                request,
                ngettext(
                    "%(n)d richiesta di rettifica scade entro 12 ore o è già scaduta.",
                    "%(n)d richieste di rettifica scadono entro 12 ore o sono già scadute.",
                    due,
                )
                % {"n": due},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        try:
            if decision == "accept":
                services.correction_request_accept(
                    request=obj, by=request.user, notice=form.cleaned_data.get("notice", "")
                )
            elif decision == "publish":
                services.correction_request_publish(
                    request=obj, by=request.user, notice=form.cleaned_data["notice"]
                )
            elif decision == "reject":
                services.correction_request_reject(
                    request=obj, by=request.user, reason=form.cleaned_data["rejection_reason"]
                )
            else:
                CorrectionRequest.objects.filter(pk=obj.pk).update(
                    notice=obj.notice, rejection_reason=obj.rejection_reason
                )
        except (PermissionDenied, ValueError) as error:
            self.message_user(request, str(error), messages.ERROR)


class RequiredAutocompleteSelect(AutocompleteSelect):
    """Django renders a required autocomplete with no <option> until one is chosen, which
    HTML forbids (a required single select needs an empty first option), and an empty
    placeholder. Both get the placeholder's text (select2 hides the empty option from
    the list), and a script names select2's box after the field's label."""

    placeholder = _("Cerca un articolo per titolo")

    @property
    def media(self):
        return super().media + forms.Media(js=["js/autocomplete-names.js"])

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = str(self.placeholder)
        return attrs

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        if self.is_required and not self.allow_multiple_selected:
            groups[0][1].insert(0, self.create_option(name, "", str(self.placeholder), False, 0))
        return groups


class DeindexingForm(forms.ModelForm):
    class Meta:
        model = Deindexing
        fields = ["article", "reason"]


@admin.register(Deindexing)
class DeindexingAdmin(admin.ModelAdmin):
    """Each decision and revocation is written to the article's events (the audit)."""

    form = DeindexingForm
    list_display = ["article", "decided_at", "decided_by", "reason"]
    list_select_related = ["article", "decided_by"]
    autocomplete_fields = ["article"]
    search_fields = ["article__title", "reason"]

    def get_readonly_fields(self, request, obj=None):
        return ["article"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["widget"] = RequiredAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.article_deindex(article=obj.article, by=request.user, reason=obj.reason)

    def delete_model(self, request, obj):
        services.article_reindex(
            article=obj.article, by=request.user, reason=str(_("Revocata dall'amministrazione"))
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("article"):
            self.delete_model(request, obj)


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "updated_at"]
    fields = ["kind", "body"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        content_changed(services.STANDARDS)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed(services.STANDARDS)


@admin.register(TrustSettings)
class TrustSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (_("Proprietà e finanziamento"), {"fields": ["ownership", "funding"]}),
        (_("Hosting"), {"fields": ["hosting_provider", "hosting_address"]}),
        (
            _("Dichiarazione di accessibilità"),
            {
                "fields": [
                    "accessibility_compliance",
                    "accessibility_checked_on",
                    "accessibility_method",
                    "accessibility_known_issues",
                    "accessibility_email",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        content_changed(services.STANDARDS)

    def has_add_permission(self, request):
        return False  # one row, made on first use

    def changelist_view(self, request, extra_context=None):
        settings_row = TrustSettings.load()
        return redirect(reverse("admin:standards_trustsettings_change", args=[settings_row.pk]))

    def has_delete_permission(self, request, obj=None):
        return False
