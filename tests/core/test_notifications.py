import logging
import smtplib
import socket
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from core.notifications import notify

# notify() stores the mail before the task sends it.
pytestmark = pytest.mark.django_db


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


# --- after the commit, never waiting forever ----------------------------------


def test_mail_waits_for_the_commit_and_is_not_sent_if_the_change_rolls_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(subject="Committed", body="Saved.", to="a@example.org")
            assert mail.outbox == []  # not while the change is uncommitted
    assert [m.subject for m in mail.outbox] == ["Committed"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(subject="Rolled back", body="Lost.", to="a@example.org")
            raise RuntimeError("the change failed")
    assert callbacks == []
    assert [m.subject for m in mail.outbox] == ["Committed"]


def test_an_unexpected_error_while_sending_is_logged_never_raised(monkeypatch, caplog):
    def fail(self, messages):
        raise UnicodeEncodeError("ascii", "é", 0, 1, "no")

    monkeypatch.setattr(EmailBackend, "send_messages", fail)
    with caplog.at_level(logging.WARNING, logger="core.notifications"):
        sent = notify(subject="Your answers", body="Ready.", to="a@example.org")
    assert sent is False
    assert len(caplog.records) == 1


@pytest.fixture
def silent_smtp_server():
    """A mail server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_a_mail_server_that_never_answers_gives_up_after_the_timeout(
    settings, silent_smtp_server, caplog
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": silent_smtp_server, "timeout": 1},
        }
    }
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="core.notifications"):
        sent = notify(subject="Your answers", body="Ready.", to="a@example.org")
    assert sent is False
    assert time.monotonic() - started < 5
    assert "Could not send" in caplog.text
