"""Log-in lockout (django-axes) and the limits on mail-sending forms (issue 13,
points 1 and 3)."""

import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.accounts.helpers import PASSWORD, field_error, logged_in_user_id

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
ADMIN_LOGIN_URL = reverse("admin:login")
SIGNUP_URL = reverse("accounts:signup")
RESET_URL = reverse("password_reset")
RESEND_URL = reverse("accounts:resend")
LOCKED = "Too many failed log-ins. Please try again in 15 minutes."
LIMITED = "Too many attempts. Please try again in"


def log_in(client, email, password=PASSWORD, ip="203.0.113.5", url=LOGIN_URL):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail_times(client, n, email="imani@example.org", **kwargs):
    return [log_in(client, email, "not-my-password", **kwargs) for _ in range(n)]


@pytest.fixture
def hashes(monkeypatch):
    """Every password hash computed: checking a password and making one (as
    ModelBackend does for an unknown account) each encode once."""
    calls = []
    original = MD5PasswordHasher.encode

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


# --- point 1: log-in lockout ----------------------------------------------------


def test_four_wrong_passwords_still_let_the_right_one_in(client):
    user = factories.make_account("imani@example.org")
    for response in fail_times(client, 4):
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    assert log_in(client, "imani@example.org").status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_the_fifth_wrong_password_locks_the_account_with_the_wait_on_the_form(client):
    factories.make_account("imani@example.org")
    *_, fifth = fail_times(client, 5)
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert LOCKED in html
    assert 'name="password"' in html  # the form, with the message on it

    right = log_in(client, "imani@example.org")
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert logged_in_user_id(client) is None


def test_the_account_is_locked_whichever_address_the_attempts_come_from(client):
    factories.make_account("imani@example.org")
    factories.make_account("other@example.org")
    for n in range(5):
        log_in(client, "imani@example.org", "not-my-password", ip=f"198.51.100.{n}")
    assert log_in(client, "imani@example.org", ip="192.0.2.1").status_code == 429
    # Someone else from that address still gets in.
    assert log_in(client, "other@example.org", ip="192.0.2.1").status_code == 302


def test_one_address_guessing_many_accounts_is_locked_out(client):
    factories.make_account("other@example.org")
    for n in range(5):
        log_in(client, f"guess{n}@example.org", "not-my-password", ip="203.0.113.9")
    assert log_in(client, "other@example.org", ip="203.0.113.9").status_code == 429
    assert log_in(client, "other@example.org", ip="192.0.2.1").status_code == 302


def test_no_password_is_hashed_while_locked(client, hashes):
    factories.make_account("imani@example.org")
    hashes.clear()
    fail_times(client, 5)
    assert len(hashes) == 5  # one per attempt until the lockout
    hashes.clear()
    fail_times(client, 20)
    log_in(client, "imani@example.org")
    log_in(client, "nobody@example.org")
    assert hashes == []


def test_the_lock_ends_after_the_cool_off(client):
    from axes.models import AccessAttempt

    user = factories.make_account("imani@example.org")
    fail_times(client, 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, "imani@example.org").status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_the_wait_counts_down_from_the_last_failure(client):
    from axes.models import AccessAttempt

    factories.make_account("imani@example.org")
    fail_times(client, 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14)
    )
    response = log_in(client, "imani@example.org")
    assert "Please try again in 1 minute." in response.content.decode()


def test_the_admin_log_in_is_locked_too(client, hashes):
    staff = factories.make_user(username="staffer", is_staff=True, is_superuser=True)
    responses = fail_times(client, 5, email="staffer", url=ADMIN_LOGIN_URL)
    assert responses[-1].status_code == 429
    assert LOCKED in responses[-1].content.decode()
    hashes.clear()
    right = log_in(client, "staffer", url=ADMIN_LOGIN_URL)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert hashes == []
    assert logged_in_user_id(client) is None
    staff.refresh_from_db()
    assert staff.last_login is None


def test_public_and_admin_log_ins_count_together(client):
    factories.make_account("imani@example.org")
    fail_times(client, 3)
    fail_times(client, 2, url=ADMIN_LOGIN_URL)
    assert log_in(client, "imani@example.org").status_code == 429


def test_every_lockout_is_logged_as_a_security_event(client, caplog):
    factories.make_account("imani@example.org")
    with caplog.at_level(logging.WARNING, logger="security"):
        fail_times(client, 4)
        assert not [r for r in caplog.records if r.name == "security"]
        fail_times(client, 2)
    events = [r for r in caplog.records if r.name == "security"]
    assert [r.event for r in events] == ["login_locked_out", "login_locked_out"]
    assert events[0].path == LOGIN_URL
    assert "imani" not in events[0].getMessage()


def test_the_owner_lifts_a_lock_on_their_account_by_resetting_the_password(client):
    """Someone guessing at an address from other IPs cannot keep its owner out:
    the reset link proves the mailbox, and setting a new password unlocks."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = factories.make_account("imani@example.org")
    for n in range(5):
        log_in(client, "imani@example.org", "guess", ip=f"198.51.100.{n}")
    assert log_in(client, "imani@example.org").status_code == 429

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    form_page = client.get(
        reverse("password_reset_confirm", args=[uid, token]), follow=True
    )
    new_password = "a-fresh-staple-lamp-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302

    assert log_in(client, "imani@example.org", new_password).status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_case_and_spaces_do_not_dodge_the_account_lock(client):
    factories.make_account("imani@example.org")
    for n, email in enumerate(["IMANI@example.org", " imani@Example.org"]):
        log_in(client, email, "not-my-password", ip=f"198.51.100.{n}")
    fail_times(client, 3, email="Imani@EXAMPLE.org ", ip="198.51.100.9")
    assert log_in(client, "imani@example.org", ip="192.0.2.1").status_code == 429


# --- point 3: sign-up, password reset and resend are limited ---------------------


def signup_data(email):
    return {
        "first_name": "Imani",
        "last_name": "Okafor",
        "email": email,
        "role": "client",
        "password1": "lantern-orchard-47",
        "password2": "lantern-orchard-47",
    }


def test_sign_ups_from_one_address_are_limited(client):
    users = get_user_model().objects
    for n in range(5):
        client.post(SIGNUP_URL, signup_data(f"person{n}@example.org"))
    assert users.count() == 5
    response = client.post(SIGNUP_URL, signup_data("sixth@example.org"))
    assert response.status_code == 200
    assert LIMITED in response.content.decode()
    assert users.count() == 5
    assert len(mail.outbox) == 5
    # Another IP may still sign up.
    client.post(SIGNUP_URL, signup_data("sixth@example.org"), REMOTE_ADDR="192.0.2.1")
    assert users.filter(email="sixth@example.org").exists()


def test_invalid_sign_ups_do_not_use_up_the_limit(client):
    for _ in range(8):
        client.post(SIGNUP_URL, {**signup_data("x@example.org"), "password2": "other"})
    client.post(SIGNUP_URL, signup_data("person@example.org"))
    assert get_user_model().objects.filter(email="person@example.org").exists()


def test_password_resets_for_one_address_are_limited_without_telling_who_exists(
    client,
):
    factories.make_account("imani@example.org")
    for n in range(3):
        response = client.post(
            RESET_URL, {"email": "imani@example.org"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
        assert response.status_code == 302
        client.post(
            RESET_URL, {"email": "nobody@example.org"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
    assert len(mail.outbox) == 3

    known = client.post(RESET_URL, {"email": "imani@example.org"})
    unknown = client.post(RESET_URL, {"email": "nobody@example.org"})
    assert len(mail.outbox) == 3
    assert known.status_code == unknown.status_code == 200
    assert LIMITED in field_error(known, "email")
    pages = [
        re.sub(
            r'name="csrfmiddlewaretoken" value="\w+"', "", r.content.decode()
        ).replace(email, "ADDRESS")
        for r, email in ((known, "imani@example.org"), (unknown, "nobody@example.org"))
    ]
    assert pages[0] == pages[1]


def test_password_resets_from_one_ip_are_limited(client):
    factories.make_account("imani@example.org")
    for n in range(10):
        client.post(RESET_URL, {"email": f"person{n}@example.org"})
    response = client.post(RESET_URL, {"email": "imani@example.org"})
    assert LIMITED in field_error(response, "email")
    assert mail.outbox == []


def test_confirmation_resends_for_one_address_are_limited(client):
    factories.make_account("waiting@example.org", is_active=False)
    for n in range(3):
        response = client.post(
            RESEND_URL, {"email": "waiting@example.org"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
        assert "Check your email" in response.content.decode()
    response = client.post(RESEND_URL, {"email": "Waiting@example.org"})
    assert LIMITED in field_error(response, "email")
    assert len(mail.outbox) == 3
    # The same answer for an address without an account.
    for _ in range(3):
        client.post(RESEND_URL, {"email": "nobody@example.org"}, REMOTE_ADDR="::1")
    response = client.post(RESEND_URL, {"email": "nobody@example.org"})
    assert LIMITED in field_error(response, "email")


def test_confirmation_resends_from_one_ip_are_limited(client):
    factories.make_account("waiting@example.org", is_active=False)
    for n in range(10):
        client.post(RESEND_URL, {"email": f"person{n}@example.org"})
    response = client.post(RESEND_URL, {"email": "waiting@example.org"})
    assert LIMITED in field_error(response, "email")
    assert mail.outbox == []
