"""Tells the edge which signed-in visitors are readers.

Our VCL (deploy/varnish) passes every request with a session cookie to the site,
staff included, except when `s33_lettore=1` is also present: then the page is
the cached public one and only the reserved body (an ESI fragment) reaches the
site with the reader's session. The marker grants nothing by itself: the
fragment view checks the session.
"""

from django.conf import settings

READER_COOKIE = "s33_lettore"


class ReaderMarkerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only visitors with a session (or one changed now: login, logout) or the marker:
        # the others' pages stay free of session reads and of `Vary: Cookie`.
        marked = request.COOKIES.get(READER_COOKIE) == "1"
        session = getattr(request, "session", None)
        if not (
            marked
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or (session is not None and session.modified)
        ):
            return response
        user = getattr(request, "user", None)
        reader = user is not None and user.is_authenticated and not user.is_staff
        if reader and not marked:
            response.set_cookie(
                READER_COOKIE,
                "1",
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif marked and not reader:
            response.delete_cookie(READER_COOKIE, samesite="Lax")
        return response
