"""The admin site whose home page is the newsroom's desk.

Installed through `DeskAdminConfig` in INSTALLED_APPS (Django's documented way
to replace the default site), so every `admin.site.register` keeps working.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.template.response import TemplateResponse
from django.urls import path


class DeskAdminSite(admin.AdminSite):
    index_template = "desk/home.html"

    def index(self, request, extra_context=None):
        from desk.home import desk_home

        context = self.each_context(request)
        # The stock index builds the app list twice (here and in each_context).
        context.update(
            title=self.index_title,
            subtitle=None,
            app_list=context["available_apps"],
            **desk_home(user=request.user),
            **(extra_context or {}),
        )
        request.current_app = self.name
        return TemplateResponse(request, self.index_template, context)

    def get_urls(self):
        from desk import views

        desk_urls = [
            path("scrivania/calendario/", self.admin_view(views.calendar), name="desk-calendar"),
            path(
                "scrivania/notifiche/",
                self.admin_view(views.notifications),
                name="desk-notifications",
            ),
            path(
                "scrivania/notifiche/<int:notification_id>/",
                self.admin_view(views.notification_open),
                name="desk-notification-open",
            ),
            path(
                "scrivania/articoli/<int:article_id>/commenti/",
                self.admin_view(views.comments),
                name="desk-comments",
            ),
            path(
                "scrivania/commenti/<int:comment_id>/risolvi/",
                self.admin_view(views.comment_resolve),
                name="desk-comment-resolve",
            ),
            path(
                "scrivania/autosalvataggio/", self.admin_view(views.autosave), name="desk-autosave"
            ),
            path(
                "scrivania/autosalvataggio/scarta/",
                self.admin_view(views.autosave_discard),
                name="desk-autosave-discard",
            ),
        ]
        return desk_urls + super().get_urls()


class DeskAdminConfig(AdminConfig):
    """django.contrib.admin with DeskAdminSite as `admin.site`."""

    default_site = "desk.sites.DeskAdminSite"
