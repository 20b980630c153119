"""The daily stale-details job as a background task, queued by `manage.py
scheduler` (registered in DashboardConfig.ready())."""

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from core import schedule
from dashboard import confirmation


@task
def remind_stale_details(run: int | None = None, attempt: int = 1) -> str:
    """Rescore therapists whose details just went stale and remind them
    (dashboard.confirmation); retried with backoff on failure, as a second run
    the same day changes and sends nothing new."""
    return schedule.perform(
        remind_stale_details,
        lambda: confirmation.rerank_and_remind(
            today=timezone.localdate(), address=settings.SITE_ADDRESS
        ),
        run=run,
        attempt=attempt,
    )
