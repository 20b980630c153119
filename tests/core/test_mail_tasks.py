import datetime
import io
import smtplib

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import OutgoingMail
from core.notifications import (
    CLAIM_EXPIRY,
    MAX_ATTEMPTS,
    notify,
    retry_delay,
    send_mail_task,
)
from tests import factories

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    """Mail queued in the database table and sent by the worker, as on the site."""
    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def smtp_down(monkeypatch):
    def fail(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", fail)


# The worker closes the database connection between tasks as a long-running
# process must, which ends a test's own wrapping transaction: its tests commit.
# Naming every app makes the flush after the test cascade, through the search
# table that refers to therapists (as tests/reviews/concurrency.py does).
worker_test = pytest.mark.django_db(
    transaction=True,
    available_apps=[config.name for config in apps.get_app_configs()],
)


def run_worker() -> None:
    """Run every task due now, then stop (the worker `make run` starts)."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False)


def queued_mail() -> OutgoingMail:
    return OutgoingMail.objects.get()


# --- idempotent: a task run twice sends one mail --------------------------------


def test_a_task_run_twice_sends_one_mail_and_erases_the_body():
    notify(subject="Your answers", body="Secret link.", to="a@example.org")
    key = str(queued_mail().key)

    assert send_mail_task.call(key) is True  # the second run

    assert [m.subject for m in mail.outbox] == ["Your answers"]
    row = queued_mail()
    assert row.status == OutgoingMail.Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.body == ""


def test_a_mail_another_run_is_sending_is_not_sent_again():
    row = OutgoingMail.objects.create(
        to="a@example.org",
        subject="Hello",
        body="Hi.",
        status=OutgoingMail.Status.SENDING,
        claimed_at=timezone.now(),
        attempts=1,
    )
    assert send_mail_task.call(str(row.key)) is True
    assert mail.outbox == []
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutgoingMail.Status.SENDING, 1)


def test_a_claim_left_by_a_dead_worker_is_sent_again_by_requeue_stalled_mail():
    stale = timezone.now() - CLAIM_EXPIRY - datetime.timedelta(seconds=1)
    row = OutgoingMail.objects.create(
        to="a@example.org",
        subject="Hello",
        body="Hi.",
        status=OutgoingMail.Status.SENDING,
        claimed_at=stale,
        attempts=1,
    )
    fresh = OutgoingMail.objects.create(
        to="b@example.org",
        subject="Fresh",
        body="Hi.",
        status=OutgoingMail.Status.SENDING,
        claimed_at=timezone.now(),
        attempts=1,
    )

    call_command("requeue_stalled_mail", stdout=io.StringIO())

    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    row.refresh_from_db()
    fresh.refresh_from_db()
    assert (row.status, row.attempts) == (OutgoingMail.Status.SENT, 2)
    assert fresh.status == OutgoingMail.Status.SENDING


def test_the_message_id_is_the_mails_key_so_a_resend_reads_as_the_same_mail():
    notify(subject="Hello", body="Hi.", to="a@example.org")
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == (
        f"<{queued_mail().key}@backcare.example>"
    )


# --- the worker ---------------------------------------------------------------


@worker_test
def test_the_worker_sends_a_queued_mail_and_the_queue_holds_only_its_key(
    database_queue,
):
    assert notify(subject="Your answers", body="Secret link.", to="a@example.org")
    assert mail.outbox == []  # queued, not sent in the request
    (task_row,) = DBTaskResult.objects.all()
    assert task_row.args_kwargs == {"args": [str(queued_mail().key)], "kwargs": {}}

    run_worker()

    (message,) = mail.outbox
    assert (message.subject, message.body) == ("Your answers", "Secret link.")
    task_row.refresh_from_db()
    assert task_row.status == TaskResultStatus.SUCCESSFUL
    assert queued_mail().status == OutgoingMail.Status.SENT


def test_mail_of_a_change_that_rolls_back_is_never_queued(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(subject="Lost", body="Lost.", to="a@example.org")
        raise RuntimeError("the change failed")
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_mail_and_its_task_are_stored_in_the_changes_own_transaction(
    database_queue, django_capture_on_commit_callbacks
):
    """Nothing waits for the commit: a crash right after it cannot leave a mail
    that no task will send."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        notify(subject="Kept", body="Kept.", to="a@example.org")
        (task_row,) = DBTaskResult.objects.all()
    assert callbacks == []
    assert task_row.args_kwargs["args"] == [str(queued_mail().key)]


# --- retries with growing delays, then given up for staff to see --------------


@worker_test
def test_an_smtp_failure_is_retried_with_growing_delays_then_given_up(
    database_queue, smtp_down, caplog
):
    notify(subject="Your answers", body="Secret link.", to="a@example.org")
    delays = []
    for _ in range(MAX_ATTEMPTS):
        before = timezone.now()
        run_worker()
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        if not waiting.exists():
            break
        (retry,) = waiting
        delays.append(retry.run_after - before)
        assert queued_mail().status == OutgoingMail.Status.QUEUED
        # Time passes: the retry is due.
        waiting.update(run_after=timezone.now() - datetime.timedelta(seconds=1))

    expected = [retry_delay(n) for n in range(1, MAX_ATTEMPTS)]
    assert [round(d.total_seconds() / 60) for d in delays] == [1, 2, 4, 8]
    for delay, want in zip(delays, expected, strict=True):
        assert want <= delay < want + datetime.timedelta(seconds=30)
    row = queued_mail()
    assert row.status == OutgoingMail.Status.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert row.last_error == "SMTPServerDisconnected"
    assert row.body == "Secret link."  # kept, so staff can send it again
    assert mail.outbox == []
    assert caplog.text.count("Could not send 'Your answers' to a@example.org") == 5


@worker_test
def test_staff_see_mail_given_up_on_without_its_body_and_send_it_again(
    database_queue, client, staff_user
):
    row = OutgoingMail.objects.create(
        to="a@example.org",
        subject="Reset your password",
        body="https://example.org/reset/secret-token/",
        status=OutgoingMail.Status.FAILED,
        attempts=MAX_ATTEMPTS,
        last_error="SMTPServerDisconnected",
    )
    client.force_login(staff_user)
    changelist = reverse("admin:core_outgoingmail_changelist")

    page = client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert "Reset your password" in page
    assert "SMTPServerDisconnected" in page
    detail = client.get(reverse("admin:core_outgoingmail_change", args=[row.pk]))
    assert detail.status_code == 200
    assert "secret-token" not in detail.content.decode()

    client.post(
        changelist,
        {"action": "send_again", "_selected_action": [row.pk]},
    )
    run_worker()

    (message,) = mail.outbox
    assert message.body == "https://example.org/reset/secret-token/"
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT


def test_send_again_needs_the_change_permission(database_queue, client):
    viewer = factories.make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))
    row = OutgoingMail.objects.create(
        to="a@example.org", subject="S", body="B", status=OutgoingMail.Status.FAILED
    )
    client.force_login(viewer)
    changelist = reverse("admin:core_outgoingmail_changelist")
    client.post(changelist, {"action": "send_again", "_selected_action": [row.pk]})
    assert not DBTaskResult.objects.exists()
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.FAILED
