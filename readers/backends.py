"""django-allauth's authentication backend, loading a reader with their profile.

The reserved body (readers/views.py reserved_body) is the one request a reader
sends to the site for a cached page, and it asks whether the reader's profile is
verified: reading the profile in the same query as the user saves a round trip
on every one of them.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model


class ReaderAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model.objects.select_related("professional_profile").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
