"""Old article addresses keep working after a move (slug, section, WordPress)."""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect

from articles.models import ArticleRedirect


class ArticleRedirectFallbackMiddleware:
    """Answers a 404 whose path is a stored old address with a 301 to the article.

    Like django.contrib.redirects' RedirectFallbackMiddleware, it costs nothing
    on pages that exist: the lookup happens only after a 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        path = request.path
        if "\x00" in path:  # no stored address has one, and PostgreSQL cannot compare it
            return response
        candidates = {path, path.rstrip("/") if path.endswith("/") else path + "/"}
        redirect = (
            ArticleRedirect.objects.filter(old_path__in=candidates)
            .select_related("article__section")
            .order_by("-created_at")
            .first()
        )
        if redirect is None or not redirect.article.is_published():
            return response
        target = redirect.article.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            target = f"{target}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(target)
