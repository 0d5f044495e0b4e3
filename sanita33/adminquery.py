"""NUL bytes in the admin's query string answer 400, not 500.

The changelist turns query parameters into list-filter lookups, and PostgreSQL
refuses NUL in text (psycopg raises DataError while the list is read, past the
point where the admin turns bad lookups into its «?e=1» page). Nothing
legitimate carries a NUL; public pages clean their own parameters.
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation


class AdminQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise SuspiciousOperation("NUL byte in an admin query parameter")
        return None
