"""How often someone may try to log in, sign up or have us send mail.

Log-ins are counted by django-axes (settings `AXES_*`): failures per account and
per IP, in the database. Its backend, first in AUTHENTICATION_BACKENDS, refuses
a locked-out attempt before ModelBackend hashes the password; the log-in forms
then show `LockoutMessageMixin`'s message with the wait, and `lockout_response`
answers 429. Sign-ups, password resets and confirmation resends are counted in
the shared cache (core.ratelimit), per target address and per IP.
"""

import hashlib
import logging
import math

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django import forms
from django.db.models import Max, Q
from django.dispatch import receiver
from django.utils import timezone

from core.ratelimit import Limit, RateLimited, client_ip

logger = logging.getLogger("security")

HOUR = 60 * 60
SIGNUPS_PER_IP = Limit("signup-ip", count=5, seconds=HOUR)
SIGNUPS_PER_ADDRESS = Limit("signup-address", count=3, seconds=HOUR)
RESETS_PER_IP = Limit("password-reset-ip", count=10, seconds=HOUR)
RESETS_PER_ADDRESS = Limit("password-reset-address", count=3, seconds=HOUR)
RESENDS_PER_IP = Limit("resend-confirmation-ip", count=10, seconds=HOUR)
RESENDS_PER_ADDRESS = Limit("resend-confirmation-address", count=3, seconds=HOUR)


def limit(request, email: str, *, per_ip: Limit, per_address: Limit) -> None:
    """Count one request against the IP's and the address's limits; raise
    RateLimited when either is used up."""
    per_ip.hit(client_ip(request))
    per_address.hit(email.strip().lower())


def within_limits(
    request, form, *, per_ip: Limit, per_address: Limit, field: str | None = "email"
) -> bool:
    """Count a valid form's request against the limits of its IP and its
    `email`; when either is used up, put the wait on the form (next to `field`,
    or above the form) and say False."""
    try:
        limit(
            request,
            form.cleaned_data["email"],
            per_ip=per_ip,
            per_address=per_address,
        )
    except RateLimited as limited:
        form.add_error(field, limited.message)
        return False
    return True


def unlock(user) -> None:
    """Forget the failed log-ins counted against this account (not its IPs')."""
    reset(username=user.get_username().strip().lower())
    logger.info(
        "lockout lifted by a password reset",
        extra={"event": "lockout_lifted", "user_id": user.pk},
    )


def username_of(request, credentials: dict | None) -> str | None:
    """The account a log-in attempt names, as the lockout counts it: "IMANI@x "
    and "imani@x" are one account."""
    data = credentials if credentials else getattr(request, "POST", {})
    username = data.get("username")
    return username.strip().lower() if isinstance(username, str) else username


def lockout_wait(request, username: str | None) -> int:
    """Seconds until the account or IP of this attempt may try again: the cool-off
    after the latest failure counted against either."""
    matches = Q(ip_address=request.axes_ip_address)
    if username:
        matches |= Q(username=username)
    cool_off = get_cool_off(request)
    last = AccessAttempt.objects.filter(
        matches, attempt_time__gte=timezone.now() - cool_off
    ).aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return int(cool_off.total_seconds())
    return max(1, int((last + cool_off - timezone.now()).total_seconds()) + 1)


class LockoutMessageMixin:
    """For an AuthenticationForm: when axes refuses the attempt, say so and how
    long to wait, instead of "wrong password"."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                username = username_of(self.request, self.cleaned_data)
                minutes = max(1, math.ceil(lockout_wait(self.request, username) / 60))
                unit = "minute" if minutes == 1 else "minutes"
                raise forms.ValidationError(
                    f"Too many failed log-ins. Please try again in {minutes} {unit}.",
                    code="locked_out",
                ) from None
            raise


def lockout_response(request, response, credentials):
    """The log-in page as rendered, with the lockout message on its form, as a
    429 (AXES_LOCKOUT_CALLABLE)."""
    response.status_code = 429
    return response


@receiver(user_locked_out, dispatch_uid="accounts.throttling.log_lockout")
def log_lockout(sender, request, username=None, ip_address=None, **kwargs):
    """Every refused log-in: a security event, without the address typed."""
    digest = hashlib.sha256(str(username or "").encode()).hexdigest()[:12]
    logger.warning(
        "log-in locked out",
        extra={
            "event": "login_locked_out",
            "path": request.path,
            "ip": ip_address,
            "account_hash": digest,
        },
    )
