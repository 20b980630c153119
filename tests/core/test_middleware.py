"""Headers and staff idle time-out added by core.middleware (issue 13, point 11)."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ME_URL = reverse("accounts:me")


def test_every_page_sends_a_permissions_policy(client):
    for url in (reverse("home"), reverse("login"), reverse("therapists:list")):
        policy = client.get(url)["Permissions-Policy"]
        assert "camera=()" in policy
        assert "microphone=()" in policy
        assert "geolocation=()" in policy


def test_logged_in_pages_are_never_stored(client):
    client.force_login(factories.make_account())
    for url in (ME_URL, reverse("home"), reverse("therapists:list")):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_the_data_export_is_never_stored(client):
    client.force_login(factories.make_account())
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_visitors_may_be_stored(client):
    response = client.get(reverse("home"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_logging_in_answers_with_no_store(client):
    factories.make_account("imani@example.org")
    response = client.post(
        reverse("login"),
        {"username": "imani@example.org", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_logging_out_clears_the_site_data(client):
    client.force_login(factories.make_account())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "no-store" in response["Cache-Control"]


def test_a_visitor_posting_to_log_out_gets_no_clear_site_data(client):
    response = client.post(reverse("logout"))
    assert "Clear-Site-Data" not in response


def test_other_pages_do_not_clear_the_site_data(client):
    client.force_login(factories.make_account())
    assert "Clear-Site-Data" not in client.get(ME_URL)


def idle(client, seconds):
    session = client.session
    session["staff_last_seen"] = int(time.time()) - seconds
    session.save()


def test_a_staff_session_ends_after_the_idle_time(client):
    staff = factories.make_user(is_staff=True)
    client.force_login(staff)
    assert client.get(ME_URL).status_code == 200
    idle(client, settings.STAFF_SESSION_IDLE_SECONDS + 5)

    response = client.get(ME_URL, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    html = response.content.decode()
    assert "You were logged out after 30 minutes without activity." in html
    assert client.session.get("_auth_user_id") is None


def test_a_busy_staff_session_stays(client):
    staff = factories.make_user(is_staff=True)
    client.force_login(staff)
    client.get(ME_URL)
    idle(client, settings.STAFF_SESSION_IDLE_SECONDS - 60)
    assert client.get(ME_URL).status_code == 200
    assert client.session.get("_auth_user_id") == str(staff.pk)
    # The request counted as activity: the clock started again.
    assert client.session["staff_last_seen"] >= int(time.time()) - 5


def test_the_staff_idle_time_is_thirty_minutes():
    assert settings.STAFF_SESSION_IDLE_SECONDS == 30 * 60


def test_a_client_session_has_no_idle_limit(client):
    user = factories.make_account()
    client.force_login(user)
    client.get(ME_URL)
    idle(client, 10 * 60 * 60)
    assert client.get(ME_URL).status_code == 200
