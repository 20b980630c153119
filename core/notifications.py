"""Email that follows a change already made: a reply, an answer, an expiry notice.

The change is saved before the mail goes out, so a mail outage must not undo it or
turn the page into an error: `notify()` logs the failure and carries on.
"""

import logging
import smtplib

from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def notify(subject: str, body: str, to: str) -> bool:
    """Email `body` to one address; return whether it was sent.

    A failure to send (the mail server is down, refuses us, times out) is logged
    with its traceback and reported as False, never raised. An empty address
    sends nothing and is False too.
    """
    try:
        sent = send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[to]
        )
    except (OSError, smtplib.SMTPException):
        logger.warning("Could not send %r to %s", subject, to, exc_info=True)
        return False
    return sent > 0
