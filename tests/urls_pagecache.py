from django.http import HttpResponse
from django.urls import path

from articles.models import Article
from sanita33.health import healthz

calls = {"count": 0}


def titles(request):
    calls["count"] += 1
    body = "|".join(Article.objects.published().values_list("title", flat=True))
    return HttpResponse(body)


def with_cookie(request):
    calls["count"] += 1
    response = HttpResponse("cookie")
    response.set_cookie("tracking", "1")
    return response


urlpatterns = [path("titles/", titles), path("cookie/", with_cookie), path("healthz", healthz)]
