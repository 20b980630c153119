"""The task queue: queuing a task with the change that calls for it, and the
queue's readiness (`/readyz`'s "tasks" check): is the worker keeping up?"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.tasks import Task, task_backends
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from core.health import CheckFailed


def in_this_database(task: Task) -> bool:
    """Whether `task` is queued as a row of this database (django-tasks-db),
    so queuing it inside a transaction commits or rolls back with it."""
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_with_transaction(task: Task, *args, **kwargs) -> None:
    """Queue `task` to run only if the current transaction commits: inside it
    when the queue is this database's table, so a process dying right after
    the commit cannot lose the task; else (a backend that runs tasks at once)
    once it commits."""
    if in_this_database(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def oldest_wait(now: datetime.datetime) -> datetime.timedelta | None:
    """How long the longest-waiting task due to run has waited, None if none."""
    backend = task_backends["default"]
    due = DBTaskResult.objects.ready().filter(backend_name=backend.alias)
    # A task queued to run at once waits from its queuing, a deferred one (a
    # retry) from the time it was due.
    never_deferred = due.filter(run_after=get_date_max()).aggregate(
        since=Min("enqueued_at")
    )["since"]
    deferred = due.exclude(run_after=get_date_max()).aggregate(since=Min("run_after"))[
        "since"
    ]
    since = min(filter(None, (never_deferred, deferred)), default=None)
    return None if since is None else now - since


def check_backlog() -> None:
    """Fail when a task due to run has waited over TASKS_MAX_WAIT seconds (no
    worker, or too few); a backend that runs tasks at once has no queue."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return
    waited = oldest_wait(timezone.now())
    limit = datetime.timedelta(seconds=settings.TASKS_MAX_WAIT)
    if waited is not None and waited > limit:
        raise CheckFailed(f"the oldest task due has waited {waited}")
