import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from core.notifications import notify


def test_notify_sends_the_mail_and_says_so():
    sent = notify(subject="Your answers", body="They are ready.", to="a@example.org")

    assert sent is True
    (message,) = mail.outbox
    assert message.subject == "Your answers"
    assert message.body == "They are ready."
    assert message.to == ["a@example.org"]
    assert message.from_email == "Back Care Directory <no-reply@backcare.example>"


def test_notify_to_an_empty_address_sends_nothing():
    assert notify(subject="Your answers", body="They are ready.", to="") is False
    assert mail.outbox == []


@pytest.mark.parametrize(
    "error",
    [ConnectionRefusedError(111, "Connection refused"), smtplib.SMTPException("421")],
    ids=["server-down", "server-refuses"],
)
def test_a_mail_outage_is_logged_and_reported_never_raised(monkeypatch, caplog, error):
    def fail(self, messages):
        raise error

    monkeypatch.setattr(EmailBackend, "send_messages", fail)

    with caplog.at_level(logging.WARNING, logger="core.notifications"):
        sent = notify(subject="Your answers", body="Ready.", to="a@example.org")

    assert sent is False
    assert mail.outbox == []
    (record,) = caplog.records
    assert record.getMessage() == "Could not send 'Your answers' to a@example.org"
    assert record.exc_info[1] is error
