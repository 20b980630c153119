"""The staff pages of roster imports: who may use them, the upload form's checks
(a wrong file is refused before it is stored or queued), the import's page while
it runs and once it is done or failed, and the whole way through with the tasks
run at once."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.verification.test_import_roster import ISSUER, SAMPLE
from tests.verification.test_import_roster import site as site  # noqa: F401
from tests.verification.test_roster_import import SAMPLE_COUNTS, make_import
from verification.forms import RosterImportForm
from verification.models import Credential, CredentialEvent, RosterImport

pytestmark = pytest.mark.django_db

LIST_URL = reverse("verification:rosters")
NEW_URL = reverse("verification:roster-new")
REFUSED_ROLES = [
    "anonymous",
    "client",
    "owner",
    "other_therapist",
    "staff_without_permission",
]


def upload(content: bytes | None = None, name="colorado.csv", **changes) -> dict:
    """The upload form as staff fill it in for the shipped sample."""
    data = {
        "file": SimpleUploadedFile(
            name, SAMPLE.read_bytes() if content is None else content, "text/csv"
        ),
        "issuer": ISSUER,
        "jurisdiction": "CO",
        "format": "colorado",
        "columns": "",
        "source": "",
        "checked_on": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()]


def detail_url(roster) -> str:
    return reverse("verification:roster-detail", args=[roster.pk])


def status_url(roster) -> str:
    return reverse("verification:roster-status", args=[roster.pk])


def retry_url(roster) -> str:
    return reverse("verification:roster-retry", args=[roster.pk])


def error_of(response, field: str) -> str:
    """The message shown next to a field."""
    found = re.search(
        rf'<p class="field__error" id="id_{field}_error">(.*?)</p>', response.text
    )
    return found.group(1) if found else ""


@pytest.fixture
def log_in_as(
    client,
    client_user,
    therapist,
    other_therapist,
    staff_without_permission,
    verifier,
    staff_user,
):
    def log_in_as(role):
        users = {
            "client": client_user,
            "owner": therapist.user,
            "other_therapist": other_therapist.user,
            "staff_without_permission": staff_without_permission,
            "verifier": verifier,
            "superuser": staff_user,
        }
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return log_in_as


@pytest.fixture
def staff(client, verifier):
    client.force_login(verifier)
    return client


# --- who may use them --------------------------------------------------------------


def assert_refused(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", REFUSED_ROLES)
@pytest.mark.parametrize("page", ["list", "new", "detail", "status"])
def test_roster_pages_are_refused_to_everyone_but_verifiers(log_in_as, role, page):
    roster = make_import(status=RosterImport.Status.FAILED, error="Broken file.")
    url = {
        "list": LIST_URL,
        "new": NEW_URL,
        "detail": detail_url(roster),
        "status": status_url(roster),
    }[page]

    response = log_in_as(role).get(url)

    assert_refused(response, role)
    assert ISSUER not in response.text
    assert "Broken file." not in response.text


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_uploading_a_roster_is_refused_to_everyone_but_verifiers(
    log_in_as, role, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = log_in_as(role).post(NEW_URL, upload())

    assert_refused(response, role)
    assert not RosterImport.objects.exists()
    assert stored_files(settings) == []
    assert callbacks == []


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_trying_again_is_refused_to_everyone_but_verifiers(
    log_in_as, role, django_capture_on_commit_callbacks
):
    roster = make_import(status=RosterImport.Status.FAILED, error="Broken file.")

    with django_capture_on_commit_callbacks() as callbacks:
        response = log_in_as(role).post(retry_url(roster))

    assert_refused(response, role)
    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.FAILED
    assert roster.error == "Broken file."
    assert callbacks == []


@pytest.mark.parametrize("role", ["verifier", "superuser"])
def test_roster_pages_are_open_to_staff_who_verify(log_in_as, role):
    roster = make_import(status=RosterImport.Status.FAILED, error="Broken file.")
    client = log_in_as(role)

    for url in (LIST_URL, NEW_URL, detail_url(roster), status_url(roster)):
        assert client.get(url).status_code == 200


def test_trying_again_only_answers_a_post(staff):
    roster = make_import(status=RosterImport.Status.FAILED)

    assert staff.get(retry_url(roster)).status_code == 405
    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.FAILED


@pytest.mark.parametrize("page", ["detail", "status", "retry"])
def test_an_import_that_does_not_exist_is_not_found(staff, page):
    url = reverse(f"verification:roster-{page}", args=[424242])

    response = staff.post(url) if page == "retry" else staff.get(url)

    assert response.status_code == 404


# --- the list ----------------------------------------------------------------------


def test_queue_links_to_the_roster_imports(staff):
    page = staff.get(reverse("verification:queue")).text

    assert f'href="{LIST_URL}"' in page


def test_list_shows_imports_newest_first_and_links_to_start_one(staff):
    make_import(issuer="Older Board")
    make_import(issuer="Newer Board", status=RosterImport.Status.DONE)

    page = staff.get(LIST_URL).text

    assert page.index("Newer Board") < page.index("Older Board")
    assert f'href="{NEW_URL}"' in page


def test_list_is_paginated(staff):
    for n in range(26):
        make_import(issuer=f"Board {n:02d}")

    first = staff.get(LIST_URL).text
    second = staff.get(LIST_URL, {"page": 2}).text

    assert "Board 25" in first and "Board 00" not in first
    assert "Board 00" in second and "Page 2 of 2" in second


def test_list_without_imports_says_so(staff):
    assert "No roster imported yet." in staff.get(LIST_URL).text


# --- the upload form ---------------------------------------------------------------


def test_upload_form_offers_the_formats_and_the_states(staff):
    page = staff.get(NEW_URL).text

    assert '<option value="colorado">Colorado</option>' in page
    assert '<option value="generic">Generic</option>' in page
    assert '<option value="DC">District of Columbia</option>' in page
    assert 'enctype="multipart/form-data"' in page


SAMPLE_BYTES = SAMPLE.read_bytes()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"file": None}, "file", "Choose the roster file to import."),
        (
            {"file": SimpleUploadedFile("empty.csv", b"")},
            "file",
            "The file is empty. Choose the roster&#x27;s CSV file.",
        ),
        (
            {
                "file": SimpleUploadedFile(
                    "latin1.csv",
                    SAMPLE_BYTES.decode().replace("Ana", "Anaïs").encode("latin-1"),
                )
            },
            "file",
            "The file is not UTF-8 text. Save it as CSV (UTF-8) and upload it again.",
        ),
        (
            {"file": SimpleUploadedFile("blank.csv", b"\n\n")},
            "file",
            "The file is not a CSV roster: its first line should name the columns.",
        ),
        (
            {"file": SimpleUploadedFile("nul.csv", b"a\x00b,c\n1,2\n")},
            "file",
            "The file is not a CSV roster: its first line should name the columns.",
        ),
        (
            {
                "file": SimpleUploadedFile(
                    "noexpiry.csv",
                    SAMPLE_BYTES.replace(b"License Expiration Date", b"Expiry"),
                )
            },
            "file",
            "The file has no column License Expiration Date, which the colorado "
            "format reads. Choose another format, or name the file&#x27;s own "
            "columns under Column overrides.",
        ),
        (
            {"format": "generic"},
            "file",
            "The file has no column expires, first_name, last_name, number, "
            "status, which the generic format reads.",
        ),
        ({"issuer": ""}, "issuer", "Name the board that published the roster."),
        (
            {"issuer": "B" * 161},
            "issuer",
            "Ensure this value has at most 160 characters (it has 161).",
        ),
        (
            {"jurisdiction": ""},
            "jurisdiction",
            "Choose the state whose board published the roster.",
        ),
        (
            {"jurisdiction": "XX"},
            "jurisdiction",
            "Choose the state whose board published the roster from the list.",
        ),
        (
            {"jurisdiction": "US"},
            "jurisdiction",
            "Choose the state whose board published the roster from the list.",
        ),
        ({"format": "texas"}, "format", "Choose a roster format from the list."),
        ({"format": ""}, "format", "Choose the roster&#x27;s format."),
        (
            {"columns": "licence number"},
            "columns",
            "Cannot read &#x27;licence number&#x27;: use FIELD=Header, where FIELD "
            "is one of number, first_name, last_name, status, expires, full_name, "
            "licence_type, discipline.",
        ),
        (
            {"columns": "number=License Number\ncolour=Blue"},
            "columns",
            "Cannot read &#x27;colour=Blue&#x27;: use FIELD=Header",
        ),
        ({"checked_on": "2026-02-30"}, "checked_on", "Give the day as YYYY-MM-DD."),
        (
            {
                "checked_on": (
                    timezone.localdate() + datetime.timedelta(days=1)
                ).isoformat()
            },
            "checked_on",
            "That day is in the future: give the day the roster was downloaded.",
        ),
        (
            {"source": "S" * 161},
            "source",
            "Ensure this value has at most 160 characters (it has 161).",
        ),
    ],
    ids=[
        "no file",
        "empty file",
        "not utf-8",
        "no header row",
        "nul bytes",
        "missing column",
        "wrong format",
        "no issuer",
        "long issuer",
        "no state",
        "unknown state",
        "national",
        "unknown format",
        "no format",
        "override without =",
        "override of an unknown field",
        "impossible date",
        "future date",
        "long source",
    ],
)
def test_bad_upload_is_refused_next_to_its_field_and_stores_nothing(
    staff, settings, django_capture_on_commit_callbacks, changes, field, message
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff.post(NEW_URL, upload(**changes))

    assert response.status_code == 200
    assert message in error_of(response, field)
    assert "Nothing was uploaded." in response.text
    assert not RosterImport.objects.exists()
    assert stored_files(settings) == []
    assert callbacks == []


def test_file_over_the_size_limit_is_refused(
    staff, settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(RosterImportForm, "MAX_BYTES", len(SAMPLE_BYTES) - 1)

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff.post(NEW_URL, upload())

    assert "MB or smaller" in error_of(response, "file")
    assert not RosterImport.objects.exists()
    assert stored_files(settings) == []
    assert callbacks == []


def test_upload_page_accepts_a_body_up_to_the_roster_limit(settings):
    assert settings.UPLOAD_BODY_MAX_BYTES["verification:roster-new"] > (
        RosterImportForm.MAX_BYTES
    )


def test_upload_page_accepts_a_roster_over_the_sites_body_limit(staff, settings):
    """Other pages refuse a body over 1 MB before reading it; this one reads a
    roster of several."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    big = "\n".join([lines[0], *[lines[3]] * 10_000]).encode()
    assert len(big) > settings.REQUEST_BODY_MAX_BYTES

    accepted = staff.post(NEW_URL, upload(big))
    settings.UPLOAD_BODY_MAX_BYTES = {
        name: limit
        for name, limit in settings.UPLOAD_BODY_MAX_BYTES.items()
        if name != "verification:roster-new"
    }
    refused = staff.post(NEW_URL, upload(big))

    assert accepted.status_code == 302
    assert refused.status_code == 413
    assert RosterImport.objects.count() == 1


# --- the whole way through ---------------------------------------------------------


def test_upload_imports_the_roster_and_shows_the_report(
    staff, site, verifier, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff.post(
            NEW_URL, upload(source="Colorado roster (upload)", checked_on="2026-05-01")
        )

    roster = RosterImport.objects.get()
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response["Location"] == detail_url(roster)
    assert roster.status == RosterImport.Status.DONE
    assert roster.started_by == verifier
    assert roster.filename == "colorado.csv"
    assert roster.counts == SAMPLE_COUNTS
    # The file is kept privately, under a name of our own.
    assert roster.file.name.startswith("rosters/")
    assert roster.file.name != "rosters/colorado.csv"
    assert len(stored_files(settings)) == 1
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.csv"))
    okafor = site["okafor"]
    okafor.refresh_from_db()
    assert okafor.status == Credential.Status.VERIFIED
    assert okafor.board_source == "Colorado roster (upload)"
    assert CredentialEvent.objects.count() == 4

    page = staff.get(response["Location"])

    assert "colorado.csv is queued for import." in page.text
    report = re.findall(r"<dt>(.*?)</dt><dd>(\d+)", page.text)
    assert report == [
        ("Verified", "1"),
        ("Flagged for staff", "3"),
        ("Unchanged", "1"),
        ("Not on the site", "1"),
        ("Malformed rows skipped", "2"),
    ]
    assert 'href="/staff/credentials/?state=CO&amp;kind=state_licence"' in page.text
    assert '<td data-label="Line">8</td><td data-label="Why">no licence number' in (
        page.text
    )
    assert "roster.js" not in page.text
    assert "Try again" not in page.text


def test_upload_with_column_overrides_reads_a_generic_roster(
    staff, django_capture_on_commit_callbacks
):
    from tests.verification.test_import_roster import colorado_licence

    expires = timezone.localdate() + datetime.timedelta(days=400)
    credential = colorado_licence("Imani", "Okafor", "CO-77")
    content = (
        "Licence No,Given,Family,Standing,Valid Until,Board Actions\n"
        f"co 77,Imani,Okafor,ACTIVE,{expires.isoformat()},\n"
    ).encode()

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            NEW_URL,
            upload(
                content,
                format="generic",
                columns="number=Licence No\r\nfirst_name=Given\nlast_name=Family\n"
                "status=Standing\nexpires=Valid Until\ndiscipline=Board Actions\n",
            ),
        )

    roster = RosterImport.objects.get()
    assert roster.columns["number"] == "Licence No"
    assert roster.status == RosterImport.Status.DONE
    credential.refresh_from_db()
    assert credential.status == Credential.Status.VERIFIED
    assert credential.expires_on == expires


def test_dry_run_upload_reports_and_saves_no_outcome(
    staff, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(NEW_URL, upload(dry_run="on"))

    roster = RosterImport.objects.get()
    assert roster.dry_run and roster.counts == SAMPLE_COUNTS
    assert not CredentialEvent.objects.exists()
    page = staff.get(response["Location"]).text
    assert "Nothing was saved." in page
    assert "see them in the queue" not in page


# --- while it runs, and when it fails ----------------------------------------------


def test_running_import_shows_its_progress_and_follows_it(staff):
    roster = make_import(status=RosterImport.Status.RUNNING)
    RosterImport.objects.filter(pk=roster.pk).update(rows_done=2000, rows_total=5000)

    page = staff.get(detail_url(roster)).text

    assert '<progress id="roster-rows" max="5000" value="2000"' in page
    assert "2000 of 5000 rows" in page
    assert f'data-status-url="{status_url(roster)}"' in page
    assert "js/roster.js" in page
    assert "Try again" not in page


def test_queued_import_says_it_waits_for_the_worker(staff):
    roster = make_import()

    page = staff.get(detail_url(roster)).text

    assert "Waiting for the task worker to start it." in page
    assert '<progress id="roster-rows" max="1" value="0"' in page


def test_status_endpoint_reports_progress_as_json(staff):
    roster = make_import(status=RosterImport.Status.RUNNING)
    RosterImport.objects.filter(pk=roster.pk).update(rows_done=3, rows_total=8)

    response = staff.get(status_url(roster))

    assert response.json() == {
        "status": "running",
        "status_display": "Running",
        "rows_done": 3,
        "rows_total": 8,
        "in_progress": True,
    }
    assert response["Cache-Control"] == "private, no-store"


def test_failed_import_shows_its_message_and_can_be_tried_again(
    staff, site, django_capture_on_commit_callbacks
):
    roster = make_import(
        status=RosterImport.Status.FAILED, error="The file has no column X."
    )

    page = staff.get(detail_url(roster)).text

    assert "The import failed." in page and "The file has no column X." in page
    assert f'action="{retry_url(roster)}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(retry_url(roster), follow=True)

    assert "The import is queued again." in response.text
    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.DONE
    assert roster.counts == SAMPLE_COUNTS


def test_stalled_import_offers_to_try_again(staff):
    roster = make_import(status=RosterImport.Status.RUNNING)
    RosterImport.objects.filter(pk=roster.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1)
    )

    page = staff.get(detail_url(roster)).text

    assert "it may have stopped" in page
    # Nothing to follow: the page stops asking, so the idle time-out still works.
    assert "roster.js" not in page
    assert f'action="{retry_url(roster)}"' in page


def test_trying_a_finished_import_again_is_refused_with_a_message(
    staff, django_capture_on_commit_callbacks
):
    roster = make_import(status=RosterImport.Status.DONE)

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff.post(retry_url(roster), follow=True)

    assert "Only a failed import" in response.text
    assert callbacks == []
    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.DONE


# --- the admin ---------------------------------------------------------------------


def test_admin_lists_imports_read_only(client, staff_user):
    roster = make_import(status=RosterImport.Status.FAILED, error="Broken file.")
    client.force_login(staff_user)

    listing = client.get(reverse("admin:verification_rosterimport_changelist"))
    page = client.get(
        reverse("admin:verification_rosterimport_change", args=[roster.pk])
    )

    assert listing.status_code == 200 and ISSUER in listing.text
    assert "Broken file." in page.text
    assert 'name="issuer"' not in page.text
    assert client.get(reverse("admin:verification_rosterimport_add")).status_code == (
        403
    )


def test_admin_is_refused_to_staff_without_permission(client, staff_without_permission):
    make_import()
    client.force_login(staff_without_permission)

    response = client.get(reverse("admin:verification_rosterimport_changelist"))

    assert response.status_code == 403
