"""The verification queue, the audit log of decisions, and register extracts."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from readers import services, views
from readers.forms import DecisionForm, RegisterUploadForm
from readers.models import ProfessionalProfile, RegisterEntry, VerificationDecision


class DecisionInline(admin.TabularInline):
    model = VerificationDecision
    extra = 0
    can_delete = False
    fields = ["decided_at", "state", "method", "decided_by", "evidence", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProfessionalProfile)
class ProfessionalProfileAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "province",
        "registration_number",
        "state",
        "declared_at",
        "has_document",
    ]
    list_filter = ["state", "profession"]
    search_fields = ["last_name", "first_name", "registration_number", "user__email"]
    date_hierarchy = "declared_at"
    list_select_related = ["user"]
    inlines = [DecisionInline]
    readonly_fields = [
        "user",
        "first_name",
        "last_name",
        "profession",
        "province",
        "registration_number",
        "self_declaration",
        "state",
        "declared_at",
        "decided_at",
        "verified_until",
        "document_link",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    @admin.display(description="documento", boolean=True)
    def has_document(self, obj):
        return bool(obj.document)

    @admin.display(description="documento")
    def document_link(self, obj):
        if not obj.document:
            return "—"
        url = reverse("admin:readers_professionalprofile_document", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">Apri il documento</a>', url)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/decidi/",
                self.admin_site.admin_view(self.decide_view),
                name="readers_professionalprofile_decide",
            ),
            path(
                "<int:pk>/documento/",
                self.admin_site.admin_view(views.document),
                name="readers_professionalprofile_document",
            ),
        ]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        counts = dict(
            ProfessionalProfile.objects.values_list("state").annotate(n=Count("id")).order_by()
        )
        extra_context = {
            **(extra_context or {}),
            "title": "Verifica degli operatori sanitari — da verificare: "
            f"{counts.get(ProfessionalProfile.State.DECLARED, 0)}",
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "decide_url": reverse("admin:readers_professionalprofile_decide", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, pk):
        if not request.user.has_perm("readers.verify_professional"):
            raise PermissionDenied
        profile = get_object_or_404(ProfessionalProfile.objects.select_related("user"), pk=pk)
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.profile_decide(
                    profile=profile,
                    state=form.cleaned_data["state"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                profile.refresh_from_db()
                self.message_user(
                    request,
                    f"{profile.full_name}: {profile.get_state_display().lower()}.",
                    messages.SUCCESS,
                )
                return redirect("admin:readers_professionalprofile_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Decidi la verifica di {profile.full_name}",
            "profile": profile,
            "form": form,
            "opts": self.opts,
            "document_url": (
                reverse("admin:readers_professionalprofile_document", args=[pk])
                if profile.document
                else ""
            ),
        }
        return render(request, "admin/readers/decide.html", context)


@admin.register(VerificationDecision)
class VerificationDecisionAdmin(admin.ModelAdmin):
    """The audit log: read only, kept when staff accounts change."""

    list_display = ["decided_at", "profile", "state", "method", "decided_by"]
    list_filter = ["state", "method"]
    search_fields = ["profile__last_name", "profile__registration_number"]
    list_select_related = ["profile", "decided_by"]
    date_hierarchy = "decided_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegisterEntry)
class RegisterEntryAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "profession",
        "province",
        "registration_number",
        "source",
        "imported_at",
    ]
    list_filter = ["profession", "province", "source"]
    search_fields = ["last_name", "registration_number"]
    change_list_template = "admin/readers/registerentry/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        own = [
            path(
                "carica/",
                self.admin_site.admin_view(self.upload_view),
                name="readers_registerentry_upload",
            )
        ]
        return own + super().get_urls()

    def upload_view(self, request):
        if not request.user.has_perm("readers.verify_professional"):
            raise PermissionDenied
        form = RegisterUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["extract"]
            try:
                result = services.register_import(
                    data=upload.read(), source=upload.name, by=request.user
                )
            except ValidationError as error:
                form.add_error("extract", error)
            else:
                self.message_user(
                    request,
                    f"Estratto caricato: {result.entries} iscritti; "
                    f"profili verificati ora: {result.verified}.",
                    messages.SUCCESS,
                )
                return redirect("admin:readers_registerentry_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Carica un estratto dell'albo",
            "form": form,
            "opts": self.opts,
        }
        return render(request, "admin/readers/upload.html", context)
