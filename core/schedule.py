"""The jobs the site runs by the clock, and the background tasks that do them.

Apps register their jobs from their AppConfig.ready() (core knows no app):
`daily(name, task, at=time)`, `every(name, task, minutes=N)`, or `manual(name,
task)` for a job staff start (`start(name)`). `manage.py scheduler` calls
`enqueue_due()` every ~30 seconds; several schedulers (and app servers) may run
at once, and each slot of a job is still queued exactly once: a `ScheduledRun`
row per (job, slot) under a unique constraint, and only the process whose
INSERT wins queues the task, in the same transaction.

Only a job's latest slot is ever due, so a slot missed while nothing ran is
caught up once when a scheduler starts again, not once per missed day (the
daily jobs catch up on their own: `remind_stale_details` looks back 7 days,
`expire_credentials` expires whatever lapsed). Times are the site's
(settings.TIME_ZONE).

A job's task does its work through `perform()`, which records the outcome on
the run and, when the work raises, queues another try after 1, 2, 4 and 8
minutes before giving up; staff see the runs, failures with their error, in
the admin. Each job is idempotent (a second run the same day changes and sends
nothing new), so a retry after a half-done try is safe.
"""

import dataclasses
import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone

from core.models import ScheduledRun

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)


@dataclasses.dataclass(frozen=True)
class Job:
    """A task the schedule queues: daily `at` a time, `every` so many minutes,
    or neither (started by staff)."""

    name: str
    task: Task
    at: datetime.time | None = None
    every: datetime.timedelta | None = None

    def slot(self, now: datetime.datetime) -> datetime.datetime | None:
        """The start of the latest slot at or before `now`; None for a job
        nobody schedules."""
        if self.at is not None:
            zone = timezone.get_default_timezone()
            day = timezone.localtime(now, zone).date()
            slot = datetime.datetime.combine(day, self.at, tzinfo=zone)
            if slot > now:
                slot = datetime.datetime.combine(
                    day - datetime.timedelta(days=1), self.at, tzinfo=zone
                )
            return slot
        if self.every is not None:
            epoch = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
            return now - (now - epoch) % self.every
        return None


_jobs: dict[str, Job] = {}


def _register(job: Job) -> None:
    known = _jobs.get(job.name)
    if known is not None and known != job:
        raise ValueError(f"Another job is already named {job.name!r}.")
    _jobs[job.name] = job


def daily(name: str, task: Task, *, at: datetime.time) -> None:
    """Queue `task` once a day at `at`, the site's local time."""
    _register(Job(name, task, at=at))


def every(name: str, task: Task, *, minutes: int) -> None:
    """Queue `task` once in each slot of `minutes` minutes."""
    _register(Job(name, task, every=datetime.timedelta(minutes=minutes)))


def manual(name: str, task: Task) -> None:
    """A job no clock starts: staff do, with `start(name)`."""
    _register(Job(name, task))


def jobs() -> list[Job]:
    """Every registered job, by name."""
    return sorted(_jobs.values(), key=lambda job: job.name)


def job(name: str) -> Job:
    """The registered job `name` (KeyError for an unknown one)."""
    return _jobs[name]


def enqueue_due(now: datetime.datetime | None = None) -> list[ScheduledRun]:
    """Queue each job whose latest slot has no run yet; returns the runs this
    process queued (those another process won are left to it)."""
    now = now or timezone.now()
    queued = []
    for each in jobs():
        slot = each.slot(now)
        if slot is None:
            continue
        # Checked first, so a normal pass tries no INSERT that must fail.
        if ScheduledRun.objects.filter(job=each.name, slot=slot).exists():
            continue
        run = _queue(each, slot)
        if run is not None:
            queued.append(run)
    return queued


def waiting(name: str) -> bool:
    """Whether a run of the job `name` is queued and not yet started (a retry
    included): starting another would only do the same work twice. A running
    one does not count; its worker may have died, and the data moved since."""
    return ScheduledRun.objects.filter(
        job=name,
        status__in=(ScheduledRun.Status.QUEUED, ScheduledRun.Status.RETRYING),
    ).exists()


def start(name: str, now: datetime.datetime | None = None) -> ScheduledRun:
    """Queue the job `name` now, whatever its schedule (staff's button)."""
    run = _queue(job(name), now or timezone.now())
    if run is None:
        raise RuntimeError(f"{name} was started twice at the same instant.")
    return run


def _queue(each: Job, slot: datetime.datetime) -> ScheduledRun | None:
    """Claim the slot and queue its task in one transaction: a process that
    dies in between leaves neither, and the slot is due again."""
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(job=each.name, slot=slot)
            result = each.task.enqueue(run=run.pk)
            ScheduledRun.objects.filter(pk=run.pk).update(task_result_id=result.id)
    except IntegrityError:
        # Another scheduler inserted the row first; it queues the task.
        return None
    logger.info("Queued %s for %s", each.name, timezone.localtime(slot).isoformat())
    run.refresh_from_db()
    return run


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after the `attempt`-th failure: doubling each time."""
    return FIRST_RETRY_DELAY * 2 ** (attempt - 1)


def describe(error: BaseException) -> str:
    """An error as staff see it: its class and message, without a traceback."""
    return f"{type(error).__name__}: {error}"[:300]


def perform(
    task: Task,
    work: Callable[[], Any],
    *,
    run: int | None,
    attempt: int,
    retry: bool = True,
) -> Any:
    """One try of a job's `work`, its outcome recorded on the run `run` (if
    any). When the work raises, another try of `task` is queued after
    retry_delay() (up to MAX_ATTEMPTS tries, with a backend that can defer),
    else the run is given up and the error raised, so the task fails too."""
    runs = ScheduledRun.objects.filter(pk=run)
    runs.update(status=ScheduledRun.Status.RUNNING, attempts=attempt)
    try:
        outcome = work()
    except Exception as error:
        logger.exception("The job %s failed (try %d)", task.name, attempt)
        again = retry and attempt < MAX_ATTEMPTS and task.get_backend().supports_defer
        runs.update(
            status=(
                ScheduledRun.Status.RETRYING if again else ScheduledRun.Status.FAILED
            ),
            error=describe(error),
            finished_at=None if again else timezone.now(),
        )
        if not again:
            raise
        result = task.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
            run=run, attempt=attempt + 1
        )
        runs.update(task_result_id=result.id)
        return None
    runs.update(
        status=ScheduledRun.Status.SUCCEEDED,
        outcome=str(outcome or "")[:200],
        finished_at=timezone.now(),
    )
    return outcome
