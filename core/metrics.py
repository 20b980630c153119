"""Prometheus metrics, when settings.METRICS_ENABLED (DJANGO_METRICS=on).

Requests are counted and timed by view name (a fixed set, so a scanner's
made-up paths cannot grow the series), method and status; database queries are
counted and timed by alias. `/metrics` (core.views) serves them only to a
caller holding METRICS_TOKEN as a bearer token, or, when no token is set, only
to a direct caller on loopback (a proxy on the same host is not one: it sends
X-Forwarded-For).

Under gunicorn with several workers, each worker is a process with its own
counters: set PROMETHEUS_MULTIPROC_DIR to an empty directory, writable by the
workers, before gunicorn starts, and `exposition()` adds up every worker's
files (deploy/gunicorn.conf.py clears it on start and marks dead workers).
"""

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "django_http_requests_total",
    "Requests answered, by view, method and status.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "django_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERIES = Counter(
    "django_db_queries_total", "Database queries run, by alias.", ["alias"]
)
QUERY_ERRORS = Counter(
    "django_db_query_errors_total", "Database queries that raised, by alias.", ["alias"]
)
QUERY_SECONDS = Histogram(
    "django_db_query_duration_seconds",
    "Time of one database query, by alias.",
    ["alias"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5),
)
# Requests that matched no URL (404s for made-up paths) share one label.
UNRESOLVED = "<unresolved>"
# Headers a proxy adds: a request carrying one came through it, not from a
# process on this machine.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


class QueryMetrics:
    """connection.execute_wrapper: count and time each query of one alias."""

    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception:
            QUERY_ERRORS.labels(self.alias).inc()
            raise
        finally:
            QUERIES.labels(self.alias).inc()
            QUERY_SECONDS.labels(self.alias).observe(time.perf_counter() - started)


class MetricsMiddleware:
    """Count and time every request and its queries; not loaded when off."""

    def __init__(self, get_response):
        if not settings.METRICS_ENABLED:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        wrappers = [
            connections[alias].execute_wrapper(QueryMetrics(alias))
            for alias in connections
        ]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else UNRESOLVED
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(view).observe(time.perf_counter() - started)
        return response


def may_read(request: HttpRequest) -> bool:
    """Whether this caller may read /metrics (see the module's docstring)."""
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        expected = f"Bearer {token}"
        return hmac.compare_digest(sent.encode(), expected.encode())
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus's text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every worker's counters, not just this one's.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
