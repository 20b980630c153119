"""The core's own scheduled jobs (registered in CoreConfig.ready()): mail a
killed worker left claimed, and pruning the queue's old rows."""

from django.tasks import task

from core import prune as pruning
from core import schedule
from core.notifications import requeue_stalled


@task
def requeue_stalled_mail(run: int | None = None, attempt: int = 1) -> str:
    """Queue again the mail a killed worker claimed and never finished."""

    def work():
        return f"{requeue_stalled()} stalled mail(s) queued again."

    # Not retried: the next slot, minutes away, is the next try.
    return schedule.perform(
        requeue_stalled_mail, work, run=run, attempt=attempt, retry=False
    )


@task
def prune(run: int | None = None, attempt: int = 1) -> str:
    """Delete old finished task results, sent mail and finished runs."""

    def work():
        deleted = pruning.prune()
        return (
            f"{deleted['task results']} task result(s), {deleted['mails']} mail(s), "
            f"{deleted['runs']} run(s) deleted."
        )

    return schedule.perform(prune, work, run=run, attempt=attempt)
