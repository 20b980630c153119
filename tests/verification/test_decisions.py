"""verification.decisions: every change of a credential's status, called directly.

Each test checks what the database holds afterwards: the credential's status, the
event in its audit trail, and the badge and counts stored on the therapist.
"""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from verification import audit, decisions
from verification.decisions import RosterOutcome
from verification.models import Credential, CredentialEvent
from verification.rosters import RosterRow

pytestmark = pytest.mark.django_db

Status = Credential.Status
Action = CredentialEvent.Action
ISSUER = "Colorado Office of Massage Therapy Licensure"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def events_of(credential) -> list[CredentialEvent]:
    return list(CredentialEvent.objects.filter(credential_id=credential.pk))


def only_event(credential) -> CredentialEvent:
    (event,) = events_of(credential)
    return event


def badge_of(therapist) -> tuple:
    """What a credential change moves on the therapist."""
    therapist.refresh_from_db()
    return (
        therapist.badge_valid_until,
        therapist.verified_licence_count,
        therapist.verified_certification_count,
        therapist.other_verified_credential_count,
    )


def therapist_updates(queries) -> list[str]:
    update = 'UPDATE "therapists_therapist"'
    return [query["sql"] for query in queries if query["sql"].startswith(update)]


@pytest.fixture
def pending(therapist):
    return factories.make_credential(
        therapist, number="MT-700001", status=Status.PENDING, expires_on=days(400)
    )


@pytest.fixture
def verified(therapist):
    return factories.make_credential(
        therapist,
        number="MT-700002",
        issued_on=datetime.date(2021, 3, 1),
        expires_on=days(300),
        evidence=ContentFile(factories.make_pdf_bytes(), name="licence.pdf"),
    )


def stored(credential) -> Credential:
    """A fresh copy of the stored row, as views and the admin pass `before`."""
    return Credential.objects.get(pk=credential.pk)


# --- submit ----------------------------------------------------------------------


def test_submit_saves_a_pending_credential_with_a_submitted_event(therapist):
    credential = Credential(
        therapist=therapist,
        kind=Credential.Kind.STATE_LICENCE,
        issuer="New York State Education Department",
        number="MT-700010",
        jurisdiction="NY",
        expires_on=days(500),
        # Whatever the caller set, a submission waits for staff.
        status=Status.VERIFIED,
    )

    decisions.submit(credential=credential, actor=therapist.user)

    credential.refresh_from_db()
    assert credential.status == Status.PENDING
    event = only_event(credential)
    assert event.action == Action.SUBMITTED
    assert event.actor == therapist.user
    assert event.old_values == {}
    assert event.new_values["number"] == "MT-700010"
    assert event.new_values["status"] == Status.PENDING
    assert badge_of(therapist) == (None, 0, 0, 0)


# --- edit --------------------------------------------------------------------------


def test_edit_of_a_verified_number_sends_it_back_to_staff_and_drops_the_badge(
    therapist, verified
):
    assert badge_of(therapist) == (verified.expires_on, 1, 0, 0)
    credential = stored(verified)
    credential.number = "MT-700099"

    decisions.edit(credential=credential, before=stored(verified), actor=therapist.user)

    credential.refresh_from_db()
    assert credential.number == "MT-700099"
    assert credential.status == Status.PENDING
    assert credential.verified_at is None
    assert credential.verified_by is None
    assert credential.verification_method == ""
    event = only_event(credential)
    assert event.action == Action.EDITED
    assert event.actor == therapist.user
    assert event.old_values["number"] == "MT-700002"
    assert event.old_values["status"] == Status.VERIFIED
    assert event.new_values["number"] == "MT-700099"
    assert event.new_values["status"] == Status.PENDING
    assert badge_of(therapist) == (None, 0, 0, 0)


def test_edit_of_a_rejected_claim_sends_it_back_to_staff_without_the_reason(
    therapist,
):
    rejected = factories.make_credential(
        therapist,
        number="MT-700003",
        status=Status.REJECTED,
        status_note="Not on the roster.",
    )
    credential = stored(rejected)
    credential.issuer = "New York State Board for Massage Therapy"

    decisions.edit(credential=credential, before=stored(rejected), actor=therapist.user)

    credential.refresh_from_db()
    assert credential.status == Status.PENDING
    assert credential.status_note == ""
    assert only_event(credential).old_values["status_note"] == "Not on the roster."


def test_edit_of_the_issue_date_alone_keeps_the_credential_verified(
    therapist, verified
):
    credential = stored(verified)
    credential.issued_on = datetime.date(2021, 4, 1)

    decisions.edit(credential=credential, before=stored(verified), actor=therapist.user)

    credential.refresh_from_db()
    assert credential.status == Status.VERIFIED
    assert credential.verified_at == verified.verified_at
    event = only_event(credential)
    assert event.action == Action.EDITED
    assert event.old_values["issued_on"] == "2021-03-01"
    assert event.new_values["issued_on"] == "2021-04-01"
    assert badge_of(therapist) == (verified.expires_on, 1, 0, 0)


def test_edit_that_changes_nothing_records_nothing(therapist, verified):
    decisions.edit(
        credential=stored(verified), before=stored(verified), actor=therapist.user
    )

    assert events_of(verified) == []
    assert stored(verified).status == Status.VERIFIED


def test_edit_with_a_new_document_records_it_and_deletes_the_old_one_on_commit(
    therapist, verified, django_capture_on_commit_callbacks
):
    old_path = Path(verified.evidence.path)
    credential = stored(verified)
    credential.evidence = ContentFile(factories.make_pdf_bytes(), name="renewed.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        decisions.edit(
            credential=credential, before=stored(verified), actor=therapist.user
        )

    credential.refresh_from_db()
    assert credential.evidence.name != verified.evidence.name
    assert Path(credential.evidence.path).exists()
    assert not old_path.exists()
    assert only_event(credential).action == Action.EDITED
    # A new scan of the same claim is not a new claim.
    assert credential.status == Status.VERIFIED


# --- decide and approve_all -----------------------------------------------------


def test_decide_approve_verifies_records_and_gives_the_badge(
    therapist, verifier, pending
):
    pending.roster_flag = "Colorado roster: board status is “Expired”"
    pending.save()
    before = timezone.now()

    decisions.decide(
        credential=pending,
        actor=verifier,
        approve=True,
        method=Credential.Method.BOARD_WEBSITE,
        note="Active on the board's lookup.",
    )

    credential = stored(pending)
    assert credential.status == Status.VERIFIED
    assert credential.verified_by == verifier
    assert before <= credential.verified_at <= timezone.now()
    assert credential.verification_method == Credential.Method.BOARD_WEBSITE
    assert credential.roster_flag == ""
    event = only_event(credential)
    assert event.action == Action.APPROVED
    assert event.actor == verifier
    assert event.method == Credential.Method.BOARD_WEBSITE
    assert event.note == "Active on the board's lookup."
    assert event.old_values["status"] == Status.PENDING
    assert event.new_values["status"] == Status.VERIFIED
    assert badge_of(therapist) == (pending.expires_on, 1, 0, 0)


def test_decide_reject_of_a_verified_credential_takes_the_badge_away(
    therapist, verifier, verified
):
    decisions.decide(
        credential=stored(verified),
        actor=verifier,
        approve=False,
        method="",
        note="Revoked by the board.",
    )

    credential = stored(verified)
    assert credential.status == Status.REJECTED
    assert credential.status_note == "Revoked by the board."
    assert credential.verified_by is None
    assert credential.verified_at is None
    event = only_event(credential)
    assert event.action == Action.REJECTED
    assert event.note == "Revoked by the board."
    assert event.old_values["status"] == Status.VERIFIED
    assert badge_of(therapist) == (None, 0, 0, 0)


def test_rejecting_a_pending_credential_recounts_nothing(therapist, verifier, pending):
    with CaptureQueriesContext(connection) as queries:
        decisions.decide(
            credential=pending, actor=verifier, approve=False, method="", note="No."
        )

    assert stored(pending).status == Status.REJECTED
    assert only_event(pending).action == Action.REJECTED
    # A credential that was never verified moved none of the stored counts.
    assert therapist_updates(queries.captured_queries) == []


def test_approve_all_approves_each_with_one_note_and_gives_both_badges(
    therapist, other_therapist, verifier
):
    # A board certification earns the badge where the state licenses nobody.
    factories.make_location(other_therapist, "66044")  # Lawrence, Kansas
    first = factories.make_credential(therapist, status=Status.PENDING)
    second = factories.make_credential(
        other_therapist,
        kind=Credential.Kind.BOARD_CERTIFICATION,
        issuer="NCBTMB",
        jurisdiction="US",
        status=Status.PENDING,
    )

    approved = decisions.approve_all(
        credentials=[first, second],
        actor=verifier,
        method=Credential.Method.BOARD_ROSTER,
        note="Checked against the March roster.",
    )

    assert approved == [first, second]
    for credential in approved:
        credential.refresh_from_db()
        assert credential.status == Status.VERIFIED
        assert credential.verified_by == verifier
        event = only_event(credential)
        assert event.action == Action.APPROVED
        assert event.note == "Checked against the March roster."
    assert badge_of(therapist) == (first.expires_on, 1, 0, 0)
    assert badge_of(other_therapist) == (second.expires_on, 0, 1, 0)


# --- save_in_admin ---------------------------------------------------------------


def test_admin_save_of_a_new_credential_is_a_submission_by_staff(therapist, verifier):
    credential = Credential(
        therapist=therapist,
        kind=Credential.Kind.STATE_LICENCE,
        issuer="New York State Education Department",
        number="MT-700020",
        jurisdiction="NY",
        expires_on=days(200),
        status=Status.VERIFIED,
        verification_method=Credential.Method.BOARD_WEBSITE,
    )

    decisions.save_in_admin(credential=credential, before=None, actor=verifier)

    credential.refresh_from_db()
    assert credential.status == Status.VERIFIED
    assert credential.verified_by == verifier
    assert credential.verified_at is not None
    event = only_event(credential)
    assert event.action == Action.SUBMITTED
    assert event.actor == verifier
    assert event.method == Credential.Method.BOARD_WEBSITE
    assert badge_of(therapist) == (days(200), 1, 0, 0)


@pytest.mark.parametrize(
    ("was", "becomes", "action"),
    [
        (Status.PENDING, Status.VERIFIED, Action.APPROVED),
        (Status.PENDING, Status.REJECTED, Action.REJECTED),
        (Status.VERIFIED, Status.EXPIRED, Action.EXPIRED),
        (Status.VERIFIED, Status.PENDING, Action.REVOKED),
        (Status.REJECTED, Status.PENDING, Action.REVOKED),
    ],
)
def test_admin_status_change_records_what_it_amounts_to(
    therapist, verifier, was, becomes, action
):
    original = factories.make_credential(therapist, status=was, expires_on=days(90))
    credential = stored(original)
    credential.status = becomes
    credential.verification_method = Credential.Method.BOARD_WEBSITE

    decisions.save_in_admin(
        credential=credential, before=stored(original), actor=verifier
    )

    credential.refresh_from_db()
    assert credential.status == becomes
    event = only_event(credential)
    assert event.action == action
    assert event.actor == verifier
    assert event.old_values["status"] == was
    assert event.new_values["status"] == becomes
    verified = becomes == Status.VERIFIED
    assert badge_of(therapist) == ((days(90), 1, 0, 0) if verified else (None, 0, 0, 0))
    if verified:
        assert credential.verified_by == verifier


def test_admin_edit_of_a_verified_claim_keeps_it_verified(
    therapist, verifier, verified
):
    credential = stored(verified)
    credential.expires_on = days(700)

    decisions.save_in_admin(
        credential=credential, before=stored(verified), actor=verifier
    )

    credential.refresh_from_db()
    assert credential.status == Status.VERIFIED
    # Staff edited the claim; the verification stands as it was made.
    assert credential.verified_at == verified.verified_at
    event = only_event(credential)
    assert event.action == Action.EDITED
    assert event.new_values["expires_on"] == days(700).isoformat()
    assert badge_of(therapist) == (days(700), 1, 0, 0)


def test_admin_save_that_changes_nothing_records_nothing(verifier, verified):
    decisions.save_in_admin(
        credential=stored(verified), before=stored(verified), actor=verifier
    )

    assert events_of(verified) == []


def test_admin_move_to_another_therapist_moves_the_badge(
    therapist, other_therapist, verifier, verified
):
    credential = stored(verified)
    credential.therapist = other_therapist

    decisions.save_in_admin(
        credential=credential, before=stored(verified), actor=verifier
    )

    assert only_event(credential).action == Action.EDITED
    assert badge_of(therapist) == (None, 0, 0, 0)
    assert badge_of(other_therapist) == (verified.expires_on, 1, 0, 0)


# --- remove and remove_all --------------------------------------------------------


def test_remove_deletes_the_credential_and_its_document_and_keeps_the_trail(
    therapist, verified, django_capture_on_commit_callbacks
):
    audit.record_event(
        credential=verified, action=Action.SUBMITTED, actor=therapist.user
    )
    path = Path(verified.evidence.path)

    with django_capture_on_commit_callbacks(execute=True):
        decisions.remove(credential=verified)

    assert not Credential.objects.filter(pk=verified.pk).exists()
    assert not path.exists()
    # Deleting adds no event; the history stays as it was.
    assert only_event(verified).action == Action.SUBMITTED
    assert badge_of(therapist) == (None, 0, 0, 0)


def test_remove_all_recounts_every_therapist_once(therapist, other_therapist):
    kept = factories.make_credential(therapist, expires_on=days(50))
    doomed = [
        factories.make_credential(therapist, expires_on=days(500)),
        factories.make_credential(other_therapist),
        factories.make_credential(other_therapist, status=Status.PENDING),
    ]

    decisions.remove_all(
        credentials=Credential.objects.filter(pk__in=[c.pk for c in doomed])
    )

    assert list(Credential.objects.all()) == [kept]
    assert badge_of(therapist) == (days(50), 1, 0, 0)
    assert badge_of(other_therapist) == (None, 0, 0, 0)


# --- expire and remind ------------------------------------------------------------


def test_expire_marks_lapsed_credentials_expired_and_drops_the_badge(therapist):
    lapsed = factories.make_credential(therapist, expires_on=days(5))
    current = factories.make_credential(therapist, expires_on=days(40))
    pending = factories.make_credential(
        therapist, status=Status.PENDING, expires_on=days(5)
    )

    expired = decisions.expire(credentials=Credential.objects.all(), today=days(10))

    assert expired == [lapsed]
    assert stored(lapsed).status == Status.EXPIRED
    event = only_event(lapsed)
    assert event.action == Action.EXPIRED
    assert event.actor is None
    assert event.note == f"Expired on {days(5):%Y-%m-%d}."
    assert event.old_values["status"] == Status.VERIFIED
    assert event.new_values["status"] == Status.EXPIRED
    assert stored(current).status == Status.VERIFIED
    assert stored(pending).status == Status.PENDING
    assert events_of(current) == events_of(pending) == []
    assert badge_of(therapist) == (days(40), 1, 0, 0)


def test_remind_records_one_reminder_per_expiry_date_and_changes_no_status(
    therapist,
):
    soon = factories.make_credential(therapist, expires_on=days(20))
    factories.make_credential(therapist, expires_on=days(31))
    today = timezone.localdate()

    first = decisions.remind(
        credentials=Credential.objects.all(), today=today, within_days=30
    )
    second = decisions.remind(
        credentials=Credential.objects.all(), today=today, within_days=30
    )

    assert first == [soon]
    assert second == []
    assert stored(soon).status == Status.VERIFIED
    event = only_event(soon)
    assert event.action == Action.REMINDED
    assert event.note == f"Reminder: expires on {days(20):%Y-%m-%d}."
    assert badge_of(therapist) == (days(31), 2, 0, 0)


# --- the roster import ------------------------------------------------------------


def roster_row(**overrides) -> RosterRow:
    fields = {
        "line": 7,
        "number": "MT0012345",
        "first_name": "Imani",
        "last_name": "Okafor",
        "status": "Active",
        "expires": days(900),
        "discipline": "",
    }
    fields.update(overrides)
    return RosterRow(**fields)


@pytest.fixture
def licence(db):
    user = factories.make_user(first_name="Imani", last_name="Okafor")
    therapist = factories.make_therapist(display_name="Imani Okafor", user=user)
    factories.make_location(therapist, "80202")  # Denver
    return factories.make_credential(
        therapist,
        issuer=ISSUER,
        jurisdiction="CO",
        number="MT.0012345",
        status=Status.PENDING,
        expires_on=days(100),
    )


def test_roster_outcome_of_a_clean_row_verifies_in_memory_only(licence):
    now = timezone.now()

    outcome, event = decisions.roster_outcome(
        credential=licence, row=roster_row(), issuer=ISSUER, now=now
    )

    assert outcome == RosterOutcome.VERIFIED
    assert licence.status == Status.VERIFIED
    assert licence.verification_method == Credential.Method.BOARD_ROSTER
    assert licence.verified_at == now
    assert licence.expires_on == days(900)
    assert event.pk is None
    assert event.action == Action.ROSTER_MATCH
    assert event.note == f"{ISSUER} roster, line 7"
    assert event.old_values["status"] == Status.PENDING
    assert event.new_values["status"] == Status.VERIFIED
    # Nothing is written until save_roster_outcomes().
    assert stored(licence).status == Status.PENDING
    assert events_of(licence) == []


def test_roster_outcome_of_a_row_with_problems_flags_it_once(licence):
    row = roster_row(last_name="Smith", status="Probation")
    row.problems.append("board status is “Probation”")

    outcome, event = decisions.roster_outcome(
        credential=licence, row=row, issuer=ISSUER, now=timezone.now()
    )
    again, no_event = decisions.roster_outcome(
        credential=licence, row=row, issuer=ISSUER, now=timezone.now()
    )

    assert outcome == RosterOutcome.FLAGGED
    assert licence.status == Status.PENDING
    assert licence.roster_flag == (
        f"{ISSUER} roster: roster name “Imani Smith” differs from “Imani Okafor”; "
        "board status is “Probation”"
    )
    assert event.action == Action.ROSTER_FLAG
    assert event.note == licence.roster_flag
    assert (again, no_event) == (RosterOutcome.UNCHANGED, None)


def test_save_roster_outcomes_writes_credentials_events_and_badges(licence):
    therapist = licence.therapist
    decided = [
        decisions.roster_outcome(
            credential=licence, row=roster_row(), issuer=ISSUER, now=timezone.now()
        )
    ]

    decisions.save_roster_outcomes(events=[event for _, event in decided])

    credential = stored(licence)
    assert credential.status == Status.VERIFIED
    assert credential.verification_method == Credential.Method.BOARD_ROSTER
    assert credential.expires_on == days(900)
    assert only_event(credential).action == Action.ROSTER_MATCH
    assert badge_of(therapist) == (days(900), 1, 0, 0)
    # The same row again finds nothing to change.
    assert decisions.roster_outcome(
        credential=credential, row=roster_row(), issuer=ISSUER, now=timezone.now()
    ) == (RosterOutcome.UNCHANGED, None)
