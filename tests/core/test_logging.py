"""Log lines: JSON on stderr, with request id and user id, nothing sensitive."""

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.urls import reverse

from core.logging import JsonFormatter
from tests import factories

ROOT = Path(__file__).resolve().parents[2]

# A production-like process (debug off) whose one page reads the form it is
# sent and then fails.
FAILING_SITE = textwrap.dedent(
    """
    import sys, types
    import django
    django.setup()
    from django.test import Client, override_settings
    from django.urls import include, path

    def fails(request):
        request.POST.get("password")
        raise RuntimeError("the page broke")

    urls = types.ModuleType("failing_urls")
    urls.urlpatterns = [path("fails/", fails), path("", include("directory.urls"))]
    sys.modules["failing_urls"] = urls
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        ROOT_URLCONF="failing_urls",
        STORAGES={"default": plain, "staticfiles": plain},
    ):
        response = Client(raise_request_exception=False).post(
            "/fails/?token=query-secret-token",
            {"password": "hunter2-password", "health": "my sciatica since 2019"},
            secure=True,
            HTTP_AUTHORIZATION="Bearer header-secret-token",
        )
    print(response.status_code, response["X-Request-ID"])
    """
)


def run_failing_site(tmp_path) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATA"))}
    result = subprocess.run(
        [sys.executable, "-c", FAILING_SITE],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "directory.settings",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout, result.stderr


def test_a_500_is_one_json_line_on_stderr_with_traceback_and_request_id(tmp_path):
    stdout, stderr = run_failing_site(tmp_path)
    status, request_id = stdout.split()

    assert status == "500"
    lines = [json.loads(line) for line in stderr.splitlines()]
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["message"] == "Internal Server Error: /fails/"
    assert error["request_id"] == request_id
    assert error["status_code"] == 500
    assert (error["method"], error["path"]) == ("POST", "/fails/")
    assert "user_id" in error
    assert "RuntimeError: the page broke" in error["traceback"]
    for secret in ("hunter2", "sciatica", "secret-token"):
        assert secret not in stderr


def format_record(**extra) -> dict:
    record = logging.makeLogRecord(
        {"name": "security", "levelname": "WARNING", "msg": "something", **extra}
    )
    return json.loads(JsonFormatter().format(record))


def test_sensitive_extras_are_masked_and_objects_left_out():
    line = format_record(
        event="login_locked",
        password="hunter2",
        token="abc123",
        body="my back hurts",
        request=object(),
        attempts=5,
    )
    assert line["event"] == "login_locked"
    assert line["attempts"] == 5
    assert line["password"] == line["token"] == line["body"] == "[masked]"
    assert "request" not in line


def test_tokens_in_confirmation_and_reset_paths_are_masked():
    line = format_record(
        msg="Bad Request: %s",
        args=("/accounts/confirm/MTI/cz8xyz-0123abcd/",),
        path="/accounts/reset/MTI/set-password/",
    )
    assert line["message"] == "Bad Request: /accounts/confirm/[masked]/[masked]/"
    assert "cz8xyz" not in json.dumps(line)


@pytest.mark.django_db
def test_a_refusal_is_a_security_event_with_request_and_user_id(client, caplog):
    user = factories.make_user(username="not-a-verifier", is_staff=True)
    client.force_login(user)

    response = client.get(
        reverse("verification:queue"), HTTP_X_REQUEST_ID="req-12345678"
    )

    assert response.status_code == 403
    assert response["X-Request-ID"] == "req-12345678"
    (refusal,) = [r for r in caplog.records if r.name == "security"]
    assert refusal.event == "permission_denied"
    line = json.loads(JsonFormatter().format(refusal))
    assert line["request_id"] == "req-12345678"
    assert line["user_id"] == user.pk
    assert line["path"] == reverse("verification:queue")


@pytest.mark.django_db
def test_every_response_names_its_request_id(client):
    first = client.get(reverse("home"))["X-Request-ID"]
    second = client.get(reverse("home"))["X-Request-ID"]
    assert len(first) == 32
    assert first != second
