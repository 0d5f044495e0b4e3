"""Assignments in the admin: editors plan, journalists see theirs and start writing."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from desk import services
from desk.home import is_editor
from desk.models import Assignment


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    change_form_template = "desk/assignment_change_form.html"
    list_display = ["title", "section", "assignee_name", "due", "state_label", "article_link"]
    list_filter = ["state", "section", "assignee", "due_at"]
    list_select_related = ["section__parent", "assignee", "article"]
    search_fields = ["title", "notes"]
    date_hierarchy = "due_at"
    autocomplete_fields = ["section"]
    fields = ["title", "section", "assignee", "due_at", "notes", "state", "article_link"]
    readonly_fields = ["article_link"]

    def get_readonly_fields(self, request, obj=None):
        if is_editor(request.user):
            return self.readonly_fields
        # Journalists keep their notes and progress; editors decide what, who and when.
        return ["title", "section", "assignee", "due_at", "article_link"]

    def has_add_permission(self, request):
        return is_editor(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or is_editor(request.user):
            return allowed
        return allowed and obj.assignee_id == request.user.pk

    @admin.display(description=_("assegnata a"), ordering="assignee__first_name")
    def assignee_name(self, obj):
        if obj.assignee is None:
            return "—"
        return obj.assignee.get_full_name() or obj.assignee.get_username()

    @admin.display(description=_("consegna"), ordering="due_at")
    def due(self, obj):
        when = date_format(timezone.localtime(obj.due_at), "D j F, H:i").lower()
        if obj.is_open() and obj.due_at < timezone.now():
            return format_html('{} · <strong class="desk-late">{}</strong>', when, _("in ritardo"))
        return when

    @admin.display(description=_("stato"), ordering="state")
    def state_label(self, obj):
        if obj.article_id and obj.article.status == Article.Status.PUBLISHED:
            return _("uscita") if obj.article.is_published() else _("programmata")
        return obj.get_state_display()

    @admin.display(description=_("articolo"))
    def article_link(self, obj):
        if obj is None or not obj.article_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[obj.article_id]),
            obj.article.title,
        )

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("assignee") if change else None
        services.assignment_save(assignment=obj, by=request.user, previous_assignee_id=previous)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/scrivi/",
                self.admin_site.admin_view(self.start_article_view),
                name="desk_assignment_start",
            ),
            *super().get_urls(),
        ]

    def start_article_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        assignment = get_object_or_404(Assignment, pk=object_id)
        if not self.has_change_permission(request, assignment):
            raise PermissionDenied
        created = assignment.article_id is None
        article = services.assignment_start_article(assignment=assignment, by=request.user)
        if created:
            self.message_user(
                request,
                _("Bozza creata dall'incarico: buon lavoro."),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
