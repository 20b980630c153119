"""The daily expiry run as a background task, queued by `manage.py scheduler`
(registered in VerificationConfig.ready())."""

from django.tasks import task
from django.utils import timezone

from core import schedule
from verification.expiry import expire_and_remind


@task
def expire_credentials(run: int | None = None, attempt: int = 1) -> str:
    """Expire lapsed credentials and remind before expiry (verification.expiry);
    retried with backoff on failure, as a second run sends nothing new."""
    return schedule.perform(
        expire_credentials,
        lambda: str(expire_and_remind(today=timezone.localdate())),
        run=run,
        attempt=attempt,
    )
