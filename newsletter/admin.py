from __future__ import annotations

import csv
import json

from ckeditor.widgets import CKEditorWidget
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Section
from newsletter import services
from newsletter.admin_ops import EditionOpsMixin
from newsletter.emails import TOKEN_PLACEHOLDER, EditionRenderer
from newsletter.models import (
    ConsentRecord,
    Delivery,
    Edition,
    EditionArticle,
    Newsletter,
    Subscriber,
    email_digest,
)


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = [
        "signed_up_at",
        "page",
        "notice_version",
        "signup_ip",
        "confirmed_at",
        "confirm_ip",
        "withdrawn_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "status",
        "paused",
        "all_topics",
        "created_at",
        "confirmed_at",
        "hard_bounces",
    ]
    list_filter = [
        "status",
        "newsletters",
        "paused",
        "all_topics",
        "topics",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "email",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "hard_bounces",
        "last_bounce",
    ]
    fields = [*readonly_fields, "newsletters", "paused", "all_topics", "topics"]
    filter_horizontal = ["topics", "newsletters"]
    inlines = [ConsentRecordInline]
    actions = ["export_csv", "export_personal_data", "erase_personal_data"]

    def has_add_permission(self, request):
        # Addresses enter only through double opt-in, never typed by staff.
        return False

    @admin.action(description=_("Esporta in CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="iscritti.csv"'
        writer = csv.writer(response)
        writer.writerow(["email", "stato", "in pausa", "argomenti", "iscritto il", "confermato il"])
        for subscriber in queryset.prefetch_related("topics").order_by("pk").iterator(2000):
            topics = (
                "tutti"
                if subscriber.all_topics
                else "; ".join(section.name for section in subscriber.topics.all())
            )
            writer.writerow(
                [
                    subscriber.email,
                    subscriber.get_status_display(),
                    "sì" if subscriber.paused else "no",
                    topics,
                    subscriber.created_at.isoformat(),
                    subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else "",
                ]
            )
        return response

    @admin.action(description=_("GDPR: esporta i dati di una persona (JSON)"))
    def export_personal_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Seleziona una sola persona."), messages.ERROR)
            return None
        subscriber = queryset.get()
        response = HttpResponse(
            json.dumps(
                services.subscriber_export(subscriber=subscriber), indent=2, ensure_ascii=False
            ),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="dati-{subscriber.pk}.json"'
        return response

    @admin.action(description=_("GDPR: cancella i dati (resta solo la prova del consenso)"))
    def erase_personal_data(self, request, queryset):
        if request.POST.get("confirm") == "yes":
            count = 0
            for subscriber in queryset:
                services.subscriber_erase(subscriber=subscriber)
                count += 1
            self.message_user(
                request,
                ngettext(
                    "Dati cancellati per %(n)d persona; restano le prove del consenso anonime.",
                    "Dati cancellati per %(n)d persone; restano le prove del consenso anonime.",
                    count,
                )
                % {"n": count},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "newsletter/admin/erase_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cancellare i dati personali?"),
                "subscribers": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "signed_up_at",
        "notice_version",
        "confirmed_at",
        "withdrawn_at",
        "erased_at",
    ]
    list_filter = ["notice_version", ("signed_up_at", admin.DateFieldListFilter)]
    search_fields = ["email"]

    def get_search_results(self, request, queryset, search_term):
        # An erased person can still be found by typing the address: its digest matches.
        results, duplicates = super().get_search_results(request, queryset, search_term)
        if "@" in search_term:
            results |= queryset.filter(email_sha256=email_digest(search_term))
        return results, duplicates

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _send_time(edition: Edition | None):
    """When the edition goes out, if an editor has said so."""
    if edition is not None and edition.status == Edition.Status.SCHEDULED:
        return edition.scheduled_at
    return None


class ArticlePicker(AutocompleteSelect):
    """Django's title-search widget, asking the edition's own list of candidates."""

    def __init__(self, *args, url: str, **kwargs):
        self.url = url
        super().__init__(*args, **kwargs)

    def get_url(self):
        return self.url


class ArticlePickerView(AutocompleteJsonView):
    """Title search among the articles readers can open when the edition goes out."""

    edition = None

    def get_queryset(self):
        candidates = services.edition_article_choices(at=_send_time(self.edition))
        return (
            super()
            .get_queryset()
            .filter(pk__in=candidates.values("pk"))
            .order_by("-publish_at", "-id")
        )

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if obj.is_scheduled():
            result["text"] = _("%(title)s (programmato: %(when)s)") % {
                "title": obj.title,
                "when": services.when_text(obj.publish_at),
            }
        return result


class EditionArticleFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        at = _send_time(self.instance)
        for form in self.forms:
            article = form.cleaned_data.get("article") if hasattr(form, "cleaned_data") else None
            if article is None or form.cleaned_data.get("DELETE"):
                continue
            problem = services.article_send_problem(article, at=at)
            if problem:
                form.add_error("article", problem)


class EditionArticleInline(admin.TabularInline):
    model = EditionArticle
    formset = EditionArticleFormSet
    extra = 1
    fields = ["position", "article"]
    ordering = ["position", "id"]

    def get_formset(self, request, obj=None, **kwargs):
        url = (
            reverse("admin:newsletter_edition_articles", args=[obj.pk])
            if obj is not None and obj.pk
            else reverse("admin:newsletter_edition_articles_new")
        )
        field = EditionArticle._meta.get_field("article")
        kwargs["widgets"] = {"article": ArticlePicker(field, self.admin_site, url=url)}
        return super().get_formset(request, obj, **kwargs)

    def has_add_permission(self, request, obj=None):
        return (obj is None or obj.is_editable()) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_editable()) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_editable()) and super().has_delete_permission(request, obj)


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        # scheduled_at is set from the send page, which also queues the start.
        fields = ["newsletter", "subject", "preheader", "intro", "personalised"]
        widgets = {"intro": CKEditorWidget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "newsletter" in self.fields:
            self.fields["newsletter"].initial = Newsletter.objects.filter(
                is_active=True, is_default=True
            ).first()


def _count(status: list[str]) -> Count:
    return Count("deliveries", filter=Q(deliveries__status__in=status))


@admin.register(Edition)
class EditionAdmin(EditionOpsMixin, admin.ModelAdmin):
    form = EditionForm
    list_display = [
        "subject",
        "newsletter",
        "status",
        "personalised",
        "scheduled_at",
        "started_at",
        "queued",
        "sent",
        "failed",
        "actions_link",
        "figures_link",
    ]
    list_filter = ["status", "newsletter", "personalised"]
    list_select_related = ["newsletter"]
    actions = ["approve_digests"]
    search_fields = ["subject"]
    inlines = [EditionArticleInline]
    readonly_fields = ["status", "scheduled_at", "started_at", "finished_at", "delivery_counts"]
    formfield_overrides = {models.TextField: {"widget": CKEditorWidget}}

    class Media:
        # A static file, no inline script: the admin's CSP may lose 'unsafe-inline'.
        js = ["js/newsletter-edition-admin.js"]
        css = {"all": ["css/newsletter-edition-admin.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_queued=_count(["pending", "claimed"]),
                n_sent=_count(["sent"]),
                n_failed=_count(["failed"]),
            )
        )

    @admin.display(description=_("in coda"), ordering="n_queued")
    def queued(self, obj):
        return obj.n_queued

    @admin.display(description=_("inviate"), ordering="n_sent")
    def sent(self, obj):
        return obj.n_sent

    @admin.display(description=_("fallite"), ordering="n_failed")
    def failed(self, obj):
        return obj.n_failed

    @admin.display(description=_("consegne"))
    def delivery_counts(self, obj):
        if obj.pk is None:
            return "—"
        counts = obj.deliveries.counts()
        return format_html(
            "in coda {} · inviate {} · fallite {} · saltate {}",
            counts["pending"] + counts["claimed"],
            counts["sent"],
            counts["failed"],
            counts["skipped"],
        )

    @admin.display(description=_("anteprima e invio"))
    def actions_link(self, obj):
        return format_html(
            '<a href="{}">Anteprima</a> · <a href="{}">Invio</a>',
            reverse("admin:newsletter_edition_preview", args=[obj.pk]),
            reverse("admin:newsletter_edition_send", args=[obj.pk]),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, object_id)
        if edition is not None:
            extra_context = {**(extra_context or {}), **self._send_context(edition)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _send_context(self, edition: Edition) -> dict:
        """What the preview, test, schedule and send-now panel shows."""
        recipients = Subscriber.objects.receiving(edition).count()
        at = _send_time(edition) or timezone.now()
        return {
            "edition": edition,
            "counts": edition.deliveries.counts(),
            "sections": Section.objects.filter(is_active=True, parent__isnull=True),
            "recipients": recipients,
            "send_now_label": ngettext(
                "Invia ora a %(n)d iscritto", "Invia ora a %(n)d iscritti", recipients
            )
            % {"n": recipients},
            "problems": services.edition_article_problems(edition=edition, at=at)
            if edition.is_editable()
            else [],
            "now": timezone.localtime(),
        }

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable():
            return [*self.form.Meta.fields, *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == Edition.Status.DRAFT

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            added = services.edition_prefill(edition=form.instance)
            if added:
                self.message_user(
                    request,
                    ngettext(
                        "Aggiunto %(n)d articolo pubblicato dopo l'edizione precedente: "
                        "cambialo o toglilo prima dell'invio.",
                        "Aggiunti %(n)d articoli pubblicati dopo l'edizione precedente: "
                        "riordinali o toglili prima dell'invio.",
                        added,
                    )
                    % {"n": added},
                )

    def get_urls(self):
        return [
            path(
                "<int:pk>/anteprima/",
                self.admin_site.admin_view(self.preview_view),
                name="newsletter_edition_preview",
            ),
            path(
                "articoli/",
                self.admin_site.admin_view(self.articles_view),
                name="newsletter_edition_articles_new",
            ),
            path(
                "<int:pk>/articoli/",
                self.admin_site.admin_view(self.articles_view),
                name="newsletter_edition_articles",
            ),
            path(
                "<int:pk>/invio/",
                self.admin_site.admin_view(self.send_view),
                name="newsletter_edition_send",
            ),
            *self.ops_urls(),
            *super().get_urls(),
        ]

    def articles_view(self, request, pk=None):
        """The article picker's search (JSON), limited to what can go in this edition."""
        edition = get_object_or_404(Edition, pk=pk) if pk is not None else None
        if not self.has_view_permission(request, edition):
            return HttpResponse(status=403)
        return ArticlePickerView.as_view(admin_site=self.admin_site, edition=edition)(request)

    def preview_view(self, request, pk):
        """The edition exactly as a subscriber following ?argomento= receives it."""
        edition = get_object_or_404(Edition, pk=pk)
        if not self.has_view_permission(request, edition):
            return HttpResponse(status=403)
        renderer = EditionRenderer(edition)
        topic = request.GET.get("argomento")
        topics = frozenset([int(topic)]) if topic and topic.isdigit() else None
        rendered = renderer.render_for(topics)
        if rendered is None:
            return HttpResponse(
                "Nessun articolo di questo argomento: l'iscritto non riceve l'edizione.",
                content_type="text/plain; charset=utf-8",
            )
        text, html = rendered.personalise(TOKEN_PLACEHOLDER)
        if request.GET.get("formato") == "testo":
            return HttpResponse(text, content_type="text/plain; charset=utf-8")
        response = HttpResponse(html)
        response["Cache-Control"] = "no-store"
        return response

    def send_view(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        if not self.has_change_permission(request, edition):
            return HttpResponse(status=403)
        if request.method == "POST":
            return self._send_action(request, edition)
        return TemplateResponse(
            request,
            "newsletter/admin/edition_send.html",
            {
                **self.admin_site.each_context(request),
                **self._send_context(edition),
                "title": _("Anteprima e invio: %(s)s") % {"s": edition.subject},
                "opts": self.model._meta,
            },
        )

    def _send_action(self, request, edition):
        page = "change" if request.POST.get("next") == "change" else "send"
        back = HttpResponseRedirect(reverse(f"admin:newsletter_edition_{page}", args=[edition.pk]))
        action = request.POST.get("action")
        try:
            if action == "test":
                address = request.POST.get("email", "").strip()
                forms.EmailField().clean(address)
                renderer = EditionRenderer(edition)
                rendered = renderer.render_for(None)
                message = renderer.message(to=address, token=TOKEN_PLACEHOLDER, rendered=rendered)
                message.subject = f"[PROVA] {message.subject}"
                message.send()
                self.message_user(request, _("Prova inviata a %(a)s.") % {"a": address})
            elif action == "send":
                services.edition_send_now(edition=edition)
                self.message_user(request, _("Invio avviato."), messages.SUCCESS)
            elif action == "schedule":
                when = forms.DateTimeField().clean(request.POST.get("when", ""))
                if when <= timezone.now():
                    raise forms.ValidationError(_("Scegli un momento nel futuro."))
                services.edition_schedule(edition=edition, when=when)
                self.message_user(request, _("Invio programmato."), messages.SUCCESS)
        except forms.ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        except services.EditionArticlesError as error:
            self.message_user(
                request,
                format_html(
                    "{}<ul>{}</ul>{}",
                    _("L'edizione non parte: questi articoli non sarebbero visibili ai lettori."),
                    format_html_join("", "<li>{}</li>", ((problem,) for problem in error.problems)),
                    _("Toglili dall'edizione o cambia l'orario dell'invio."),
                ),
                messages.ERROR,
            )
        except services.EditionStateError as error:
            self.message_user(request, str(error), messages.ERROR)
        return back


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["edition", "subscriber", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "edition"]
    list_select_related = ["edition", "subscriber"]
    search_fields = ["subscriber__email"]
    raw_id_fields = ["edition", "subscriber"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
