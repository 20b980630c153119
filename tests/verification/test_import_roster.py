"""`import_roster`: verifying state licences against a board's published roster.

The shipped Colorado sample has one row for each outcome: a clean match, a name
that differs, a number not on the site, an expired licence, a licence on
probation, one already verified, two malformed rows and a nurse's licence.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

import verification
from tests import factories
from therapists.models import Therapist
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db

ISSUER = "Colorado Office of Massage Therapy Licensure"
SAMPLE = Path(verification.__file__).parent / "rosters" / "colorado_sample.csv"
SAMPLE_EXPIRY = datetime.date(2028, 8, 31)
SITE_EXPIRY = datetime.date(2025, 8, 31)
SOURCE = "Colorado roster (DORA open data)"
EARLIER_CHECK = datetime.date(2026, 5, 1)


def run_import(path=SAMPLE, **options) -> tuple[str, str]:
    """Run the command as staff would; return what it printed (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    options = {
        "issuer": ISSUER,
        "jurisdiction": "CO",
        "format": "colorado",
        **options,
    }
    call_command("import_roster", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def summary(out: str) -> str:
    """The printed summary without its timing."""
    return re.sub(r" in [\d.]+ s:", " in N s:", out.strip())


def colorado_licence(first, last, number, **overrides):
    """A therapist named first/last with a Colorado licence on the site."""
    user = factories.make_user(first_name=first, last_name=last)
    therapist = factories.make_therapist(display_name=f"{first} {last}", user=user)
    factories.make_location(therapist, "80202")  # Denver
    fields = {
        "issuer": ISSUER,
        "jurisdiction": "CO",
        "number": number,
        "status": Credential.Status.PENDING,
        "expires_on": SITE_EXPIRY,
    }
    fields.update(overrides)
    return factories.make_credential(therapist, **fields)


@pytest.fixture
def site(db):
    """The site's Colorado licences, by the roster row they meet."""
    return {
        "okafor": colorado_licence("Imani", "Okafor", "MT.0012345"),
        "fernandez": colorado_licence("Louis", "Fernandez", "MT.0023456"),
        "nguyen": colorado_licence("Mai", "Nguyen", "MT.0045678"),
        "cohen": colorado_licence("Ruth", "Cohen", "MT.0056789"),
        "baker": colorado_licence(
            "Sam",
            "Baker",
            "MT.0067890",
            status=Credential.Status.VERIFIED,
            verification_method=Credential.Method.BOARD_ROSTER,
            verified_at=timezone.now() - datetime.timedelta(days=90),
            expires_on=SAMPLE_EXPIRY,
            # Checked against an earlier roster: active then as now.
            board_status=Credential.BoardStatus.ACTIVE,
            board_source=SOURCE,
            board_checked_on=EARLIER_CHECK,
        ),
        # On the site, but their roster rows are malformed or not massage.
        "ortiz": colorado_licence("Ana", "Ortiz", "MT.0078901"),
        "park": colorado_licence("Jae", "Park", "RN.0001111"),
    }


def state_of(credentials: dict) -> dict:
    """What the database holds about each credential the import may touch."""
    state = {}
    for key, credential in credentials.items():
        credential.refresh_from_db()
        state[key] = (
            credential.status,
            credential.verification_method,
            credential.verified_at,
            credential.expires_on,
            credential.roster_flag,
            credential.board_status,
            credential.board_source,
            credential.board_checked_on,
            credential.board_review,
        )
    return state


@pytest.fixture
def first_run(site):
    return run_import()


# --- the shipped sample ----------------------------------------------------------


def test_sample_import_prints_a_count_of_each_outcome(first_run):
    out, _ = first_run

    assert summary(out) == (
        "Read 6 roster rows in N s: 1 verified, 3 flagged for staff, "
        "1 unchanged, 1 not on the site, 2 malformed rows skipped."
    )


def test_sample_import_reports_malformed_rows_with_their_line_numbers(first_run):
    _, err = first_run

    assert err.splitlines() == [
        "Skipped line 8: no licence number",
        "Skipped line 9: unreadable date 'not a date'",
    ]


def test_active_roster_match_is_verified_by_board_roster_with_its_expiry(
    site, first_run
):
    okafor = site["okafor"]
    okafor.refresh_from_db()

    assert okafor.status == Credential.Status.VERIFIED
    assert okafor.verification_method == Credential.Method.BOARD_ROSTER
    assert okafor.expires_on == SAMPLE_EXPIRY
    assert okafor.verified_at is not None
    assert okafor.verified_by is None
    assert okafor.roster_flag == ""
    event = CredentialEvent.objects.get(credential_id=okafor.pk)
    assert event.action == CredentialEvent.Action.ROSTER_MATCH
    assert event.actor is None
    assert event.method == Credential.Method.BOARD_ROSTER
    assert event.note == f"{ISSUER} roster, line 2"
    assert event.old_values["status"] == "pending"
    assert event.old_values["expires_on"] == "2025-08-31"
    assert event.new_values["status"] == "verified"
    assert event.new_values["expires_on"] == "2028-08-31"


@pytest.mark.parametrize(
    ("key", "flag"),
    [
        (
            "fernandez",
            f"{ISSUER} roster: roster name “Luis Hernandez” differs from "
            "“Louis Fernandez”",
        ),
        (
            "nguyen",
            f"{ISSUER} roster: board status is “Expired”; "
            "roster expiry 2024-08-31 has passed",
        ),
        (
            "cohen",
            f"{ISSUER} roster: disciplinary action on record (2023-0456; Probation)",
        ),
    ],
    ids=["name differs", "board status expired", "on probation"],
)
def test_roster_problems_flag_the_credential_for_staff(site, first_run, key, flag):
    credential = site[key]
    credential.refresh_from_db()

    assert credential.roster_flag == flag
    assert credential.status == Credential.Status.PENDING
    assert credential.verified_at is None
    assert credential.expires_on == SITE_EXPIRY
    event = CredentialEvent.objects.get(credential_id=credential.pk)
    assert event.action == CredentialEvent.Action.ROSTER_FLAG
    assert event.actor is None
    assert event.method == Credential.Method.BOARD_ROSTER
    assert event.note == flag


def test_licence_already_verified_by_the_roster_is_left_unchanged(site):
    baker = site["baker"]
    verified_at = baker.verified_at

    run_import()

    baker.refresh_from_db()
    assert baker.status == Credential.Status.VERIFIED
    assert baker.verified_at == verified_at
    assert baker.roster_flag == ""
    assert not CredentialEvent.objects.filter(credential_id=baker.pk).exists()


@pytest.mark.parametrize("key", ["ortiz", "park"], ids=["malformed row", "RN row"])
def test_skipped_and_ignored_rows_leave_the_sites_licence_alone(site, first_run, key):
    credential = site[key]
    credential.refresh_from_db()

    assert credential.status == Credential.Status.PENDING
    assert credential.roster_flag == ""
    assert not CredentialEvent.objects.filter(credential_id=credential.pk).exists()


def test_sample_import_records_one_event_per_change(first_run):
    actions = sorted(CredentialEvent.objects.values_list("action", flat=True))

    assert actions == ["roster_flag", "roster_flag", "roster_flag", "roster_match"]


def test_second_import_of_the_same_file_changes_nothing(site, first_run):
    before = state_of(site)
    events = CredentialEvent.objects.count()

    out, err = run_import()

    assert summary(out) == (
        "Read 6 roster rows in N s: 0 verified, 0 flagged for staff, "
        "5 unchanged, 1 not on the site, 2 malformed rows skipped."
    )
    assert len(err.splitlines()) == 2
    assert CredentialEvent.objects.count() == events
    assert state_of(site) == before


def test_review_page_shows_why_the_roster_flagged_a_credential(
    client, verifier, site, first_run
):
    client.force_login(verifier)
    credential = site["cohen"]

    page = client.get(f"/staff/credentials/{credential.pk}/").content.decode()

    assert "Flagged by a board roster" in page
    assert "disciplinary action on record (2023-0456; Probation)" in page


# --- matching --------------------------------------------------------------------


def test_licence_numbers_match_ignoring_case_spaces_and_dots(db):
    credential = colorado_licence("Imani", "Okafor", "mt 0012345")

    run_import()

    credential.refresh_from_db()
    assert credential.status == Credential.Status.VERIFIED
    assert credential.verification_method == Credential.Method.BOARD_ROSTER
    assert credential.expires_on == SAMPLE_EXPIRY


def test_same_number_in_another_state_is_not_touched(db):
    credential = colorado_licence("Imani", "Okafor", "MT.0012345", jurisdiction="NY")

    out, _ = run_import()

    credential.refresh_from_db()
    assert credential.status == Credential.Status.PENDING
    assert "0 verified" in out
    assert "6 not on the site" in out


# --- options ---------------------------------------------------------------------


def test_dry_run_reports_the_counts_and_saves_nothing(site):
    before = state_of(site)

    out, _ = run_import(dry_run=True)

    assert summary(out) == (
        "Dry run, nothing saved. Read 6 roster rows in N s: 1 verified, "
        "3 flagged for staff, 1 unchanged, 1 not on the site, "
        "2 malformed rows skipped."
    )
    assert state_of(site) == before
    assert not CredentialEvent.objects.exists()


def test_column_overrides_read_a_generic_roster_with_other_headers(db, tmp_path):
    expires = timezone.localdate() + datetime.timedelta(days=400)
    credential = colorado_licence("Imani", "Okafor", "CO-77", expires_on=SITE_EXPIRY)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Licence No,Given,Family,Standing,Valid Until,Board Actions\n"
        f"co 77,Imani,Okafor,ACTIVE,{expires.isoformat()},\n",
        encoding="utf-8",
    )
    assert credential.therapist not in Therapist.objects.verified()

    out, err = run_import(
        roster,
        format="generic",
        column=[
            "number=Licence No",
            "first_name=Given",
            "last_name=Family",
            "status=Standing",
            "expires=Valid Until",
            "discipline=Board Actions",
        ],
    )

    assert "Read 1 roster rows" in out
    assert "1 verified" in out
    assert err == ""
    credential.refresh_from_db()
    assert credential.status == Credential.Status.VERIFIED
    assert credential.expires_on == expires
    assert credential.therapist in Therapist.objects.verified()


def test_generic_roster_without_the_overrides_is_missing_columns(db, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("Licence No,Given,Family,Standing,Valid Until\n")

    with pytest.raises(CommandError, match="no column expires, first_name"):
        run_import(roster, format="generic")


def test_file_missing_a_required_column_is_a_clear_error(db, tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    drop = header.index("License Expiration Date")
    roster = tmp_path / "no_expiry.csv"
    roster.write_text(
        "\n".join(
            ",".join(v for i, v in enumerate(line.split(",")) if i != drop)
            for line in lines
        ),
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as error:
        run_import(roster)

    assert str(error.value) == (
        f"{roster}: the file has no column License Expiration Date"
    )
    assert not CredentialEvent.objects.exists()


def test_missing_file_is_a_command_error(db, tmp_path):
    missing = tmp_path / "nowhere.csv"

    with pytest.raises(CommandError, match="Cannot read .*nowhere.csv"):
        run_import(missing)


def test_column_override_without_a_header_is_a_command_error(db):
    with pytest.raises(CommandError, match="use FIELD=Header"):
        run_import(column=["number"])


def test_file_that_is_not_utf8_is_reported_as_such(db, tmp_path):
    roster = tmp_path / "latin1.csv"
    roster.write_bytes(
        SAMPLE.read_text(encoding="utf-8").replace("Ana", "Anaïs").encode("latin-1")
    )

    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run_import(roster)


def test_second_import_does_not_reflag_a_credential_with_a_long_flag(db, tmp_path):
    credential = colorado_licence("Ruth", "Cohen", "MT-5")
    action = (
        "Stipulation and final agency order: two years of probation with a "
        "practice monitor, continuing education in ethics and professional "
        "boundaries, and a fine of one thousand dollars"
    )
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "number,first_name,last_name,status,expires,discipline\n"
        f'MT-5,Rita,Cohn,Suspended,2030-01-31,"{action}"\n',
        encoding="utf-8",
    )
    run_import(roster, format="generic")
    credential.refresh_from_db()
    assert len(credential.roster_flag) == 300

    out, _ = run_import(roster, format="generic")

    assert "0 flagged for staff, 1 unchanged" in out
    assert CredentialEvent.objects.filter(credential_id=credential.pk).count() == 1
