"""Every change of a credential's status, each recorded in the audit trail
(verification.audit) as part of the change.

The staff queue and review page, the admin, the therapist's dashboard, the
clinician's page, the expiry job and the board roster import change credentials
only through the functions here, so each rule is written once: what a decision
records, which edits send a credential back to staff, what an admin save amounts
to, when a credential expires, what a roster row means. A credential is a
therapist's or a clinician's licence; both go through the same functions.

The rule every function keeps: it is a whole change. In one transaction it writes
the credentials, appends their events to the audit trail, and recounts what the
change moves (`badges.holders_changed`: for therapists the badge, the credential
counts, the location copies, the score; for clinicians whether their licence is
verified, and so which recommendations count) once for all the holders it
touched, however many credentials it changed. Callers never recount. Only
verified credentials count towards any of that, so a change that leaves a
credential unverified before and after (a submission, rejecting a pending one)
recounts nothing.

A staff decision (on the review page, in bulk, or a status set in the admin)
also tells the therapist (or clinician) by email, once the change commits: one email per
credential decided, with the reason when it is rejected.

The roster import alone takes two steps, so that a dry run writes nothing and
thousands of rows are written in a few bulk statements: `roster_outcome()`
decides about one row in memory, then `save_roster_outcomes()` writes them all,
with their events and one recount per batch.
"""

import datetime
import enum
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from clinicians.models import Clinician
from core.files import delete_on_commit
from core.notifications import notify
from therapists.models import Therapist
from verification import badges
from verification.audit import new_event, record_event, snapshot
from verification.models import Credential, CredentialEvent, CredentialQuerySet
from verification.rosters import RosterRow, names_match

Status = Credential.Status
Action = CredentialEvent.Action

# A therapist who changes any of these on a decided credential sends it back to
# staff; the issue date alone does not.
RECHECKED_FIELDS = ("kind", "issuer", "number", "jurisdiction", "expires_on")

# The event an admin save records when it changes the status; any other new
# status (back to pending) revokes the decision.
ADMIN_STATUS_ACTIONS = {
    Status.VERIFIED: Action.APPROVED,
    Status.REJECTED: Action.REJECTED,
    Status.EXPIRED: Action.EXPIRED,
}

# What a roster match sets; bulk_update() writes exactly these.
ROSTER_FIELDS = [
    "status",
    "verification_method",
    "verified_at",
    "verified_by",
    "expires_on",
    "roster_flag",
    "board_status",
    "board_source",
    "board_checked_on",
    "board_review",
]


def _changed(before: Credential, after: Credential) -> bool:
    """Whether a save changes anything the audit trail or the owner would see."""
    return (
        snapshot(before) != snapshot(after)
        or before.therapist_id != after.therapist_id
        or before.clinician_id != after.clinician_id
        or before.evidence.name != after.evidence.name
    )


OWN_CREDENTIAL = (
    "You cannot decide on your own credential: another member of staff must."
)


def is_own(
    actor: AbstractBaseUser,
    therapist_ids: Iterable[int | None],
    clinician_ids: Iterable[int | None] = (),
) -> bool:
    """Whether any of these therapists or clinicians is the actor's own profile."""
    therapist_ids = {pk for pk in therapist_ids if pk is not None}
    clinician_ids = {pk for pk in clinician_ids if pk is not None}
    return bool(
        therapist_ids
        and Therapist.objects.of_user(actor).filter(pk__in=therapist_ids).exists()
    ) or bool(
        clinician_ids
        and Clinician.objects.of_user(actor).filter(pk__in=clinician_ids).exists()
    )


def holds_any(actor: AbstractBaseUser, credentials: Iterable[Credential]) -> bool:
    """Whether any of these credentials is the actor's own, as a therapist or
    as a clinician."""
    credentials = list(credentials)
    return is_own(
        actor,
        (c.therapist_id for c in credentials),
        (c.clinician_id for c in credentials),
    )


def _refuse_own(actor: AbstractBaseUser, credentials: Iterable[Credential]) -> None:
    """Separation of duties: nobody decides on, or as staff changes, their own
    credential, as a therapist or as a clinician. Raises PermissionDenied
    before anything is written."""
    if holds_any(actor, credentials):
        raise PermissionDenied(OWN_CREDENTIAL)


def _tell_therapist(credential: Credential) -> None:
    """Email the therapist (or the clinician) a staff decision on their
    credential (approved, or rejected with the reason), once the change
    commits."""
    user = credential.holder.user
    what = credential.get_kind_display().lower()
    approved = credential.status == Status.VERIFIED
    notify(
        subject=(
            f"Your {what} is verified"
            if approved
            else f"We could not verify your {what}"
        ),
        body=render_to_string(
            "verification/email/decision.txt",
            {
                "credential": credential,
                "user": user,
                "approved": approved,
                "counts_for_badge": credential.kind in Credential.BADGE_KINDS,
                "clinician": credential.is_clinicians,
            },
        ),
        to=user.email,
    )


def _recount(credentials: Iterable[Credential], *statuses: str | None) -> None:
    """Recount the holders of these credentials (a therapist's badge, counts
    and score; a clinician's verified status) if a credential was or is
    verified: no other status counts towards any of them."""
    if Status.VERIFIED in statuses:
        badges.holders_changed(credentials)


# --- the therapist's own changes ------------------------------------------------


@transaction.atomic
def submit(*, credential: Credential, actor: AbstractBaseUser) -> Credential:
    """Save a credential the therapist submits; it waits for staff, and counts
    towards nothing until they approve it."""
    credential.status = Status.PENDING
    credential.save()
    record_event(credential=credential, action=Action.SUBMITTED, actor=actor)
    return credential


@transaction.atomic
def edit(
    *, credential: Credential, before: Credential, actor: AbstractBaseUser
) -> Credential:
    """Save the therapist's edit of their credential (`before` is the stored row).

    A new claim on a decided credential (RECHECKED_FIELDS) sends it back to staff
    without the old decision; a replaced document is deleted once this commits.
    """
    rechecked = any(
        getattr(credential, name) != getattr(before, name) for name in RECHECKED_FIELDS
    )
    if rechecked and credential.status != Status.PENDING:
        credential.status = Status.PENDING
        credential.verified_at = None
        credential.verified_by = None
        credential.verification_method = ""
        credential.status_note = ""
    credential.save()
    if _changed(before, credential):
        record_event(
            credential=credential,
            action=Action.EDITED,
            actor=actor,
            old=snapshot(before),
        )
    if before.evidence.name != credential.evidence.name:
        delete_on_commit(before.evidence)
    _recount([credential], before.status, credential.status)
    return credential


def remove(*, credential: Credential) -> None:
    """Delete a credential (see remove_all())."""
    remove_all(credentials=[credential])


@transaction.atomic
def remove_all(*, credentials: Iterable[Credential]) -> None:
    """Delete credentials and, once that commits, their documents.

    Deleting is not a decision and adds no event; the audit trail outlives the
    credential as it stood.
    """
    credentials = list(credentials)
    delete_on_commit(*(credential.evidence for credential in credentials))
    Credential.objects.filter(pk__in=[c.pk for c in credentials]).delete()
    badges.holders_changed(c for c in credentials if c.status == Status.VERIFIED)


# --- staff decisions ---------------------------------------------------------


def _decide(
    *,
    credential: Credential,
    actor: AbstractBaseUser,
    approve: bool,
    method: str,
    note: str,
    keep_badge: bool = False,
) -> None:
    old = snapshot(credential)
    if approve:
        credential.status = Status.VERIFIED
        credential.verification_method = method
        credential.verified_by = actor
        credential.verified_at = timezone.now()
        credential.status_note = ""
        # Staff who approve have looked into whatever a roster flagged, and
        # decided whether a lapse or discipline it shows withholds the badge.
        credential.roster_flag = ""
        if credential.board_status in Credential.BADGE_WITHHOLDING:
            credential.board_review = (
                Credential.BoardReview.KEPT
                if keep_badge
                else Credential.BoardReview.WITHHELD
            )
    else:
        credential.status = Status.REJECTED
        credential.verification_method = method
        credential.verified_by = None
        credential.verified_at = None
        credential.status_note = note
    credential.save()
    record_event(
        credential=credential,
        action=Action.APPROVED if approve else Action.REJECTED,
        actor=actor,
        method=method,
        note=note,
        old=old,
    )
    _tell_therapist(credential)


@transaction.atomic
def decide(
    *,
    credential: Credential,
    actor: AbstractBaseUser,
    approve: bool,
    method: str,
    note: str,
    keep_badge: bool = False,
) -> Credential:
    """Approve or reject one credential, recording who, when and how; a
    rejection's note is the reason the therapist sees. Approving one whose
    board roster shows a lapse or discipline also decides its badge: kept
    (`keep_badge`) or withheld. Raises PermissionDenied when it is the actor's
    own."""
    _refuse_own(actor, [credential])
    was = credential.status
    _decide(
        credential=credential,
        actor=actor,
        approve=approve,
        method=method,
        note=note,
        keep_badge=keep_badge,
    )
    _recount([credential], was, credential.status)
    return credential


@transaction.atomic
def approve_all(
    *,
    credentials: Iterable[Credential],
    actor: AbstractBaseUser,
    method: str,
    note: str,
) -> list[Credential]:
    """Approve several credentials at once, with one method and note. Raises
    PermissionDenied, approving none, when one of them is the actor's own.
    A badge that a board's roster withholds stays withheld: keeping it takes
    the credential's own review page."""
    approved = list(credentials)
    _refuse_own(actor, approved)
    for credential in approved:
        _decide(
            credential=credential, actor=actor, approve=True, method=method, note=note
        )
    badges.holders_changed(approved)
    return approved


def _admin_action(before: Credential | None, credential: Credential) -> str:
    """Which event an admin save of a credential is."""
    if before is None:
        return Action.SUBMITTED
    if before.status != credential.status:
        return ADMIN_STATUS_ACTIONS.get(credential.status, Action.REVOKED)
    return Action.EDITED


@transaction.atomic
def save_in_admin(
    *, credential: Credential, before: Credential | None, actor: AbstractBaseUser
) -> Credential:
    """Save a credential as staff left it in the admin (`before` is the stored
    row, None for a new one): whoever sets it verified is recorded as verifying
    it, the event says what the save amounts to, and a replaced document is
    deleted once this commits. Staff edits never send a credential back to
    staff. Raises PermissionDenied when the credential is, or was, the actor's
    own."""
    _refuse_own(actor, [credential, *([before] if before else [])])
    if credential.status == Status.VERIFIED and (
        before is None
        or before.status != credential.status
        or credential.verified_at is None
    ):
        credential.verified_by = actor
        credential.verified_at = timezone.now()
    credential.save()
    if before is None or _changed(before, credential):
        action = _admin_action(before, credential)
        record_event(
            credential=credential,
            action=action,
            actor=actor,
            method=credential.verification_method,
            note=credential.status_note,
            old=snapshot(before) if before else {},
        )
        if action in (Action.APPROVED, Action.REJECTED):
            _tell_therapist(credential)
    if before is None:
        _recount([credential], credential.status)
        return credential
    if before.evidence.name != credential.evidence.name:
        delete_on_commit(before.evidence)
    # A credential moved to another holder moves both.
    _recount([credential, before], before.status, credential.status)
    return credential


# --- the expiry job ------------------------------------------------------------


@transaction.atomic
def expire(
    *, credentials: CredentialQuerySet, today: datetime.date
) -> list[Credential]:
    """Mark those of these credentials that lapsed before `today` expired (the
    badge rule already ignores them); returns them, for the caller to tell."""
    lapsed = list(credentials.lapsed(today))
    for credential in lapsed:
        old = snapshot(credential)
        credential.status = Status.EXPIRED
        credential.save(update_fields=["status", "updated_at"])
        record_event(
            credential=credential,
            action=Action.EXPIRED,
            note=f"Expired on {credential.expires_on:%Y-%m-%d}.",
            old=old,
        )
    badges.holders_changed(lapsed)
    return lapsed


@transaction.atomic
def remind(
    *, credentials: CredentialQuerySet, today: datetime.date, within_days: int
) -> list[Credential]:
    """Record one expiry reminder for each of these credentials that expires
    within `within_days` of `today`, once per expiry date (a renewed credential
    is reminded again); returns those due, for the caller to tell. A reminder
    changes no status."""
    due = []
    for credential in credentials.expiring(today, within_days):
        already = CredentialEvent.objects.filter(
            credential=credential,
            action=Action.REMINDED,
            new_values__expires_on=credential.expires_on.isoformat(),
        ).exists()
        if already:
            continue
        record_event(
            credential=credential,
            action=Action.REMINDED,
            note=f"Reminder: expires on {credential.expires_on:%Y-%m-%d}.",
        )
        due.append(credential)
    return due


# --- board rosters -----------------------------------------------------------


class RosterOutcome(enum.StrEnum):
    """What a board roster row does to the site's licence with its number."""

    VERIFIED = "verified"
    FLAGGED = "flagged for staff"
    UNCHANGED = "unchanged"


def board_status_of(row: RosterRow, today: datetime.date) -> str:
    """What a roster row says of the licence on that day, in the site's words:
    disciplined, lapsed (not active, or past its expiry) or active."""
    if row.disciplined:
        return Credential.BoardStatus.DISCIPLINED
    if row.lapsed(today):
        return Credential.BoardStatus.LAPSED
    return Credential.BoardStatus.ACTIVE


def _record_board_status(
    credential: Credential, status: str, source: str, checked_on: datetime.date
) -> None:
    """Store what the board shows, where and when; a new status undoes staff's
    decision on the badge, which was about the old one."""
    if status != credential.board_status:
        credential.board_review = Credential.BoardReview.WAITING
    credential.board_status = status
    credential.board_source = source
    credential.board_checked_on = checked_on


def roster_outcome(
    *,
    credential: Credential,
    row: RosterRow,
    issuer: str,
    now: datetime.datetime,
    source: str = "",
    checked_on: datetime.date | None = None,
) -> tuple[RosterOutcome, CredentialEvent | None]:
    """Decide what one roster row says about the licence it matches.

    A row whose name agrees records the board's status on the licence, with its
    `source` (shown on the profile: "per the Colorado roster") and the day it
    was `checked_on` (today by default); a row whose name differs may be
    someone else's, so it records nothing of the board's status. A row whose
    name agrees, whose board status is active and that shows no disciplinary
    action or past expiry verifies the licence "by state board roster" with the
    roster's expiry; any other row flags it for staff, and a lapse or discipline
    withholds the badge until they decide (decide()). A lapse or discipline
    staff already decided on is not flagged again. Nothing is saved: the
    credential is changed in memory and its event returned unsaved (None when
    the row changes nothing the audit trail records), for
    save_roster_outcomes().
    """
    therapist = credential.therapist
    today = timezone.localdate(now)
    names = [therapist.display_name, therapist.user.get_full_name()]
    old = snapshot(credential)
    problems = []
    if not names_match(row.first_name, row.last_name, names):
        problems.append(
            f"roster name “{row.first_name} {row.last_name}” differs from "
            f"“{therapist.display_name}”"
        )
    else:
        status = board_status_of(row, today)
        _record_board_status(
            credential, status, source or f"{issuer} roster", checked_on or today
        )
    if not credential.board_review:
        problems += row.problems
        if row.expires and row.expires < today:
            problems.append(f"roster expiry {row.expires:%Y-%m-%d} has passed")
    if problems:
        flag = (f"{issuer} roster: " + "; ".join(problems))[:300]
        if credential.roster_flag == flag and snapshot(credential) == old:
            return RosterOutcome.UNCHANGED, None
        credential.roster_flag = flag
        event = new_event(
            credential=credential,
            action=Action.ROSTER_FLAG,
            method=Credential.Method.BOARD_ROSTER,
            note=flag,
            old=old,
        )
        return RosterOutcome.FLAGGED, event
    if (
        credential.status == Status.VERIFIED
        and credential.verification_method == Credential.Method.BOARD_ROSTER
        and credential.expires_on == (row.expires or credential.expires_on)
        and not credential.roster_flag
        and snapshot(credential) == old
    ):
        return RosterOutcome.UNCHANGED, None
    credential.status = Status.VERIFIED
    credential.verification_method = Credential.Method.BOARD_ROSTER
    credential.verified_at = now
    credential.verified_by = None
    credential.expires_on = row.expires or credential.expires_on
    credential.roster_flag = ""
    event = new_event(
        credential=credential,
        action=Action.ROSTER_MATCH,
        method=Credential.Method.BOARD_ROSTER,
        note=f"{issuer} roster, line {row.line}",
        old=old,
    )
    return RosterOutcome.VERIFIED, event


@transaction.atomic
def save_roster_outcomes(
    *,
    events: list[CredentialEvent],
    checked: Iterable[Credential] = (),
    batch_size: int = 2000,
) -> None:
    """Write what roster_outcome() decided: each event's credential, the
    `checked` credentials whose only change is the day of the check, the
    events, and one recount per batch of therapists, in a few bulk
    statements."""
    changed = {id(event.credential): event.credential for event in events}
    changed.update((id(credential), credential) for credential in checked)
    Credential.objects.bulk_update(
        list(changed.values()), ROSTER_FIELDS, batch_size=batch_size
    )
    CredentialEvent.objects.bulk_create(events, batch_size=batch_size)
    # The badge moves with a verified credential's status or board status.
    moved = sorted(
        {
            event.credential.therapist_id
            for event in events
            if Status.VERIFIED
            in (event.old_values.get("status"), event.new_values["status"])
        }
    )
    for start in range(0, len(moved), batch_size):
        badges.credentials_changed(moved[start : start + batch_size])
