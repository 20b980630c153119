"""Trauma-informed care training (issue 16, item 4): a credential kind that goes
through the same staff verification as every other (queue, decisions, audit).
It is not a licence and never gives the badge; verified and current, it counts
as another verified credential (verification.badges).

The profile and the comparison claim it only when staff verified it and it has
not expired; a pending one is never claimed. They read the credentials they
already loaded, so claiming it costs no query.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from verification.models import Credential

KIND = Credential.Kind.TRAUMA_INFORMED


def is_current_training(
    credential: Credential, on: datetime.date | None = None
) -> bool:
    """Whether this is verified, unexpired trauma-informed care training."""
    on = on or timezone.localdate()
    return (
        credential.kind == KIND
        and credential.status == Credential.Status.VERIFIED
        and credential.verified_at is not None
        and (credential.expires_on is None or credential.expires_on >= on)
    )


def current_training(
    credentials: Iterable[Credential], on: datetime.date | None = None
) -> Credential | None:
    """The most recently verified current trauma-informed care training among
    `credentials` (already loaded), or None."""
    held = [c for c in credentials if is_current_training(c, on)]
    return max(held, key=lambda c: c.verified_at, default=None)


def verified_on(credential: Credential | None) -> datetime.date | None:
    """The day staff verified it (local time), or None."""
    if credential is None or credential.verified_at is None:
        return None
    return timezone.localdate(credential.verified_at)
