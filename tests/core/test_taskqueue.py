import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import health, taskqueue
from core.notifications import send_mail_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_MAX_WAIT = 300


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def test_the_tasks_check_is_registered_for_readyz():
    assert health.CHECKS["tasks"] is taskqueue.check_backlog


def test_an_empty_queue_is_ready(database_queue):
    assert taskqueue.oldest_wait(timezone.now()) is None
    taskqueue.check_backlog()


def test_a_task_waiting_past_the_limit_fails_the_check(database_queue, client):
    send_mail_task.enqueue("fresh")
    taskqueue.check_backlog()  # just queued

    DBTaskResult.objects.update(enqueued_at=ago(minutes=6))

    with pytest.raises(health.CheckFailed):
        taskqueue.check_backlog()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"] == "fail"


def test_a_retry_waits_from_when_it_was_due_not_from_when_it_was_queued(
    database_queue,
):
    send_mail_task.using(run_after=ago(minutes=1)).enqueue("retry")
    DBTaskResult.objects.update(enqueued_at=ago(minutes=20))
    waited = taskqueue.oldest_wait(timezone.now())
    assert datetime.timedelta(minutes=1) <= waited < datetime.timedelta(minutes=2)
    taskqueue.check_backlog()


def test_a_retry_not_due_yet_and_finished_tasks_do_not_count(database_queue):
    send_mail_task.using(run_after=ago(minutes=-30)).enqueue("later")
    send_mail_task.enqueue("done")
    DBTaskResult.objects.filter(args_kwargs__args=["done"]).update(
        status="SUCCESSFUL", enqueued_at=ago(hours=1)
    )
    DBTaskResult.objects.update(enqueued_at=ago(hours=1))
    assert taskqueue.oldest_wait(timezone.now()) is None
    taskqueue.check_backlog()


def test_a_backend_without_a_queue_is_always_ready():
    # The tests' own ImmediateBackend (tests/conftest.py) runs tasks at once.
    taskqueue.check_backlog()


# --- queuing with the change ----------------------------------------------------


def test_the_database_queue_stores_the_task_in_the_changes_transaction(
    database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        taskqueue.enqueue_with_transaction(send_mail_task, "kept")
        assert DBTaskResult.objects.count() == 1
    assert callbacks == []


def test_a_task_queued_in_a_transaction_that_rolls_back_is_gone(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        taskqueue.enqueue_with_transaction(send_mail_task, "lost")
        raise RuntimeError("the change failed")
    assert not DBTaskResult.objects.exists()


def test_a_backend_that_runs_tasks_at_once_waits_for_the_commit(
    django_capture_on_commit_callbacks,
):
    # The suite's backend runs tasks at once (tests/conftest.py).
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        taskqueue.enqueue_with_transaction(send_mail_task, "later")
    assert len(callbacks) == 1
