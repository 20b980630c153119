"""Endpoints for machines: liveness and readiness probes, Prometheus metrics."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import health, metrics


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Alive: answers without touching the database, the cache or the session."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: every readiness check passes (503 naming the failed checks if not)."""
    checks = health.run_checks()
    ok = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks},
        status=200 if ok else 503,
    )


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics: only when on, and only to those allowed."""
    if not settings.METRICS_ENABLED:
        raise Http404
    if not metrics.may_read(request):
        response = HttpResponse("Forbidden", status=403, content_type="text/plain")
        response["WWW-Authenticate"] = "Bearer"
        return response
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
