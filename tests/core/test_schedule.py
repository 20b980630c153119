"""The schedule (core.schedule, `manage.py scheduler`): which jobs are due, each
slot queued once however many schedulers run, a missed slot caught up once,
retries with backoff then giving up, and the runs staff see in the admin."""

import datetime
import io
import os
import signal
import threading
import zoneinfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import OperationalError, connection
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from core import schedule
from core.models import ScheduledRun

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# What the test tasks did, in order: (task, run, attempt).
done: list[tuple[str, int | None, int]] = []
# How many of the next tries of `flaky` fail.
failures = {"left": 0}


@task
def counted(run: int | None = None, attempt: int = 1) -> str:
    def work():
        done.append(("counted", run, attempt))
        return "counted once"

    return schedule.perform(counted, work, run=run, attempt=attempt)


@task
def flaky(run: int | None = None, attempt: int = 1) -> str:
    def work():
        done.append(("flaky", run, attempt))
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("the board's site is down")
        return "worked"

    return schedule.perform(flaky, work, run=run, attempt=attempt)


def at(text: str) -> datetime.datetime:
    """A moment on the site's clock: "2026-11-30 06:15"."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def own_jobs(monkeypatch):
    """Only the test's jobs are scheduled (the site's own have tests of their own)."""
    monkeypatch.setattr(schedule, "_jobs", {})
    done.clear()
    failures["left"] = 0
    schedule.daily("morning", counted, at=datetime.time(6, 15))
    schedule.every("often", counted, minutes=5)
    schedule.manual("by-hand", counted)


@pytest.fixture
def database_queue(settings):
    """Tasks wait in the database table for the worker, as on the site."""
    settings.TASKS = DATABASE_QUEUE


def queued_names(runs) -> list[str]:
    return sorted(run.job for run in runs)


# --- the site's jobs --------------------------------------------------------------


def test_the_site_registers_its_jobs_at_the_suggested_times(monkeypatch):
    monkeypatch.undo()  # the site's registry, not the test's
    registered = {job.name: (job.at, job.every) for job in schedule.jobs()}

    assert registered["expire_credentials"] == (datetime.time(6, 15), None)
    assert registered["remind_stale_details"] == (datetime.time(6, 20), None)
    assert registered["prune"] == (datetime.time(3, 30), None)
    assert registered["requeue_stalled_mail"] == (
        None,
        datetime.timedelta(minutes=5),
    )
    # Started by staff only.
    assert registered["rerank"] == (None, None)


def test_a_second_job_of_the_same_name_is_refused():
    with pytest.raises(ValueError, match="morning"):
        schedule.daily("morning", flaky, at=datetime.time(7, 0))


# --- slots and what is due ---------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "slot", "utc_hour"),
    [
        ("2026-11-30 06:14:59", "2026-11-29 06:15", 11),
        ("2026-11-30 06:15:00", "2026-11-30 06:15", 11),
        ("2026-11-30 23:59:00", "2026-11-30 06:15", 11),
        # Summer time: still 06:15 on the site's clock, an hour earlier in UTC.
        ("2026-07-01 06:20:00", "2026-07-01 06:15", 10),
    ],
)
def test_a_daily_slot_is_at_its_time_on_the_sites_clock(now, slot, utc_hour):
    found = schedule.job("morning").slot(at(now))

    assert found == at(slot)
    assert found.astimezone(datetime.UTC).hour == utc_hour


def test_the_sites_time_zone_decides_the_daily_slot(settings):
    settings.TIME_ZONE = "Europe/London"
    morning = schedule.job("morning")

    # 06:20 in New York is 11:20 in London: today's London slot has passed.
    assert morning.slot(at("2026-11-30 06:20")) == datetime.datetime(
        2026, 11, 30, 6, 15, tzinfo=zoneinfo.ZoneInfo("Europe/London")
    )


def test_a_slot_every_five_minutes():
    often = schedule.job("often")

    assert often.slot(at("2026-11-30 06:14:59")) == at("2026-11-30 06:10")
    assert often.slot(at("2026-11-30 06:15:00")) == at("2026-11-30 06:15")


def test_each_job_is_due_once_per_slot():
    first = schedule.enqueue_due(at("2026-11-30 06:16"))
    again = schedule.enqueue_due(at("2026-11-30 06:17"))
    next_often = schedule.enqueue_due(at("2026-11-30 06:20"))

    assert queued_names(first) == ["morning", "often"]
    assert again == []
    assert queued_names(next_often) == ["often"]
    assert [name for name, _run, _attempt in done] == ["counted"] * 3
    slots = ScheduledRun.objects.filter(job="morning").values_list("slot", flat=True)
    assert list(slots) == [at("2026-11-30 06:15")]


def test_a_job_started_by_hand_is_never_due():
    schedule.enqueue_due(at("2026-11-30 06:16"))

    assert not ScheduledRun.objects.filter(job="by-hand").exists()


def test_a_slot_missed_for_days_is_caught_up_once():
    schedule.enqueue_due(at("2026-11-26 07:00"))
    # Nothing ran for three days and a half.
    caught_up = schedule.enqueue_due(at("2026-11-30 09:00"))
    later = schedule.enqueue_due(at("2026-11-30 21:00"))

    assert "morning" in queued_names(caught_up)
    assert "morning" not in queued_names(later)
    slots = ScheduledRun.objects.filter(job="morning").values_list("slot", flat=True)
    assert sorted(slots) == [at("2026-11-26 06:15"), at("2026-11-30 06:15")]


# --- several schedulers -------------------------------------------------------------


def test_two_schedulers_with_the_same_clock_queue_one_run(database_queue):
    now = at("2026-11-30 06:16")

    one = schedule.enqueue_due(now)
    other = schedule.enqueue_due(now)

    assert queued_names(one) == ["morning", "often"]
    assert other == []
    assert DBTaskResult.objects.count() == 2
    run = ScheduledRun.objects.get(job="morning")
    assert run.task_result_id == str(
        DBTaskResult.objects.get(args_kwargs__kwargs__run=run.pk).id
    )


def test_the_scheduler_that_loses_the_insert_queues_nothing(database_queue):
    """Both looked before either inserted: the unique row decides."""
    morning, slot = schedule.job("morning"), at("2026-11-30 06:15")

    winner = schedule._queue(morning, slot)
    loser = schedule._queue(morning, slot)

    assert winner is not None
    assert loser is None
    assert ScheduledRun.objects.filter(job="morning").count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(
    transaction=True,
    available_apps=[config.name for config in apps.get_app_configs()],
)
def test_schedulers_in_threads_at_once_queue_each_slot_once(database_queue):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Threads share no in-memory SQLite database.")
    now, start, lost = at("2026-11-30 06:16"), threading.Barrier(4), []

    def scheduler():
        start.wait()
        try:
            lost.append(len(schedule.enqueue_due(now)))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(lost) == 2
    assert ScheduledRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


def test_scheduler_once_queues_what_is_due_and_says_so():
    out = io.StringIO()

    call_command("scheduler", once=True, stdout=out)
    call_command("scheduler", once=True, stdout=out)

    lines = out.getvalue().splitlines()
    assert sorted(line.split()[1] for line in lines) == ["morning", "often"]
    assert ScheduledRun.objects.count() == 2


# --- outcome, retries and giving up ---------------------------------------------------


def test_a_run_records_what_the_job_did():
    schedule.start("by-hand")

    run = ScheduledRun.objects.get(job="by-hand")
    assert run.status == ScheduledRun.Status.SUCCEEDED
    assert run.outcome == "counted once"
    assert run.attempts == 1
    assert run.error == ""
    assert run.finished_at is not None


def test_a_failed_try_is_tried_again_after_a_growing_delay(database_queue):
    schedule.manual("flaky", flaky)
    failures["left"] = 1
    run = schedule.start("flaky")

    flaky.call(run=run.pk)

    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.RETRYING
    assert run.error == "RuntimeError: the board's site is down"
    assert run.finished_at is None
    retry = DBTaskResult.objects.get(pk=run.task_result_id)
    assert retry.args_kwargs["kwargs"] == {"run": run.pk, "attempt": 2}
    delay = retry.run_after - retry.enqueued_at
    assert datetime.timedelta(seconds=55) < delay <= datetime.timedelta(minutes=1)

    flaky.call(run=run.pk, attempt=2)

    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.SUCCEEDED
    assert run.attempts == 2
    assert run.outcome == "worked"


def test_retry_delays_double():
    assert [schedule.retry_delay(n).seconds // 60 for n in (1, 2, 3, 4)] == [
        1,
        2,
        4,
        8,
    ]


def test_a_job_failing_every_try_is_given_up_after_the_last(database_queue):
    schedule.manual("flaky", flaky)
    failures["left"] = schedule.MAX_ATTEMPTS
    run = schedule.start("flaky")

    for attempt in range(1, schedule.MAX_ATTEMPTS):
        flaky.call(run=run.pk, attempt=attempt)
    with pytest.raises(RuntimeError):
        flaky.call(run=run.pk, attempt=schedule.MAX_ATTEMPTS)

    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.FAILED
    assert run.attempts == schedule.MAX_ATTEMPTS
    assert run.finished_at is not None
    # The first try's task, and one per retry: none after giving up.
    assert DBTaskResult.objects.count() == schedule.MAX_ATTEMPTS


def test_without_a_queue_that_can_wait_a_failure_is_given_up_at_once():
    """Tests' and a worker-less site's backend runs tasks at once: no retries."""
    schedule.manual("flaky", flaky)
    failures["left"] = 1

    schedule.start("flaky")

    run = ScheduledRun.objects.get(job="flaky")
    assert run.status == ScheduledRun.Status.FAILED
    assert run.error == "RuntimeError: the board's site is down"
    assert len(done) == 1


@pytest.mark.django_db(
    transaction=True,
    available_apps=[config.name for config in apps.get_app_configs()],
)
def test_the_worker_runs_what_the_scheduler_queued(database_queue):
    schedule.enqueue_due(at("2026-11-30 06:16"))

    call_command("db_worker", batch=True, startup_delay=False, reload=False)

    assert set(ScheduledRun.objects.values_list("status", flat=True)) == {
        ScheduledRun.Status.SUCCEEDED
    }
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }


# --- what staff see ----------------------------------------------------------------


def test_staff_see_a_failed_run_with_its_error_in_the_admin(client, staff_user):
    schedule.manual("flaky", flaky)
    failures["left"] = 1
    schedule.start("flaky")
    client.force_login(staff_user)

    page = client.get(
        reverse("admin:core_scheduledrun_changelist"), {"status": "failed"}
    )

    assert page.status_code == 200
    assert "flaky" in page.text
    assert "Given up" in page.text
    assert "RuntimeError: the board&#x27;s site is down" in page.text


def test_staff_see_the_task_queue_in_the_admin(client, staff_user, database_queue):
    schedule.start("by-hand")
    client.force_login(staff_user)

    page = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))

    assert page.status_code == 200
    assert "counted" in page.text


def test_runs_cannot_be_added_changed_or_deleted_in_the_admin(client, staff_user):
    run = schedule.start("by-hand")
    client.force_login(staff_user)

    page = client.post(
        reverse("admin:core_scheduledrun_change", args=[run.pk]),
        {"job": "other", "status": "failed"},
    )
    deleting = client.post(reverse("admin:core_scheduledrun_delete", args=[run.pk]))

    assert page.status_code == 403
    assert deleting.status_code == 403
    run.refresh_from_db()
    assert (run.job, run.status) == ("by-hand", ScheduledRun.Status.SUCCEEDED)
    assert client.get(reverse("admin:core_scheduledrun_add")).status_code == 403


def test_the_scheduler_outlives_a_database_outage_and_stops_on_sigterm(monkeypatch):
    passes = []

    def enqueue_due():
        passes.append(len(passes) + 1)
        if len(passes) == 1:
            raise OperationalError("the database is restarting")
        if len(passes) == 3:
            os.kill(os.getpid(), signal.SIGTERM)
        return []

    monkeypatch.setattr(schedule, "enqueue_due", enqueue_due)
    before = signal.getsignal(signal.SIGTERM)

    call_command("scheduler", interval=0.01, stdout=io.StringIO())

    assert passes == [1, 2, 3]
    assert signal.getsignal(signal.SIGTERM) is before
