"""What deploy/cluster.py hands its processes: nginx's configuration and the
environment, checked without starting anything (tests/cluster/ starts it)."""

import re

import pytest

from deploy.cluster import Cluster


@pytest.fixture
def cluster(tmp_path):
    made = Cluster(run_dir=tmp_path, port=8123, app_ports=(8124, 8125))
    yield made
    made.stop()


def test_nginx_config_has_every_placeholder_filled_in(cluster, tmp_path):
    config = cluster.nginx_config()

    assert re.findall(r"@[A-Z_]+@", config) == []
    assert "listen 127.0.0.1:8123;" in config
    for upstream in ("readers", "writers"):
        block = re.search(rf"upstream {upstream} \{{(.*?)\}}", config, re.S).group(1)
        assert "server 127.0.0.1:8124 " in block
        assert "server 127.0.0.1:8125 " in block
    assert f"pid {tmp_path}/nginx/nginx.pid;" in config


def test_writes_are_never_passed_on_once_sent(cluster):
    config = cluster.nginx_config()

    assert "default writers;" in config
    (retries,) = re.findall(r"^\s*proxy_next_upstream ([^;]*);", config, re.M)
    assert "non_idempotent" not in retries


def test_every_process_runs_the_site_as_in_production_on_loopback(cluster):
    environment = cluster.environment()

    assert environment["DJANGO_DEBUG"] == "0"
    assert environment["DJANGO_SECURE_SSL_REDIRECT"] == "0"
    assert (
        environment["DJANGO_SECRET_KEY"] == cluster.environment()["DJANGO_SECRET_KEY"]
    )
    assert environment["DATABASE_URL"].endswith("/backcare_cluster")
    assert environment["REDIS_URL"] == "redis://127.0.0.1:6379/13"
    assert environment["DJANGO_SMTP_PORT"] == str(cluster.sink.port)
    assert environment["DJANGO_SITE_ADDRESS"] == "http://127.0.0.1:8123"
    assert environment["DJANGO_TRUSTED_PROXIES"] == "127.0.0.1"
    assert environment["DJANGO_S3_ENDPOINT_URL"] == cluster.s3_endpoint


def test_nginx_takes_the_largest_body_any_page_accepts(cluster, settings):
    """A smaller proxy limit would turn the roster upload into nginx's bare 413,
    with no message next to the field."""
    (limit,) = re.findall(r"client_max_body_size (\d+)m;", cluster.nginx_config())
    largest = max(
        settings.REQUEST_BODY_MAX_BYTES, *settings.UPLOAD_BODY_MAX_BYTES.values()
    )
    assert int(limit) * 1024 * 1024 >= largest
