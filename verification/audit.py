"""The audit trail of credentials: one row per decision or change, with a
snapshot of the audited fields before and after. Only verification.decisions
writes it, as part of each change."""

import logging

from django.contrib.auth.base_user import AbstractBaseUser

from verification.models import Credential, CredentialEvent

security_log = logging.getLogger("security")

AUDITED_FIELDS = (
    *Credential.CLAIM_FIELDS,
    "status",
    "verification_method",
    "status_note",
    # What a board roster shows, and staff's decision on the badge because of it.
    "board_status",
    "board_review",
)


def snapshot(credential: Credential) -> dict:
    """The audited fields of a credential, as JSON-ready values."""
    values = {}
    for name in AUDITED_FIELDS:
        value = getattr(credential, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def new_event(
    *,
    credential: Credential,
    action: str,
    actor: AbstractBaseUser | None = None,
    method: str = "",
    note: str = "",
    old: dict | None = None,
) -> CredentialEvent:
    """One row of a credential's audit trail, not saved yet."""
    return CredentialEvent(
        credential=credential,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        method=method,
        note=note,
        old_values=old or {},
        new_values=snapshot(credential),
    )


def record_event(
    *,
    credential: Credential,
    action: str,
    actor: AbstractBaseUser | None = None,
    method: str = "",
    note: str = "",
    old: dict | None = None,
) -> CredentialEvent:
    """Append one row to a credential's audit trail (and a line to the
    security log: ids and the action, never the claim's details)."""
    event = new_event(
        credential=credential,
        action=action,
        actor=actor,
        method=method,
        note=note,
        old=old,
    )
    event.save()
    security_log.info(
        "credential %s",
        action,
        extra={
            "event": f"credential_{action}",
            "credential_id": credential.pk,
            "therapist_id": credential.therapist_id,
            "clinician_id": credential.clinician_id,
            "actor_id": event.actor_id,
        },
    )
    return event
