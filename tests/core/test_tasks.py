"""The core's scheduled jobs as tasks (core.tasks): each records what it did on
its run; requeueing stalled mail is not retried (its next slot is minutes away)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core.models import OutgoingMail, ScheduledRun
from core.notifications import CLAIM_EXPIRY
from core.tasks import prune as prune_task
from core.tasks import requeue_stalled_mail

pytestmark = pytest.mark.django_db


def scheduled(job: str) -> ScheduledRun:
    return ScheduledRun.objects.create(job=job, slot=timezone.now())


def test_the_prune_task_records_what_it_deleted(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    row = OutgoingMail.objects.create(
        to="a@example.org", subject="Hi", status=OutgoingMail.Status.SENT
    )
    OutgoingMail.objects.filter(pk=row.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=30)
    )
    run = scheduled("prune")

    prune_task.call(run=run.pk)

    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.SUCCEEDED
    assert run.outcome == "0 task result(s), 1 mail(s), 0 run(s) deleted."
    assert not OutgoingMail.objects.exists()


def test_the_requeue_task_sends_a_mail_a_dead_worker_left_once():
    row = OutgoingMail.objects.create(
        to="a@example.org",
        subject="Hello",
        body="Hi.",
        status=OutgoingMail.Status.SENDING,
        claimed_at=timezone.now() - CLAIM_EXPIRY - datetime.timedelta(seconds=1),
        attempts=1,
    )
    first, second = scheduled("requeue_stalled_mail"), scheduled("requeue_stalled_mail")

    requeue_stalled_mail.call(run=first.pk)
    requeue_stalled_mail.call(run=second.pk)

    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.outcome == "1 stalled mail(s) queued again."
    assert second.outcome == "0 stalled mail(s) queued again."


def test_a_failed_requeue_waits_for_its_next_slot(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def down(now=None):
        raise ConnectionError("database restarting")

    monkeypatch.setattr("core.tasks.requeue_stalled", down)
    run = scheduled("requeue_stalled_mail")

    with pytest.raises(ConnectionError):
        requeue_stalled_mail.call(run=run.pk)

    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.FAILED
    assert run.error == "ConnectionError: database restarting"
