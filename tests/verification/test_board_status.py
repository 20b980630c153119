"""The board's status in public: the roster import stores what the board shows
(active, lapsed, disciplined) with its source and date; the profile says it in
plain words; a lapse or discipline withholds the badge until staff decide on
the review page, and their decision is recorded in the audit trail."""

import datetime
import html
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

import verification
from tests import factories
from therapists.models import Therapist
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db

ISSUER = "Colorado Office of Massage Therapy Licensure"
SOURCE = "Colorado roster (DORA open data)"
SAMPLE = Path(verification.__file__).parent / "rosters" / "colorado_sample.csv"
CHECKED = datetime.date(2026, 11, 20)
EXPIRES = timezone.localdate() + datetime.timedelta(days=500)
Status, Board, Review = (
    Credential.Status,
    Credential.BoardStatus,
    Credential.BoardReview,
)
Action = CredentialEvent.Action


def run_import(path=SAMPLE, **options) -> str:
    out = io.StringIO()
    options = {"issuer": ISSUER, "jurisdiction": "CO", "format": "colorado", **options}
    call_command(
        "import_roster", str(path), stdout=out, stderr=io.StringIO(), **options
    )
    return out.getvalue()


def colorado_licence(first, last, number, **fields) -> Credential:
    """A therapist practising in Denver with a Colorado licence, by default
    verified by document review (and so holding the badge)."""
    user = factories.make_user(first_name=first, last_name=last)
    therapist = factories.make_therapist(display_name=f"{first} {last}", user=user)
    factories.make_location(therapist, "80202")
    fields = {
        "issuer": ISSUER,
        "jurisdiction": "CO",
        "number": number,
        "expires_on": EXPIRES,
        **fields,
    }
    return factories.make_credential(therapist, **fields)


def roster(tmp_path, status="Active", discipline="", expires=None) -> Path:
    """A one-row roster in the generic format for Ruth Cohen's MT-77."""
    expires = expires or EXPIRES
    path = tmp_path / "roster.csv"
    path.write_text(
        "number,first_name,last_name,status,expires,discipline\n"
        f"MT-77,Ruth,Cohen,{status},{expires.isoformat()},{discipline}\n",
        encoding="utf-8",
    )
    return path


def import_generic(path, **options) -> str:
    return run_import(path, format="generic", source=SOURCE, **options)


def has_badge(credential) -> bool:
    therapist = Therapist.objects.get(pk=credential.therapist_id)
    return therapist in Therapist.objects.verified() and all(
        location.badge_valid_until == therapist.badge_valid_until
        for location in therapist.locations.all()
    )


def page_text(client, url) -> str:
    return " ".join(html.unescape(client.get(url).content.decode()).split())


@pytest.fixture
def cohen(db):
    credential = colorado_licence("Ruth", "Cohen", "MT-77")
    assert has_badge(credential)
    return credential


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


# --- what the import stores ---------------------------------------------------------


def test_import_stores_the_board_status_source_and_date_of_every_matched_row(db):
    okafor = colorado_licence("Imani", "Okafor", "MT.0012345", status=Status.PENDING)
    nguyen = colorado_licence("Mai", "Nguyen", "MT.0045678", status=Status.PENDING)
    cohen = colorado_licence("Ruth", "Cohen", "MT.0056789", status=Status.PENDING)
    # The roster's name differs ("Luis Hernandez"): it may be someone else's
    # licence, so nothing of its status is recorded.
    other = colorado_licence("Louis", "Fernandez", "MT.0023456", status=Status.PENDING)

    run_import(checked_on="2026-11-20")

    stored = {
        name: Credential.objects.get(pk=c.pk)
        for name, c in [("okafor", okafor), ("nguyen", nguyen), ("cohen", cohen)]
    }
    assert {name: c.board_status for name, c in stored.items()} == {
        "okafor": Board.ACTIVE,
        "nguyen": Board.LAPSED,
        "cohen": Board.DISCIPLINED,
    }
    for credential in stored.values():
        assert credential.board_source == SOURCE
        assert credential.board_checked_on == CHECKED
    other.refresh_from_db()
    assert (other.board_status, other.board_source, other.board_checked_on) == (
        "",
        "",
        None,
    )
    assert other.roster_flag.startswith(f"{ISSUER} roster: roster name")


def test_the_check_is_dated_today_by_default(cohen, tmp_path):
    import_generic(roster(tmp_path))

    cohen.refresh_from_db()
    assert cohen.board_checked_on == timezone.localdate()
    assert cohen.board_status == Board.ACTIVE


def test_a_roster_without_a_source_of_its_own_is_named_after_the_issuer(
    cohen, tmp_path
):
    run_import(roster(tmp_path), format="generic")

    cohen.refresh_from_db()
    assert cohen.board_source == f"{ISSUER} roster"


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "2999-01-01"])
def test_a_bad_check_date_is_refused_and_changes_nothing(cohen, tmp_path, day):
    with pytest.raises(CommandError, match="checked-on"):
        import_generic(roster(tmp_path), checked_on=day)

    cohen.refresh_from_db()
    assert cohen.board_status == ""
    assert not CredentialEvent.objects.exists()


def test_a_later_check_with_the_same_status_only_moves_the_date(cohen, tmp_path):
    import_generic(roster(tmp_path), checked_on="2026-10-01")
    events = CredentialEvent.objects.count()

    out = import_generic(roster(tmp_path), checked_on="2026-11-20")

    assert "1 unchanged" in out
    cohen.refresh_from_db()
    assert cohen.board_checked_on == CHECKED
    assert CredentialEvent.objects.count() == events


# --- a lapse or discipline withholds the badge until staff decide -------------------


def test_discipline_on_the_roster_takes_the_badge_away(cohen, tmp_path):
    out = import_generic(roster(tmp_path, discipline="Probation"))

    assert "1 flagged for staff" in out
    cohen.refresh_from_db()
    assert cohen.status == Status.VERIFIED  # the licence is real; the badge waits
    assert cohen.board_status == Board.DISCIPLINED
    assert cohen.awaits_board_review
    assert not has_badge(cohen)
    assert cohen in Credential.objects.awaiting_decision()
    event = CredentialEvent.objects.get(credential_id=cohen.pk)
    assert event.action == Action.ROSTER_FLAG
    assert event.old_values["board_status"] == ""
    assert event.new_values["board_status"] == "disciplined"


@pytest.mark.parametrize(
    ("status", "expires"),
    [
        ("Expired", None),
        ("Inactive", None),
        ("Active", timezone.localdate() - datetime.timedelta(days=3)),
    ],
    ids=["expired", "inactive", "active but past its expiry"],
)
def test_a_lapsed_licence_loses_the_badge(cohen, tmp_path, status, expires):
    import_generic(roster(tmp_path, status=status, expires=expires))

    cohen.refresh_from_db()
    assert cohen.board_status == Board.LAPSED
    assert not has_badge(cohen)


@pytest.mark.parametrize("status", ["Revoked", "Suspended"])
def test_a_revoked_or_suspended_status_is_discipline(cohen, tmp_path, status):
    import_generic(roster(tmp_path, status=status))

    cohen.refresh_from_db()
    assert cohen.board_status == Board.DISCIPLINED
    assert not has_badge(cohen)


def test_an_active_row_keeps_the_badge(cohen, tmp_path):
    import_generic(roster(tmp_path))

    cohen.refresh_from_db()
    assert cohen.board_status == Board.ACTIVE
    assert has_badge(cohen)


@pytest.fixture
def disciplined(cohen, tmp_path):
    import_generic(roster(tmp_path, discipline="Probation"))
    cohen.refresh_from_db()
    return cohen


def decide(client, credential, decision, note="Checked the board's order."):
    return client.post(
        reverse("verification:review", args=[credential.pk]),
        {
            "decision": decision,
            "method": Credential.Method.BOARD_WEBSITE,
            "note": note,
        },
    )


def test_staff_keeping_the_badge_restores_it_with_an_audit_row(
    verifier_client, verifier, disciplined
):
    response = decide(
        verifier_client, disciplined, "approve", "Probation ended in 2024."
    )

    assert response.status_code == 302
    disciplined.refresh_from_db()
    assert disciplined.board_review == Review.KEPT
    assert disciplined.roster_flag == ""
    assert has_badge(disciplined)
    assert disciplined not in Credential.objects.awaiting_decision()
    event = CredentialEvent.objects.filter(credential_id=disciplined.pk).first()
    assert event.action == Action.APPROVED
    assert event.actor == verifier
    assert event.note == "Probation ended in 2024."
    assert event.old_values["board_review"] == ""
    assert event.new_values["board_review"] == "kept"


def test_staff_withholding_the_badge_records_it_and_leaves_the_queue(
    verifier_client, verifier, disciplined
):
    decide(verifier_client, disciplined, "withhold", "Probation until 2027.")

    disciplined.refresh_from_db()
    assert disciplined.status == Status.VERIFIED
    assert disciplined.board_review == Review.WITHHELD
    assert not has_badge(disciplined)
    assert disciplined not in Credential.objects.awaiting_decision()
    event = CredentialEvent.objects.filter(credential_id=disciplined.pk).first()
    assert (event.action, event.actor, event.new_values["board_review"]) == (
        Action.APPROVED,
        verifier,
        "withheld",
    )


def test_withholding_is_only_offered_when_a_roster_shows_a_lapse_or_discipline(
    verifier_client, cohen
):
    response = decide(verifier_client, cohen, "withhold")

    assert response.status_code == 200
    assert "decision" in response.context["form"].errors
    cohen.refresh_from_db()
    assert not CredentialEvent.objects.filter(credential_id=cohen.pk).exists()


def test_the_review_page_explains_the_choice(verifier_client, disciplined):
    text = page_text(
        verifier_client, reverse("verification:review", args=[disciplined.pk])
    )

    assert (
        "Public discipline on record, per the Colorado roster (DORA open data)" in text
    )
    assert "The badge is withheld until you decide" in text
    assert "Approve and keep the Verified badge" in text
    assert "Approve without the badge" in text


def test_the_queue_shows_why_the_badge_is_withheld(verifier_client, disciplined):
    text = page_text(verifier_client, reverse("verification:queue"))

    assert "Badge withheld until you decide: public discipline on record" in text
    assert "disciplinary action on record (Probation)" in text


def test_bulk_approval_never_keeps_a_withheld_badge(verifier_client, disciplined):
    response = verifier_client.post(
        reverse("verification:queue"),
        {
            "credentials": [disciplined.pk],
            "method": Credential.Method.BOARD_ROSTER,
            "note": "Checked the March roster.",
        },
    )

    assert response.status_code == 302
    disciplined.refresh_from_db()
    assert disciplined.board_review == Review.WITHHELD
    assert not has_badge(disciplined)


def test_the_next_import_does_not_ask_again_about_a_decided_status(
    verifier_client, disciplined, tmp_path
):
    decide(verifier_client, disciplined, "approve")
    events = CredentialEvent.objects.count()

    out = import_generic(roster(tmp_path, discipline="Probation"))

    assert "0 flagged for staff" in out
    disciplined.refresh_from_db()
    assert disciplined.board_review == Review.KEPT
    assert disciplined.roster_flag == ""
    assert has_badge(disciplined)
    assert CredentialEvent.objects.filter(action=Action.ROSTER_FLAG).count() == 1
    # The roster now confirms the licence itself: staff checked the website.
    latest = CredentialEvent.objects.filter(credential_id=disciplined.pk).first()
    assert latest.action == Action.ROSTER_MATCH
    assert CredentialEvent.objects.count() == events + 1
    assert "0 flagged for staff, 0 unchanged" in out

    again = import_generic(roster(tmp_path, discipline="Probation"))

    assert "1 unchanged" in again
    assert CredentialEvent.objects.count() == events + 1


def test_a_new_status_asks_staff_again(verifier_client, disciplined, tmp_path):
    decide(verifier_client, disciplined, "approve")

    import_generic(roster(tmp_path, status="Expired"))

    disciplined.refresh_from_db()
    assert disciplined.board_status == Board.LAPSED
    assert disciplined.board_review == Review.WAITING
    assert not has_badge(disciplined)
    assert disciplined in Credential.objects.awaiting_decision()


def test_an_active_row_after_discipline_restores_the_badge(disciplined, tmp_path):
    import_generic(roster(tmp_path))

    disciplined.refresh_from_db()
    assert disciplined.board_status == Board.ACTIVE
    assert disciplined.roster_flag == ""
    assert has_badge(disciplined)


# --- the profile says it in plain words ---------------------------------------------


def profile(client, credential) -> str:
    therapist = Therapist.objects.get(pk=credential.therapist_id)
    return page_text(client, therapist.get_absolute_url())


def test_profile_shows_an_active_status_with_its_source_and_date(
    client, cohen, tmp_path
):
    import_generic(roster(tmp_path), checked_on="2026-11-20")

    assert (
        "Active, no public discipline, per the Colorado roster (DORA open data), "
        "checked Nov 20, 2026." in profile(client, cohen)
    )


def test_profile_says_plainly_that_a_lapsed_licence_is_not_active(
    client, cohen, tmp_path
):
    import_generic(roster(tmp_path, status="Expired"), checked_on="2026-11-20")

    text = profile(client, cohen)

    assert (
        "Not active: the Colorado roster (DORA open data) did not show this "
        "licence as current when we checked on Nov 20, 2026." in text
    )
    assert (
        "It does not count towards the Verified badge unless our staff review "
        "it and decide it should." in text
    )


def test_profile_names_public_discipline_and_links_the_state_page(client, disciplined):
    text = profile(client, disciplined)

    assert "Public discipline on record: the Colorado roster (DORA open data)" in text
    assert re.search(r'href="/states/co/">Check the details with the board', text)


def test_profile_says_when_staff_kept_or_withheld_the_badge(
    client, verifier_client, disciplined
):
    decide(verifier_client, disciplined, "withhold")
    assert "our staff reviewed it and withheld the badge" in profile(
        client, disciplined
    )

    disciplined.board_review = Review.KEPT
    disciplined.save()
    assert "Our staff reviewed this and kept the Verified badge." in profile(
        client, disciplined
    )


def test_profile_without_a_roster_check_shows_no_board_line(client, cohen):
    text = profile(client, cohen)

    assert "per the" not in text
    assert "Public discipline" not in text
