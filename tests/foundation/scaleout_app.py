"""The site plus a staff endpoint that enqueues a task, for the scale-out check."""

import os

from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST
from django_tasks import task

from sanita33.urls import urlpatterns as site_urlpatterns


@task()
def record_run(marker: str, log_path: str) -> int:
    """Append one line per execution, so a double run would show."""
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"{marker} {os.getpid()}\n")
    return os.getpid()


@require_POST
@staff_member_required
def enqueue(request):
    result = record_run.enqueue(marker=request.POST["marker"], log_path=request.POST["log"])
    return JsonResponse({"id": str(result.id)})


urlpatterns = [
    path("scaleout/enqueue/", enqueue),
    *site_urlpatterns,
]
