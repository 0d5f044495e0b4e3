from django.http import JsonResponse
from django.urls import path

from tests.sample_tasks import report_pid


def enqueue(request):
    result = report_pid.enqueue(marker=request.GET.get("marker", ""))
    return JsonResponse({"id": str(result.id)})


urlpatterns = [path("enqueue/", enqueue)]
