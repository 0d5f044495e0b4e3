from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 otherwise (for load balancers).

    A shared cache that does not answer makes the status "degraded" but still
    200: pages are then built from the database (edgecache/redis.py), and
    taking every web process out of rotation would turn that into an outage.
    """
    cache_ok = cache.ping() if hasattr(cache, "ping") else True  # local memory always answers
    cache_state = "ok" if cache_ok else "unavailable"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, RuntimeError):
        return JsonResponse(
            {"status": "error", "database": "unavailable", "cache": cache_state}, status=503
        )
    return JsonResponse(
        {"status": "ok" if cache_ok else "degraded", "database": "ok", "cache": cache_state}
    )
