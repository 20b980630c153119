"""Every change of a credential's status, and the audit trail beside it.

The staff queue, the admin, the therapist's own edits, the expiry job and the
board roster import all change a credential's status through this module, so
the rules (who may verify, what a decision records, what an edit undoes) are
written once, and each change is written to the audit trail with a snapshot.
"""

from django.db import transaction
from django.utils import timezone

from verification.models import Credential, CredentialEvent

AUDITED_FIELDS = (
    *Credential.CLAIM_FIELDS,
    "status",
    "verification_method",
    "status_note",
)


def snapshot(credential: Credential) -> dict:
    """The audited fields of a credential, as JSON-ready values."""
    values = {}
    for name in AUDITED_FIELDS:
        value = getattr(credential, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def record_event(
    *, credential: Credential, action: str, actor=None, method="", note="", old=None
) -> CredentialEvent:
    """Append one row to a credential's audit trail."""
    return CredentialEvent.objects.create(
        credential=credential,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        method=method,
        note=note,
        old_values=old or {},
        new_values=snapshot(credential),
    )


@transaction.atomic
def decide(
    *, credential: Credential, actor, approve: bool, method: str, note: str
) -> Credential:
    """Approve or reject a credential and record who, when and how; the caller
    then recounts the therapist (once, however many credentials it decided)."""
    old = snapshot(credential)
    if approve:
        credential.status = Credential.Status.VERIFIED
        credential.verification_method = method
        credential.verified_by = actor
        credential.verified_at = timezone.now()
        credential.status_note = ""
        # Staff who approve have looked into whatever a roster flagged.
        credential.roster_flag = ""
    else:
        credential.status = Credential.Status.REJECTED
        credential.verification_method = method
        credential.verified_by = None
        credential.verified_at = None
        credential.status_note = note
    credential.save()
    record_event(
        credential=credential,
        action=CredentialEvent.Action.APPROVED
        if approve
        else CredentialEvent.Action.REJECTED,
        actor=actor,
        method=method,
        note=note,
        old=old,
    )
    return credential
