"""Email that follows a change already made: a reply, an answer, an expiry notice.

The change is saved before the mail goes out, so a mail outage must not undo it or
turn the page into an error. `notify()` stores the mail as an `OutgoingMail` row in
the caller's transaction and queues `send_mail_task` (Django's tasks framework; the
worker is `manage.py db_worker`): in the same transaction when the queue is the
database's table, as on the site; once it commits with a backend that runs tasks at
once. Nothing is sent for a change that rolls back.

The task is idempotent: it claims the row before talking to the mail server and
marks it sent after, so a task run twice sends one mail. A failure is logged and
tried again later (1, 2, 4, 8 minutes), then given up on: staff see it in the
admin and can send it again. A worker killed between the server's accepting the
mail and the row's being marked sent leaves the claim behind; once it is older
than CLAIM_EXPIRY the mail may be sent again (`requeue_stalled_mail`). We chose
that side on purpose: a rare duplicate (with the same Message-ID) is better than a
lost password-reset or reply.
"""

import datetime
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.db.transaction import on_commit
from django.tasks import task
from django.utils import timezone

from core.models import OutgoingMail
from core.taskqueue import in_this_database

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)
# Far longer than the SMTP timeout: a claim this old belongs to a dead worker
# (settings.MAIL_CLAIM_SECONDS, DJANGO_MAIL_CLAIM_SECONDS: 10 minutes).
CLAIM_EXPIRY = datetime.timedelta(seconds=settings.MAIL_CLAIM_SECONDS)


def notify(subject: str, body: str, to: str) -> bool:
    """Email `body` to one address once the current transaction commits (at once
    outside a transaction); return whether it was sent or is on its way. With the
    database queue the mail and its task are stored in the caller's transaction.

    A failure to send (the mail server is down, refuses us, times out) is logged
    with its traceback and retried by the worker, never raised; with a backend
    that runs tasks at once and cannot defer them, it is reported as False. An
    empty address sends nothing and is False.
    """
    if not to:
        return False
    mail = OutgoingMail.objects.create(to=to, subject=subject, body=body)
    if in_this_database(send_mail_task):
        # The queue is a table of this database: the task row commits or rolls
        # back with the change and its mail, so no crash between the commit and
        # the queuing can leave a mail that nothing will send.
        send_mail_task.enqueue(str(mail.key))
        return True
    outcome = []
    on_commit(lambda: outcome.append(_enqueue(mail.key)))
    return outcome[0] if outcome else True


def _enqueue(key) -> bool:
    """Queue the sending; the answer of a backend that ran it at once, else True."""
    result = send_mail_task.enqueue(str(key))
    if result.is_finished:
        return bool(result.return_value)
    return True


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failure: doubling each time."""
    return FIRST_RETRY_DELAY * 2 ** (attempts - 1)


@task
def send_mail_task(key: str) -> bool:
    """Send the queued mail `key` unless it is sent or being sent; on failure
    queue another try after a growing delay, or give up for staff to see."""
    now = timezone.now()
    # One UPDATE claims the mail: of two runs at once, only one matches.
    claimed = (
        OutgoingMail.objects.claimable(now, CLAIM_EXPIRY)
        .filter(key=key)
        .update(
            status=OutgoingMail.Status.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    )
    mail = OutgoingMail.objects.filter(key=key).first()
    if mail is None:
        return False
    if not claimed:
        # Sent already, being sent by another run, or given up on.
        return mail.status != OutgoingMail.Status.FAILED
    try:
        _send(mail)
    except Exception as error:
        _failed(mail, error)
        return False
    # Not in one transaction with the claim, so the database is never held while
    # the mail server answers; the crash window is between its accepting and this.
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENT, sent_at=timezone.now(), body=""
    )
    return True


def _send(mail: OutgoingMail) -> None:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    EmailMessage(
        subject=mail.subject,
        body=mail.body,
        to=[mail.to],
        headers={"Message-ID": f"<{mail.key}@{domain or 'localhost'}>"},
    ).send()


def _failed(mail: OutgoingMail, error: Exception) -> None:
    """Log the failure and queue another try, or give up."""
    # Whatever went wrong, the change is saved; the log has the error.
    logger.warning("Could not send %r to %s", mail.subject, mail.to, exc_info=True)
    retry = mail.attempts < MAX_ATTEMPTS and send_mail_task.get_backend().supports_defer
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.QUEUED if retry else OutgoingMail.Status.FAILED,
        last_error=type(error).__name__[:100],
    )
    if retry:
        send_mail_task.using(
            run_after=timezone.now() + retry_delay(mail.attempts)
        ).enqueue(str(mail.key))


def requeue_stalled(now: datetime.datetime | None = None) -> int:
    """Queue another try of every mail a worker claimed over CLAIM_EXPIRY ago
    and never marked sent (it died mid-send); returns how many."""
    keys = OutgoingMail.objects.stalled(now or timezone.now(), CLAIM_EXPIRY)
    count = 0
    for key in keys.values_list("key", flat=True):
        # The task claims the row again, so a mail queued twice goes once.
        send_mail_task.enqueue(str(key))
        count += 1
    return count
