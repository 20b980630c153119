"""Sign-up when the mail server is down: the account is made and the page says
the link can be sent again (core.notifications logs the failure)."""

import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Imani",
    "last_name": "Okafor",
    "email": "imani@example.org",
    "role": "therapist",
    "password1": "lantern-orchard-47",
    "password2": "lantern-orchard-47",
}


@pytest.mark.parametrize(
    "error",
    [TimeoutError("timed out"), smtplib.SMTPServerDisconnected("gone")],
    ids=["server-hangs", "server-drops"],
)
def test_sign_up_with_mail_down_succeeds_and_offers_to_resend(
    client, monkeypatch, caplog, error
):
    def fail(self, messages):
        raise error

    monkeypatch.setattr(EmailBackend, "send_messages", fail)

    response = client.post(reverse("accounts:signup"), SIGNUP)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Check your email" in page
    assert "send the link again" in page
    assert reverse("accounts:resend") in page
    assert get_user_model().objects.filter(email="imani@example.org").exists()
    assert mail.outbox == []
    assert "Could not send 'Confirm your email" in caplog.text
