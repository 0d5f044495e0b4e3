"""The admin site whose home page is the newsroom's desk.

Installed through `DeskAdminConfig` in INSTALLED_APPS (Django's documented way
to replace the default site), so every `admin.site.register` keeps working.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path


class DeskAdminSite(admin.AdminSite):
    index_template = "desk/home.html"

    def index(self, request, extra_context=None):
        from desk.home import desk_home

        return super().index(request, {**desk_home(user=request.user), **(extra_context or {})})

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
