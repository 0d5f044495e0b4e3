"""django-allauth's adapters: reader accounts only, never staff; TOTP under our CSP."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
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


class ReaderMFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        # Drawn inline in the page (templates/mfa/totp/activate_form.html): our CSP
        # allows no data: images. Without the XML declaration, which HTML does not know.
        svg = super().build_totp_svg(url)
        return svg[svg.index("<svg") :]
