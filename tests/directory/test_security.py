import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def deploy_check(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_deploy_check_passes_with_debug_off_and_a_real_key():
    result = deploy_check({"DJANGO_SECRET_KEY": secrets.token_urlsafe(60)})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_the_development_key():
    result = deploy_check({})
    assert result.returncode != 0
    assert "security.W009" in result.stderr  # the django-insecure- key


@pytest.fixture
def pages(db):
    therapist = factories.make_therapist()
    factories.make_credential(therapist)
    factories.make_review(therapist)
    factories.make_location(therapist)
    return [
        reverse("home"),
        reverse("how-we-rank"),
        reverse("therapists:list"),
        reverse("therapists:list") + "?near=00000&radius=-3",
        therapist.get_absolute_url(),
    ]


def test_every_page_sends_a_strict_content_security_policy(client, pages):
    for url in pages:
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy  # plus a nonce when a page needs one
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy


def test_pages_carry_no_inline_script_or_style(client, pages):
    for url in pages:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            # A JSON-LD data block is never run (the profile's schema.org).
            data_block = 'type="application/ld+json"' in tag
            assert data_block or "src=" in tag or "nonce=" in tag, (url, tag)
        assert not re.search(r"<style\b", html), url
        assert not re.search(r"\sstyle=", html), url


def test_static_assets_are_local(client, pages):
    for url in pages:
        html = client.get(url).content.decode()
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not ref.startswith(("http://", "https://", "//")), (url, ref)


def cookie_names(env: dict) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "directory.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_cookies_carry_the_host_prefix_when_served_over_https():
    assert cookie_names({}) == ["__Host-sessionid", "__Host-csrftoken"]


def test_development_over_plain_http_keeps_the_plain_cookie_names():
    assert cookie_names({"DJANGO_DEBUG": "1"}) == ["sessionid", "csrftoken"]


def test_logging_in_sets_the_host_prefixed_session_cookie(client, db):
    factories.make_account("imani@example.org")
    response = client.post(
        reverse("login"),
        {"username": "imani@example.org", "password": "correct-horse-battery"},
    )
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


def test_a_message_to_a_visitor_travels_in_a_host_prefixed_cookie(client, db):
    therapist = factories.make_therapist()

    response = client.post(reverse("shortlist:toggle", args=[therapist.slug]))

    assert "messages" not in response.cookies
    cookie = response.cookies["__Host-messages"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    page = client.get(response["Location"], secure=True)
    assert "is on your shortlist" in page.content.decode()
