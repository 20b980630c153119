"""Email that follows a change already made: a reply, an answer, an expiry notice.

The change is saved before the mail goes out, so a mail outage must not undo it or
turn the page into an error. `notify()` sends only once the change has committed
(nothing is sent for a change that rolls back), logs a failure and carries on; the
SMTP timeout in settings bounds how long a mail server that never answers can
hold a request.
"""

import logging

from django.core.mail import send_mail
from django.db.transaction import on_commit

logger = logging.getLogger(__name__)


def notify(subject: str, body: str, to: str) -> bool:
    """Email `body` to one address once the current transaction commits (at once
    outside a transaction); return whether it was sent.

    A failure to send (the mail server is down, refuses us, times out) is logged
    with its traceback and reported as False, never raised. Mail waiting for a
    commit is reported as True. An empty address sends nothing and is False.
    """
    if not to:
        return False
    outcome = []
    on_commit(lambda: outcome.append(_send(subject, body, to)))
    return outcome[0] if outcome else True


def _send(subject: str, body: str, to: str) -> bool:
    try:
        sent = send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[to]
        )
    except Exception:
        # Whatever went wrong, the change is saved; the log has the error.
        logger.warning("Could not send %r to %s", subject, to, exc_info=True)
        return False
    return sent > 0
