"""Prometheus metrics: off by default, counted by view, read only by those allowed."""

import pytest
from prometheus_client import REGISTRY, CollectorRegistry, Counter, values

from core import metrics

TOKEN = "metrics-token-0123456789"


def requests_counted(view: str, status: str = "200") -> float:
    labels = {"view": view, "method": "GET", "status": status}
    return REGISTRY.get_sample_value("django_http_requests_total", labels) or 0.0


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = ""
    return settings


def test_metrics_are_not_found_when_off(client, db):
    response = client.get("/metrics")

    assert response.status_code == 404


def test_requests_are_not_counted_when_off(client, db):
    before = requests_counted("core:healthz")

    client.get("/healthz")

    assert requests_counted("core:healthz") == before


def test_requests_are_counted_and_timed_by_view_when_on(client, db, metrics_on):
    before = requests_counted("core:healthz")
    unresolved = requests_counted(metrics.UNRESOLVED, "404")

    client.get("/healthz")
    client.get("/no/such/page/")

    assert requests_counted("core:healthz") == before + 1
    assert requests_counted(metrics.UNRESOLVED, "404") == unresolved + 1
    assert REGISTRY.get_sample_value(
        "django_http_request_duration_seconds_count", {"view": "core:healthz"}
    )


def test_database_queries_are_counted_when_on(client, db, metrics_on):
    before = (
        REGISTRY.get_sample_value("django_db_queries_total", {"alias": "default"})
        or 0.0
    )

    client.get("/readyz")

    after = REGISTRY.get_sample_value("django_db_queries_total", {"alias": "default"})
    assert after >= before + 1


def test_loopback_reads_metrics_without_a_token(client, db, metrics_on):
    client.get("/healthz")

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert (
        b'django_http_requests_total{method="GET",status="200",view="core:healthz"}'
        in (response.content)
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": "203.0.113.9"},
        # A proxy on the same machine is loopback too, but forwards others.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
        {"REMOTE_ADDR": "::1", "HTTP_X_REAL_IP": "203.0.113.9"},
    ],
)
def test_others_may_not_read_metrics_without_a_token(client, db, metrics_on, headers):
    response = client.get("/metrics", **headers)

    assert response.status_code == 403
    assert b"django_http_requests_total" not in response.content


def test_with_a_token_only_its_bearer_reads_metrics(client, db, metrics_on):
    metrics_on.METRICS_TOKEN = TOKEN

    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    loopback_without = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    right = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )

    assert wrong.status_code == loopback_without.status_code == 403
    assert right.status_code == 200
    assert b"django_http_requests_total" in right.content


def test_metrics_refusals_are_logged_as_security_events(client, db, metrics_on, caplog):
    client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert [r.event for r in caplog.records if r.name == "security"] == [
        "permission_denied"
    ]


def test_multiprocess_mode_adds_up_every_workers_files(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    # What two gunicorn workers do with the directory set: each writes its own
    # counts to a file named by its pid.
    for pid, jobs in ((7001, 3), (7002, 4)):
        monkeypatch.setattr(
            values,
            "ValueClass",
            values.MultiProcessValue(process_identifier=lambda pid=pid: pid),
        )
        Counter("worker_jobs_total", "test", registry=CollectorRegistry()).inc(jobs)

    body, _ = metrics.exposition()

    assert b"worker_jobs_total 7.0" in body
