"""The newsroom's admin: where journalists write and editors publish.

Roles (groups made by migration 0004): a «Giornalista» edits their own
drafts and sends them for review; a «Caporedattore» edits everything and
publishes. Status never changes through a form field: the buttons under the
form and the list actions call articles.services, which check, audit and
record a revision.
"""

from __future__ import annotations

from contextvars import ContextVar

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.db.models import Prefetch
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import clash, freshness, services
from articles.forms import ArticleAdminForm
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleEvent,
    ArticlePerson,
    ArticleRedirect,
    Author,
    Correction,
    Person,
    Publisher,
    RelatedExclusion,
    RelatedPin,
    Section,
    Signoff,
    Source,
    text_fingerprint,
)
from articles.signing import PREVIEW_LINK_MAX_AGE, preview_url
from sanita33.security import AdminLoginForm

admin.site.site_header = _("Sanità33 · Redazione")
admin.site.site_title = _("Sanità33 Redazione")
admin.site.index_title = _("Scrivania")
admin.site.login_form = AdminLoginForm

# Restoring an old revision brings back the content, never the workflow state:
# publishing and withdrawing go through the services and their checks, and the
# version counter only moves forward (so an older open form stays stale).
WORKFLOW_ATTNAMES = [
    "status",
    "publish_at",
    "unpublish_at",
    "first_published_at",
    "material_update_at",
    "version",
    "publish_check_override",
    "created_by_id",
    "created_at",
    "lead_image_renditions",
]
# While a history entry is shown or restored: the article's current workflow
# values (read before django-reversion writes the old copy) and the entry.
_restoring: ContextVar[dict | None] = ContextVar("articles_restoring_revision", default=None)

for _inline_model in [Source, Correction, ArticleAuthor, ArticlePerson]:
    if not reversion.is_registered(_inline_model):
        reversion.register(_inline_model)
for _inline_model in [RelatedPin, RelatedExclusion]:
    if not reversion.is_registered(_inline_model):
        reversion.register(_inline_model)
if not reversion.is_registered(Article):
    reversion.register(
        Article,
        follow=[
            "sources",
            "corrections",
            "article_authors",
            "article_people",
            "related_pins",
            "related_exclusions",
        ],
        exclude=["search_vector"],
    )


@receiver(pre_save, sender=Article, dispatch_uid="articles_keep_workflow_on_restore")
def _keep_workflow_state_on_restore(sender, instance, raw, **kwargs):
    # django-reversion reverts with a raw save of the stored copy.
    if not raw or _restoring.get() is None:
        return
    current = Article.objects.filter(pk=instance.pk).values(*WORKFLOW_ATTNAMES).first()
    if current is not None:
        for attname, value in current.items():
            setattr(instance, attname, value)


STATUS_COLOURS = {
    "draft": "#6b7280",
    "review": "#b45309",
    "scheduled": "#1d4ed8",
    "published": "#15803d",
    "unpublished": "#b91c1c",
}

EVENT_LABELS = {
    "signoff": _("Firma di approvazione"),
    "create": _("Bozza creata"),
    "submit": _("Inviato in revisione"),
    "publish": _("Pubblicato"),
    "schedule": _("Pubblicazione programmata"),
    "unpublish": _("Ritirato"),
    "schedule_unpublish": _("Ritiro programmato"),
    "override": _("Deroga ai controlli"),
    "correct": _("Correzione"),
    "material_update": _("Modifica sostanziale"),
    "moved": _("Indirizzo cambiato"),
    "restore": _("Versione ripristinata"),
    "rettifica_received": _("Richiesta di rettifica ricevuta"),
    "rettifica_accepted": _("Rettifica accolta"),
    "rettifica_rejected": _("Rettifica respinta"),
    "oblio": _("Deindicizzato (diritto all'oblio)"),
    "oblio_revoked": _("Deindicizzazione revocata"),
}

REASON_LABELS = {
    "tags": _("tag in comune"),
    "shared_tags": _("tag in comune"),
    "people": _("persone in comune"),
    "shared_people": _("persone in comune"),
    "section": _("stessa sezione"),
    "same_section": _("stessa sezione"),
    "recency": _("vicinanza nel tempo"),
    "text": _("testo simile"),
    "pinned": _("scelto dalla redazione"),
}


def readable_reasons(reasons) -> str:
    """A stored `reasons` dict as Italian prose, e.g. «tag in comune: diabete, insulina»."""
    if not reasons:
        return ""
    if not isinstance(reasons, dict):
        return str(reasons)
    parts = []
    for key, value in reasons.items():
        label = REASON_LABELS.get(key, str(key).replace("_", " "))
        if isinstance(value, bool):
            parts.append(str(label) if value else "")
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, float):
            value = f"{value:.2f}".replace(".", ",")
        elif isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        parts.append(f"{label}: {value}")
    return "; ".join(p for p in parts if p)


# A pasted "www.esempio.it" becomes https://, not http://.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class PrefillMixin:
    """`add/?section=3` pre-fills the form; a value a relation cannot hold is dropped.

    Django's autocomplete widget looks the pre-filled value up as a primary key
    and would fail with a 500 on `?section=abc`.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.auto_created:
                continue
            target = field.remote_field.model._meta.pk if field.many_to_many else field.target_field
            try:
                for item in value if isinstance(value, list) else [value]:
                    target.to_python(item)
            except ValidationError:
                del initial[name]
        return initial


# Inlines ------------------------------------------------------------------


class BylineFormSet(BaseInlineFormSet):
    """Nobody signs as a colleague: a journalist adds herself or a shared byline."""

    def clean(self):
        super().clean()
        for form in self.forms:
            author = form.cleaned_data.get("author") if form.has_changed() else None
            if author is not None and not services.may_sign_as(self.user, author):
                form.add_error(
                    "author",
                    _(
                        "Puoi firmare solo con la tua firma o con una firma collettiva "
                        "(es. «Redazione»): %(name)s la aggiunge un caporedattore."
                    )
                    % {"name": author.name},
                )


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    formset = BylineFormSet
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 0
    verbose_name = _("firma")
    verbose_name_plural = _("Firme (nell'ordine in cui compaiono)")

    def get_extra(self, request, obj=None, **kwargs):
        # A new article opens with the writer's byline already in place.
        return 1 if obj is None else 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset


class ArticlePersonInline(admin.TabularInline):
    model = ArticlePerson
    autocomplete_fields = ["person"]
    fields = ["person", "role", "position"]
    extra = 0
    verbose_name_plural = _("Persone intervistate o citate")


class SourceInline(admin.TabularInline):
    model = Source
    formfield_overrides = HTTPS_URLS
    fields = ["title", "url", "doi", "position"]
    extra = 1
    verbose_name_plural = _("Fonti (studi, documenti, dati citati)")


class CorrectionInline(admin.TabularInline):
    model = Correction
    fields = ["created_at", "note"]
    extra = 0
    verbose_name_plural = _("Correzioni (mostrate ai lettori con la data)")


class RelatedPinInline(admin.TabularInline):
    model = RelatedPin
    fk_name = "article"
    autocomplete_fields = ["target"]
    fields = ["target", "position"]
    extra = 0
    verbose_name_plural = _("Correlati: articoli scelti dalla redazione")


class RelatedExclusionInline(admin.TabularInline):
    model = RelatedExclusion
    fk_name = "article"
    autocomplete_fields = ["target"]
    extra = 0
    verbose_name_plural = _("Correlati: articoli da non mostrare mai")


# Article ------------------------------------------------------------------


class SectionListFilter(admin.RelatedFieldListFilter):
    """Sections named with their parent («Farmaci › Biotech») in one query."""

    def field_choices(self, field, request, model_admin):
        return [(s.pk, str(s)) for s in Section.objects.select_related("parent")]


class MedicalReviewFilter(admin.SimpleListFilter):
    """The medical reviewer's queue: what waits for my signature."""

    title = _("revisione medica")
    parameter_name = "revisione"

    def lookups(self, request, model_admin):
        if request.user.has_perm("articles.signoff_medical"):
            return [("attesa", _("In attesa della mia firma"))]
        return []

    def queryset(self, request, queryset):
        if self.value() == "attesa":
            return queryset.awaiting_medical_signoff(request.user)
        return queryset


@admin.register(Article)
class ArticleAdmin(PrefillMixin, VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    inlines = [
        ArticleAuthorInline,
        ArticlePersonInline,
        SourceInline,
        CorrectionInline,
        RelatedPinInline,
        RelatedExclusionInline,
    ]
    list_display = [
        "title",
        "status_badge",
        "section",
        "kind",
        "byline",
        "publish_date",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        ("section", SectionListFilter),
        "kind",
        "authors",
        "publish_at",
        "is_health_content",
        MedicalReviewFilter,
    ]
    list_select_related = ["section__parent"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "medical_reviewer_person", "medical_reviewer_author"]
    list_per_page = 50
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    save_on_top = True

    # Fieldsets, per role ---------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        editor = self.has_publish_permission(request)
        publication = ["workflow_state", "publish_at", "unpublish_at", "is_featured", "priority"]
        if obj is not None:
            publication += ["preview_links"]
        if editor:
            publication += ["override_reason"]
            if obj is not None and obj.publish_check_override:
                publication += ["recorded_override"]
        # Who only reads (a medical reviewer) reads the text as readers will.
        body = "body" if self.has_change_permission(request, obj) else "body_preview"
        content = ["kind", "title", "slug", "section", "standfirst", body, "tags"]
        if obj is not None:
            content = ["loaded_version", *content]
            if obj.first_published_at:
                content.append("material_update")
        return [
            (_("Contenuto"), {"fields": content}),
            (
                _("Immagine principale"),
                {
                    "fields": [
                        "lead_image",
                        "lead_image_alt",
                        "lead_image_caption",
                        "lead_image_credit",
                    ]
                },
            ),
            (
                _("Persone e firme"),
                {
                    "fields": ["highlighted_quote"],
                    "description": _(
                        "Firme e persone intervistate si aggiungono nei riquadri "
                        "«Firme» e «Persone» più in basso."
                    ),
                },
            ),
            (
                _("Fonti e correzioni"),
                {
                    "fields": ["is_health_content"],
                    "description": _(
                        "Fonti e correzioni si aggiungono nei riquadri più in basso. "
                        "Un contenuto sanitario senza fonti non può essere pubblicato."
                    ),
                },
            ),
            (
                _("Revisione medica"),
                {
                    "fields": [
                        "medical_reviewer_person",
                        "medical_reviewer_author",
                        "last_reviewed",
                        "is_sensitive",
                        "signoff_state",
                    ],
                },
            ),
            (_("Pubblicazione"), {"fields": publication}),
            (
                _("Pubblico e sponsorizzazione"),
                {
                    "fields": [
                        "audience",
                        "audience_professions",
                        "is_sponsored",
                        "sponsor_name",
                        "is_medicine_promotion",
                    ],
                    "description": _(
                        "Un articolo riservato mostra a tutti titolo, sommario, immagine e "
                        "firma; il testo solo agli operatori sanitari verificati."
                    ),
                },
            ),
            (
                _("SEO"),
                {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
            ),
            (_("Correlati"), {"fields": ["related_enabled", "related_list"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "body_preview",
            "signoff_state",
            "workflow_state",
            "preview_links",
            "related_list",
            "recorded_override",
        ]
        if not self.has_publish_permission(request):
            readonly += ["publish_at", "unpublish_at", "is_featured", "priority"]
        return readonly

    # Permissions -----------------------------------------------------------

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("articles.publish_article")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or request.user.has_perm("articles.edit_any_article")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).visible_in_admin(request.user)
        match = request.resolver_match
        if match is not None and match.url_name == "articles_article_changelist":
            queryset = queryset.defer("body", "search_vector").prefetch_related(
                Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author"))
            )
        return queryset

    def get_search_results(self, request, queryset, search_term):
        # Pins and exclusions point at articles readers can see.
        if request.path == reverse("admin:autocomplete"):
            queryset = queryset.published()
        return super().get_search_results(request, queryset, search_term)

    # Columns and read-only fields -------------------------------------------

    @admin.display(description=_("stato"), ordering="status")
    def status_badge(self, obj):
        key = "scheduled" if obj.is_scheduled() else obj.status
        label = _("Programmato") if key == "scheduled" else obj.get_status_display()
        return format_html(
            '<span style="display:inline-block;padding:2px 8px;border-radius:10px;'
            'color:#fff;background:{};font-size:11px;white-space:nowrap">{}</span>',
            STATUS_COLOURS[key],
            label,
        )

    @admin.display(description=_("pubblicazione"), ordering="publish_at")
    def publish_date(self, obj):
        if obj.publish_at is None:
            return "–"
        return date_format(timezone.localtime(obj.publish_at), "d/m/Y H:i")

    @admin.display(description=_("firme"))
    def byline(self, obj):
        return ", ".join(row.author.name for row in obj.article_authors.all())

    @admin.display(description=_("stato"))
    def workflow_state(self, obj):
        if obj is None or obj.pk is None:
            return _("Bozza (non ancora salvata)")
        parts = [self.status_badge(obj)]
        if obj.is_scheduled() and obj.publish_at:
            parts.append(
                str(
                    _("online dal %(when)s")
                    % {"when": date_format(timezone.localtime(obj.publish_at), "j F Y H:i")}
                )
            )
        if obj.first_published_at:
            parts.append(
                str(
                    _("prima pubblicazione %(when)s")
                    % {"when": date_format(timezone.localtime(obj.first_published_at), "j F Y H:i")}
                )
            )
        if obj.material_update_at:
            parts.append(
                str(
                    _("aggiornato il %(when)s")
                    % {"when": date_format(timezone.localtime(obj.material_update_at), "j F Y H:i")}
                )
            )
        return format_html_join(" · ", "{}", ((p,) for p in parts))

    @admin.display(description=_("testo"))
    def body_preview(self, obj):
        # body is sanitised on every save (articles.sanitize), like on the site.
        return mark_safe(obj.body) if obj is not None else ""

    @admin.display(description=_("firme di approvazione"))
    def signoff_state(self, obj):
        if obj is None or obj.pk is None:
            return _("Nessuna firma richiesta finché l'articolo non è salvato.")
        needed = services.signoffs_needed(obj)
        lines = []
        fingerprint = text_fingerprint(obj)
        for signoff in obj.signoffs.select_related("user")[:10]:
            who = (
                signoff.user.get_full_name() or signoff.user.get_username() if signoff.user else ""
            )
            lines.append(
                (
                    signoff.get_kind_display(),
                    who,
                    date_format(timezone.localtime(signoff.signed_at), "j F Y H:i"),
                    _("valida") if signoff.fingerprint == fingerprint else _("testo cambiato dopo"),
                )
            )
        missing = services.signoff_problems(obj)
        return format_html(
            "{}<ul>{}</ul>{}",
            _("Richieste: %(which)s.")
            % {"which": ", ".join(str(Signoff.Kind(k).label) for k in needed) or _("nessuna")},
            format_html_join("", "<li>{}: {}, {} ({})</li>", lines),
            format_html_join("", "<p><strong>{}</strong></p>", ((p,) for p in missing)),
        )

    @admin.display(description=_("deroga registrata"))
    def recorded_override(self, obj):
        return obj.publish_check_override

    @admin.display(description=_("anteprima"))
    def preview_links(self, obj):
        if obj is None or obj.pk is None:
            return ""
        days = PREVIEW_LINK_MAX_AGE.days
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Apri l\'anteprima</a><br>'
            "Link da condividere con chi non ha un account (valido {} giorni):<br>"
            '<input type="text" readonly size="80" value="{}" onclick="this.select()">',
            reverse("articles:preview", args=[obj.pk]),
            days,
            settings.SITE_URL + preview_url(obj.pk),
        )

    @admin.display(description=_("elenco correlati attuale"))
    def related_list(self, obj):
        if obj is None or obj.pk is None:
            return ""
        entries = list(
            obj.related_entries.select_related("target").only(
                "position", "score", "reasons", "pinned", "target__title", "target__status"
            )
        )
        if not entries:
            return _("Ancora nessun correlato calcolato per questo articolo.")
        rows = []
        for entry in entries:
            explain = getattr(entry, "explanation", None)
            if callable(explain):
                reasons = explain()
            else:
                reasons = readable_reasons(entry.reasons)
                if entry.pinned:
                    reasons = f"{_('scelto dalla redazione')}; {reasons}"
            rows.append(
                (
                    entry.position + 1,
                    reverse("admin:articles_article_change", args=[entry.target_id]),
                    entry.target.title,
                    f"{entry.score:.2f}".replace(".", ","),
                    reasons or _("scelto dalla redazione"),
                )
            )
        return format_html(
            "<table><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("articolo"),
            _("punteggio"),
            _("perché"),
            format_html_join(
                "",
                '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>',
                rows,
            ),
        )

    # Saving ----------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.last_modified_by = request.user
            obj.save()
            return
        restoring = _restoring.get()
        services.article_update(
            article=obj,
            by=request.user,
            loaded_version=form.cleaned_data["loaded_version"],
            material=form.cleaned_data.get("material_update", False),
            restored_from=restoring["version"].revision if restoring else None,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        services.article_record_corrections(
            article=article,
            by=request.user,
            corrections=[
                correction
                for formset in formsets
                if formset.model is Correction
                for correction in formset.new_objects
            ],
        )
        if not change and not article.article_authors.exists():
            ArticleAuthor.objects.create(
                article=article, author=services.author_for_user(request.user)
            )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # Only on the blank form: posted back unchanged, an initial row would
        # count as untouched and be dropped.
        if isinstance(inline, ArticleAuthorInline) and request.method == "GET" and obj.pk is None:
            kwargs["initial"] = [{"author": services.author_for_user(request.user).pk}]
        return kwargs

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = Version.objects.filter(pk=version_id, object_id=unquote(object_id)).first()
        current = Article.objects.filter(pk=unquote(object_id)).values(*WORKFLOW_ATTNAMES).first()
        if version is not None and current is not None:
            # The form must carry the CURRENT version number: the optimistic
            # lock then refuses the restore only if someone saved after the
            # entry was opened, never because the entry itself is older.
            token = _restoring.set({"current": current, "version": version})
        else:
            token = _restoring.set({"current": {}, "version": None})
        context = {
            "title": _("Ripristina una versione di «%(title)s»") % {"title": version.object_repr}
            if version is not None
            else "",
            **(extra_context or {}),
        }
        try:
            return super().revision_view(request, object_id, version_id, context)
        finally:
            _restoring.reset(token)

    def recover_view(self, request, version_id, extra_context=None):
        token = _restoring.set({"current": {}, "version": None})
        try:
            return super().recover_view(request, version_id, extra_context)
        finally:
            _restoring.reset(token)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        restoring = _restoring.get()
        if obj is not None and restoring:
            # Shown with today's state and version, whatever the entry holds.
            for attname, value in restoring["current"].items():
                setattr(obj, attname, value)
        return obj

    def get_urls(self):
        return [
            path(
                "<path:object_id>/firma/<str:kind>/",
                self.admin_site.admin_view(self.signoff_view),
                name="articles_article_signoff",
            ),
            *super().get_urls(),
        ]

    def signoff_view(self, request, object_id, kind):
        """A reviewer's sign-off button (POST only): the service checks who may sign."""
        article = self.get_object(request, unquote(object_id))
        if article is None or request.method != "POST" or kind not in Signoff.Kind.values:
            raise PermissionDenied
        try:
            services.article_signoff(article=article, by=request.user, kind=kind)
        except PermissionDenied as denied:
            self.message_user(request, str(denied), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Firma registrata: %(what)s.") % {"what": Signoff.Kind(kind).label},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and clash.AGAINST in request.POST and object_id:
            current = self.get_object(request, unquote(object_id))
            if current is not None:
                theirs = self.get_form(request, current)(instance=current)
                request.POST = clash.merged_post(request.POST, theirs)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleVersion:
            # Lost the race between the form's check and the conditional UPDATE:
            # everything was rolled back; the second pass shows the form with
            # the user's input and the message naming who saved first.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if obj is not None and form.is_bound and form.has_error(NON_FIELD_ERRORS, "stale"):
            # The refused form keeps what the user typed; the page shows the
            # saved article's title and, field by field, both versions.
            current = Article.objects.select_related("last_modified_by").get(pk=obj.pk)
            theirs = type(form)(instance=current)
            who = current.last_modified_by
            context.update(
                subtitle=str(current),
                original=current,
                clash={
                    "rows": clash.clash_rows(form, theirs),
                    "version": current.version,
                    "who": (who.get_full_name() or who.get_username()) if who else "",
                    "resolve": clash.RESOLVE,
                    "against": clash.AGAINST,
                    "prefix": clash.CHOICE_PREFIX,
                },
            )
        context.update(
            can_submit=obj is not None
            and obj.status == Article.Status.DRAFT
            and self.has_change_permission(request, obj),
            can_publish=self.has_publish_permission(request),
            can_unpublish=obj is not None
            and obj.status == Article.Status.PUBLISHED
            and self.has_publish_permission(request),
            preview_url=reverse("articles:preview", args=[obj.pk]) if obj is not None else "",
            signoff_buttons=[
                (reverse("admin:articles_article_signoff", args=[obj.pk, kind]), label)
                for kind, label, permission in [
                    (
                        Signoff.Kind.MEDICAL,
                        _("Firma la revisione medica"),
                        "articles.signoff_medical",
                    ),
                    (
                        Signoff.Kind.DIRECTOR,
                        _("Firma come direttore"),
                        "articles.signoff_director",
                    ),
                ]
                if request.user.has_perm(permission)
                and kind in services.signoffs_needed(obj)
                and not obj.signoffs.filter(kind=kind, fingerprint=text_fingerprint(obj)).exists()
            ]
            if obj is not None and obj.status != Article.Status.PUBLISHED
            else [],
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        redirect = self._workflow_button(request, obj)
        return redirect or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        redirect = self._workflow_button(request, obj)
        return redirect or super().response_change(request, obj)

    def _workflow_button(self, request, obj):
        """After the form is saved, run the workflow step of the button pressed."""
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        try:
            if "_submit_review" in request.POST:
                services.article_submit(article=obj, by=request.user)
                self.message_user(
                    request, _("Salvato e inviato in revisione ai caporedattori."), messages.SUCCESS
                )
            elif "_publish" in request.POST:
                now = timezone.now()
                when = obj.publish_at if obj.publish_at and obj.publish_at > now else None
                services.article_publish(
                    article=obj,
                    by=request.user,
                    publish_at=when,
                    override_reason=request.POST.get("override_reason", ""),
                )
                if obj.is_scheduled():
                    self.message_user(
                        request,
                        _("Salvato e programmato: sarà online dal %(when)s.")
                        % {"when": date_format(timezone.localtime(obj.publish_at), "j F Y H:i")},
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(request, _("Salvato e pubblicato."), messages.SUCCESS)
            elif "_unpublish" in request.POST:
                services.article_unpublish(
                    article=obj, by=request.user, unpublish_at=obj.unpublish_at
                )
                if obj.status == Article.Status.PUBLISHED:
                    self.message_user(request, _("Salvato; ritiro programmato."), messages.SUCCESS)
                else:
                    self.message_user(request, _("Salvato e ritirato dal sito."), messages.SUCCESS)
            else:
                return None
        except services.PublishCheckFailed as failure:
            self.message_user(
                request,
                format_html(
                    "{}<ul>{}</ul>{}",
                    _("Modifiche salvate, ma l'articolo non è stato pubblicato:"),
                    format_html_join("", "<li>{}</li>", ((p,) for p in failure.problems)),
                    _(
                        "Completa ciò che manca oppure, se sei caporedattore, "
                        "indica il motivo della deroga."
                    )
                    if failure.overridable
                    else _("Nessuna deroga è possibile: correggi il pubblico dell'articolo."),
                ),
                messages.ERROR,
            )
        except PermissionDenied as denied:
            self.message_user(request, str(denied), messages.ERROR)
        return HttpResponseRedirect(change_url)

    # Actions ---------------------------------------------------------------

    @admin.action(description=_("Invia in revisione"), permissions=["change"])
    def submit_selected(self, request, queryset):
        done = failed = 0
        for article in queryset:
            try:
                services.article_submit(article=article, by=request.user)
                done += 1
            except PermissionDenied:
                failed += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(n)d articolo inviato in revisione.",
                    "%(n)d articoli inviati in revisione.",
                    done,
                )
                % {"n": done},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(n)d articolo non inviato: solo le tue bozze si possono inviare.",
                    "%(n)d articoli non inviati: solo le tue bozze si possono inviare.",
                    failed,
                )
                % {"n": failed},
                messages.WARNING,
            )

    @admin.action(description=_("Pubblica ora"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        done, refused = services.articles_publish(articles=queryset, by=request.user)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d articolo pubblicato.", "%(n)d articoli pubblicati.", len(done))
                % {"n": len(done)},
                messages.SUCCESS,
            )
        for article, problems in refused.items():
            self.message_user(
                request,
                format_html(
                    "«{}» {}<ul>{}</ul>",
                    article.title,
                    _("non è stato pubblicato:"),
                    format_html_join("", "<li>{}</li>", ((p,) for p in problems)),
                ),
                messages.ERROR,
            )

    @admin.action(description=_("Ritira dal sito"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = 0
        for article in queryset:
            services.article_unpublish(article=article, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d articolo ritirato.", "%(n)d articoli ritirati.", count) % {"n": count},
            messages.SUCCESS,
        )


# Other models -------------------------------------------------------------


class PurgeOnSaveMixin:
    """Admin of something readers see outside the article services: saving or
    deleting it purges the pages showing it (articles/freshness.py)."""

    def cache_tags(self, obj) -> list[str]:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        freshness.content_changed(*self.cache_tags(obj))

    def delete_model(self, request, obj):
        freshness.content_changed(*self.cache_tags(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            freshness.content_changed(*self.cache_tags(obj))
        super().delete_queryset(request, queryset)


class BylineTagsMixin(PurgeOnSaveMixin):
    """Authors and people: their page, and every article naming them."""

    prefix = ""

    def cache_tags(self, obj):
        ids = obj.articles.values_list("pk", flat=True)
        return [f"{self.prefix}-{obj.pk}", *(f"article-{pk}" for pk in ids)]


@admin.register(Section)
class SectionAdmin(PurgeOnSaveMixin, PrefillMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "parent"]
    list_select_related = ["parent__parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "parent", "description", "position", "is_active"]

    def cache_tags(self, obj):
        return [freshness.SITE]  # the navigation and every breadcrumb


@admin.register(Author)
class AuthorAdmin(BylineTagsMixin, admin.ModelAdmin):
    prefix = "author"
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "role", "user", "email"]
    list_select_related = ["user"]
    search_fields = ["name", "slug", "role"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "role", "credentials", "user", "bio", "photo"]}),
        (_("Contatti e profili"), {"fields": ["email", "website_url", "x_url", "linkedin_url"]}),
    ]

    def has_change_permission(self, request, obj=None):
        # Journalists keep their own profile (bio, photo, links) up to date.
        if not super().has_change_permission(request, obj):
            return False
        return (
            obj is None
            or request.user.has_perm("articles.edit_any_article")
            or obj.user_id == request.user.pk
        )

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm("articles.edit_any_article"):
            return []
        return ["user"]

    def get_search_results(self, request, queryset, search_term):
        # The byline picker offers a journalist only the bylines she may use.
        if (
            request.path == reverse("admin:autocomplete")
            and request.GET.get("model_name") == "articleauthor"
            and not request.user.has_perm("articles.edit_any_article")
        ):
            queryset = queryset.filter(models.Q(user=request.user) | models.Q(user__isnull=True))
        return super().get_search_results(request, queryset, search_term)


@admin.register(Person)
class PersonAdmin(BylineTagsMixin, admin.ModelAdmin):
    prefix = "person"
    list_display = ["name", "role", "organisation"]
    search_fields = ["name", "organisation", "role"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "role", "organisation", "bio", "photo"]


@admin.register(Publisher)
class PublisherAdmin(PurgeOnSaveMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (_("Testata"), {"fields": ["site_name", "tagline", "logo"]}),
        (
            _("Dati legali dell'editore"),
            {
                "fields": [
                    "company_name",
                    "vat_number",
                    "registered_office",
                    "editor_in_chief",
                    "court_registration",
                ]
            },
        ),
        (
            _("Contatti e social"),
            {
                "fields": [
                    "phone",
                    "email",
                    "website_url",
                    "facebook_url",
                    "x_url",
                    "linkedin_url",
                ]
            },
        ),
        (
            _("Text and data mining e intelligenza artificiale"),
            {"fields": ["tdm_reservation", "tdm_policy_url", "ai_crawlers"]},
        ),
        (
            _("Firme prima della pubblicazione"),
            {"fields": ["require_medical_signoff", "require_director_signoff"]},
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Publisher.objects.exists()

    def cache_tags(self, obj):
        return [freshness.SITE]  # the masthead and footer

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(PurgeOnSaveMixin, PrefillMixin, admin.ModelAdmin):
    list_display = ["created_at", "article", "kind", "note"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    search_fields = ["note", "article__title"]
    date_hierarchy = "created_at"

    def cache_tags(self, obj):
        return [f"article-{obj.article_id}", "sitemap"]


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(PrefillMixin, admin.ModelAdmin):
    list_display = ["old_path", "article", "created_at"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    search_fields = ["old_path", "article__title"]


@admin.register(ArticleEvent)
class ArticleEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "article", "action_label", "user", "note"]
    list_filter = ["action"]
    list_select_related = ["article", "user"]
    search_fields = ["article__title", "note"]
    date_hierarchy = "created_at"

    @admin.display(description=_("azione"), ordering="action")
    def action_label(self, obj):
        return EVENT_LABELS.get(obj.action, obj.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from articles import admin_accounts  # noqa: E402, F401  (users and groups)
