"""The site plus two staff endpoints used by the scale-out check: publish, enqueue."""

import os

from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tasks import task

from articles.models import Article
from sanita33.urls import urlpatterns as site_urlpatterns


@task()
def record_run(marker: str, log_path: str) -> int:
    """Append one line per execution, so a double run would show."""
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"{marker} {os.getpid()}\n")
    return os.getpid()


@require_POST
@staff_member_required
def publish(request, pk):
    article = get_object_or_404(Article, pk=pk)
    article.status = Article.Status.PUBLISHED
    article.publish_at = article.first_published_at = timezone.now()
    article.save()
    return JsonResponse({"url": article.get_absolute_url()})


@require_POST
@staff_member_required
def enqueue(request):
    result = record_run.enqueue(marker=request.POST["marker"], log_path=request.POST["log"])
    return JsonResponse({"id": str(result.id)})


urlpatterns = [
    path("scaleout/publish/<int:pk>/", publish),
    path("scaleout/enqueue/", enqueue),
    *site_urlpatterns,
]
