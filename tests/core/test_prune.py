"""Pruning (core.prune, the daily `prune` job): old finished task results, sent
mail and finished runs go; what failed stays 90 days; nothing in flight goes."""

import datetime

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import prune
from core.models import OutgoingMail, ScheduledRun
from core.notifications import send_mail_task

pytestmark = pytest.mark.django_db


def ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def database_queue(settings):
    """Task results kept in the database table, as on the site."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def task_result(status: str, finished: datetime.datetime | None) -> str:
    result = send_mail_task.enqueue("00000000-0000-0000-0000-000000000000")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status, finished_at=finished
    )
    return str(result.id)


def mail(status: str, days_old: float) -> int:
    row = OutgoingMail.objects.create(to="a@example.org", subject="Hi", status=status)
    OutgoingMail.objects.filter(pk=row.pk).update(
        created_at=ago(days_old),
        sent_at=ago(days_old) if status == OutgoingMail.Status.SENT else None,
    )
    return row.pk


def run(status: str, days_old: float, job: str = "expire_credentials") -> int:
    finished = status in (ScheduledRun.Status.SUCCEEDED, ScheduledRun.Status.FAILED)
    return ScheduledRun.objects.create(
        job=job,
        slot=ago(days_old),
        status=status,
        finished_at=ago(days_old) if finished else None,
    ).pk


def test_prune_deletes_what_is_done_and_old_and_keeps_the_rest():
    gone = {
        "task done 15 days ago": task_result(TaskResultStatus.SUCCESSFUL, ago(15)),
        "task failed 91 days ago": task_result(TaskResultStatus.FAILED, ago(91)),
    }
    kept = {
        "task done 13 days ago": task_result(TaskResultStatus.SUCCESSFUL, ago(13)),
        "task failed 89 days ago": task_result(TaskResultStatus.FAILED, ago(89)),
        "task failed 20 days ago": task_result(TaskResultStatus.FAILED, ago(20)),
        "task waiting": task_result(TaskResultStatus.READY, None),
        "task running": task_result(TaskResultStatus.RUNNING, None),
    }
    DBTaskResult.objects.filter(pk=kept["task waiting"]).update(enqueued_at=ago(200))

    deleted = prune.prune()

    assert deleted["task results"] == 2
    assert not DBTaskResult.objects.filter(pk__in=gone.values()).exists()
    assert DBTaskResult.objects.filter(pk__in=kept.values()).count() == len(kept)


def test_prune_keeps_mail_given_up_on_for_90_days():
    gone = [
        mail(OutgoingMail.Status.SENT, 15),
        mail(OutgoingMail.Status.FAILED, 91),
    ]
    kept = [
        mail(OutgoingMail.Status.SENT, 13),
        mail(OutgoingMail.Status.FAILED, 30),
        mail(OutgoingMail.Status.FAILED, 89),
        # Never sent yet, however old: the worker or staff still owe it.
        mail(OutgoingMail.Status.QUEUED, 200),
        mail(OutgoingMail.Status.SENDING, 200),
    ]

    deleted = prune.prune()

    assert deleted["mails"] == 2
    assert not OutgoingMail.objects.filter(pk__in=gone).exists()
    assert sorted(OutgoingMail.objects.values_list("pk", flat=True)) == sorted(kept)


def test_prune_keeps_failed_and_unfinished_runs():
    gone = [
        run(ScheduledRun.Status.SUCCEEDED, 15),
        run(ScheduledRun.Status.FAILED, 91),
    ]
    kept = [
        run(ScheduledRun.Status.SUCCEEDED, 13),
        run(ScheduledRun.Status.FAILED, 60),
        run(ScheduledRun.Status.RETRYING, 200),
        run(ScheduledRun.Status.QUEUED, 200, job="prune"),
    ]

    deleted = prune.prune()

    assert deleted["runs"] == 2
    assert not ScheduledRun.objects.filter(pk__in=gone).exists()
    assert sorted(ScheduledRun.objects.values_list("pk", flat=True)) == sorted(kept)


def test_prune_deletes_in_bounded_batches(monkeypatch):
    monkeypatch.setattr(prune, "BATCH_SIZE", 2)
    monkeypatch.setattr(prune, "MAX_BATCHES", 2)
    for _ in range(5):
        mail(OutgoingMail.Status.SENT, 30)

    first = prune.prune()
    second = prune.prune()

    # Two batches of two, then the last one on the next run.
    assert first["mails"] == 4
    assert second["mails"] == 1
    assert not OutgoingMail.objects.exists()


def test_prune_twice_deletes_nothing_more():
    mail(OutgoingMail.Status.SENT, 30)
    prune.prune()

    assert prune.prune() == {"task results": 0, "mails": 0, "runs": 0}
