"""Staff accounts and groups in the admin: Italian permission names, a byline per journalist."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.utils.translation import gettext as _

from articles import services

ACTIONS = {"add": "aggiungere", "change": "modificare", "delete": "eliminare", "view": "vedere"}


class PermissionField(forms.ModelMultipleChoiceField):
    """«Redazione · articolo: può modificare» instead of the stored «Can change articolo»."""

    def label_from_instance(self, obj: Permission) -> str:
        model = obj.content_type.model_class()
        app = model._meta.app_config.verbose_name if model else obj.content_type.app_label
        what = model._meta.verbose_name if model else obj.content_type.model
        action, _sep, rest = obj.codename.partition("_")
        if action in ACTIONS and model is not None and rest == model._meta.model_name:
            name = _("può %(action)s") % {"action": ACTIONS[action]}
        else:
            name = obj.name
        return f"{app} · {what}: {name}"


def permissions_field(db_field, **kwargs):
    return PermissionField(
        queryset=Permission.objects.select_related("content_type"),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple(db_field.verbose_name, is_stacked=False),
        label=db_field.verbose_name.capitalize(),
        help_text=db_field.help_text,
    )


class NewsroomGroupAdmin(GroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            return permissions_field(db_field)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class NewsroomUserAdmin(UserAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "user_permissions":
            return permissions_field(db_field)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A staff account comes with its byline, ready for the first article.
        if obj.is_staff:
            services.author_for_user(obj)


for model, model_admin in [(Group, NewsroomGroupAdmin), (User, NewsroomUserAdmin)]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
