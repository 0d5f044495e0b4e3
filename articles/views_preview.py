"""Previews of unpublished articles, exactly as readers will see them.

Staff open /anteprima/<pk>/ from the admin; a colleague without an account
opens a signed link that expires (articles/signing.py). Both subclass the
reader's article view and change only which articles it may show.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from articles import pages
from articles.models import Article
from articles.signing import PreviewLinkExpired, PreviewLinkInvalid, article_pk_from_token
from articles.views import ArticleDetailView


class _PreviewMixin:
    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)


class ArticlePreviewView(_PreviewMixin, ArticleDetailView):
    """Any article the staff member may see in the admin, whatever its status."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_active and user.is_staff and user.has_perm("articles.view_article")):
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return pages.full_page(Article.objects.visible_in_admin(self.request.user))


class ArticleSharedPreviewView(_PreviewMixin, ArticleDetailView):
    """The one article a signed link names, for anyone holding the link."""

    def get(self, request, *args, **kwargs):
        try:
            self.kwargs["pk"] = article_pk_from_token(kwargs["token"])
        except PreviewLinkExpired:
            return self._invalid(request, expired=True)
        except PreviewLinkInvalid:
            return self._invalid(request, expired=False)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return pages.full_page(Article.objects.all())

    def _invalid(self, request, *, expired: bool):
        response = render(
            request,
            "articles/preview_link_invalid.html",
            {"expired": expired},
            status=403 if expired else 404,
        )
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
