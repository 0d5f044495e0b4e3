"""django-allauth's adapter: reader accounts only, never staff."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied


class ReaderAccountAdapter(DefaultAccountAdapter):
    def pre_login(self, request, user, **kwargs):
        # The newsroom signs in at the admin, with its own lock-out (django-axes).
        if user.is_staff or user.is_superuser:
            raise PermissionDenied(
                "Gli account della redazione accedono dall'area riservata alla redazione."
            )
        return super().pre_login(request, user, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.is_staff = False
        user.is_superuser = False
        if commit:
            user.save()
        return user
