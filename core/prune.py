"""Deleting the rows the task queue and the schedule leave behind.

Every mail, job and retry leaves a task result in django-tasks-db's table, a
sent mail its `OutgoingMail` row (the body already erased) and every run of the
schedule a `ScheduledRun`: tens of thousands a month that nobody reads after a
couple of weeks. What went wrong is kept far longer, for staff to look into:
failed tasks, mail given up on and failed runs stay 90 days. A run deletes in
batches (short transactions, no long lock on a busy table) and stops after
MAX_BATCHES per table; the daily run after it takes the rest.
"""

import datetime

from django.db.models import Q, QuerySet
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import OutgoingMail, ScheduledRun

KEEP_DONE = datetime.timedelta(days=14)
KEEP_FAILED = datetime.timedelta(days=90)
BATCH_SIZE = 1000
MAX_BATCHES = 50


def _delete_in_batches(queryset: QuerySet) -> int:
    """Delete these rows BATCH_SIZE at a time, at most MAX_BATCHES batches."""
    deleted = 0
    for _ in range(MAX_BATCHES):
        batch = list(queryset.values_list("pk", flat=True)[:BATCH_SIZE])
        if not batch:
            break
        deleted += queryset.model.objects.filter(pk__in=batch).delete()[0]
        if len(batch) < BATCH_SIZE:
            break
    return deleted


def prune(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete finished task results, sent mail and finished runs older than
    KEEP_DONE, and the failed ones older than KEEP_FAILED; returns how many
    rows of each kind went. Queued, running and retrying rows are never
    touched, however old."""
    now = now or timezone.now()
    done, failed = now - KEEP_DONE, now - KEEP_FAILED
    tasks = Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=done) | Q(
        status=TaskResultStatus.FAILED, finished_at__lt=failed
    )
    mails = Q(status=OutgoingMail.Status.SENT, sent_at__lt=done) | Q(
        status=OutgoingMail.Status.FAILED, created_at__lt=failed
    )
    runs = Q(status=ScheduledRun.Status.SUCCEEDED, finished_at__lt=done) | Q(
        status=ScheduledRun.Status.FAILED, finished_at__lt=failed
    )
    return {
        "task results": _delete_in_batches(DBTaskResult.objects.filter(tasks)),
        "mails": _delete_in_batches(OutgoingMail.objects.filter(mails)),
        "runs": _delete_in_batches(ScheduledRun.objects.filter(runs)),
    }
