"""verification.roster_import: the import the command and the staff pages share,
and the background task that runs an uploaded roster (claimed once, progress
stored, failures recorded for staff)."""

import datetime
import io
import logging

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests import factories
from tests.verification.test_import_roster import (
    ISSUER,
    SAMPLE,
    colorado_licence,
    state_of,
)
from tests.verification.test_import_roster import site as site  # noqa: F401
from verification import decisions, roster_import
from verification.models import Credential, CredentialEvent, RosterImport
from verification.rosters import FORMATS

pytestmark = pytest.mark.django_db

SAMPLE_COUNTS = {
    "verified": 1,
    "flagged for staff": 3,
    "unchanged": 1,
    "not on the site": 1,
    "malformed": 2,
}


def run(text: str | None = None, **options) -> roster_import.RosterReport:
    """Import the sample (or `text`) as the command does."""
    options = {
        "fmt": FORMATS["colorado"],
        "issuer": ISSUER,
        "jurisdiction": "CO",
        **options,
    }
    text = SAMPLE.read_text(encoding="utf-8") if text is None else text
    return roster_import.import_roster(io.StringIO(text, newline=""), **options)


def make_import(content: bytes | None = None, **overrides) -> RosterImport:
    """A queued import of the sample (or `content`), as the upload page saves it."""
    fields = {
        "issuer": ISSUER,
        "jurisdiction": "CO",
        "format": "colorado",
        "filename": "colorado.csv",
        "file": ContentFile(
            SAMPLE.read_bytes() if content is None else content, name="roster.csv"
        ),
    }
    fields.update(overrides)
    return RosterImport.objects.create(**fields)


def run_task(roster: RosterImport) -> str:
    result = roster_import.run_roster_import.enqueue(roster.pk)
    roster.refresh_from_db()
    return result.return_value


# --- import_roster() ---------------------------------------------------------------


def test_import_counts_each_outcome_and_lists_malformed_rows(site):
    report = run()

    assert report.rows == 6
    assert report.counts == SAMPLE_COUNTS
    assert [(row.line, row.reason) for row in report.malformed] == [
        (8, "no licence number"),
        (9, "unreadable date 'not a date'"),
    ]


def test_import_reports_progress_after_each_batch(site):
    calls = []

    run(progress=lambda done, total: calls.append((done, total)), batch_size=3)

    # Eight rows read (the nurse's is not a massage licence): 3 + 3 + 2.
    assert calls == [(0, 8), (3, 8), (6, 8), (8, 8)]


def test_import_in_small_batches_saves_each_outcome(site):
    report = run(batch_size=3)

    assert report.counts == SAMPLE_COUNTS
    actions = sorted(CredentialEvent.objects.values_list("action", flat=True))
    assert actions == ["roster_flag", "roster_flag", "roster_flag", "roster_match"]
    site["okafor"].refresh_from_db()
    assert site["okafor"].status == Credential.Status.VERIFIED


def test_importing_the_same_file_again_changes_nothing(site):
    run(batch_size=3)
    before = state_of(site)

    report = run(batch_size=3)

    assert report.counts["unchanged"] == 5
    assert state_of(site) == before
    assert CredentialEvent.objects.count() == 4


def test_dry_run_counts_but_saves_nothing(site):
    before = state_of(site)

    report = run(dry_run=True)

    assert report.counts == SAMPLE_COUNTS
    assert state_of(site) == before
    assert not CredentialEvent.objects.exists()


def test_missing_column_is_refused_before_anything_is_saved(site):
    text = SAMPLE.read_text(encoding="utf-8").replace("License Number", "Licence")

    with pytest.raises(ValueError, match="the file has no column License Number"):
        run(text)

    assert not CredentialEvent.objects.exists()


@pytest.mark.parametrize(
    "item", ["number", "colour=Colour", "number=", "date_formats=%Y"]
)
def test_column_overrides_must_name_a_column_field_and_a_header(item):
    with pytest.raises(ValueError, match="use FIELD=Header"):
        roster_import.parse_columns([item])


def test_column_overrides_rename_columns_and_split_discipline():
    columns = roster_import.parse_columns(
        ["number = LICENSE NO", "discipline=Case, Action"]
    )

    fmt = roster_import.roster_format("generic", columns)

    assert fmt.number == "LICENSE NO"
    assert fmt.discipline == ("Case", "Action")
    assert fmt.expires == "expires"


# --- the task ------------------------------------------------------------------------


def test_task_imports_the_file_and_records_the_report(site):
    roster = make_import()

    assert run_task(roster) == RosterImport.Status.DONE

    assert roster.status == RosterImport.Status.DONE
    assert roster.counts == SAMPLE_COUNTS
    assert roster.malformed == [
        {"line": 8, "reason": "no licence number"},
        {"line": 9, "reason": "unreadable date 'not a date'"},
    ]
    assert (roster.rows_done, roster.rows_total) == (8, 8)
    assert roster.started_at <= roster.finished_at
    assert roster.error == ""
    site["okafor"].refresh_from_db()
    assert site["okafor"].status == Credential.Status.VERIFIED
    assert CredentialEvent.objects.count() == 4


def test_task_run_twice_imports_once(site):
    roster = make_import()
    run_task(roster)
    finished = roster.finished_at

    # The row is no longer queued: the second run claims nothing.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            roster_import,
            "import_roster",
            lambda *a, **k: pytest.fail("imported twice"),
        )
        assert run_task(roster) == RosterImport.Status.DONE

    assert roster.finished_at == finished
    assert CredentialEvent.objects.count() == 4


def test_task_leaves_an_import_another_worker_runs_alone(site):
    roster = make_import(status=RosterImport.Status.RUNNING)

    assert run_task(roster) == RosterImport.Status.RUNNING

    assert roster.rows_total == 0
    assert not CredentialEvent.objects.exists()


def test_task_stores_progress_after_each_batch(site, monkeypatch):
    roster = make_import()
    seen = []
    save = decisions.save_roster_outcomes

    def save_and_look(**kwargs):
        save(**kwargs)
        stored = RosterImport.objects.get(pk=roster.pk)
        seen.append((stored.status, stored.rows_done, stored.rows_total))

    monkeypatch.setattr(roster_import, "BATCH", 3)
    monkeypatch.setattr(decisions, "save_roster_outcomes", save_and_look)

    run_task(roster)

    # Each batch is saved while the import runs, after the previous one's
    # progress was stored.
    assert seen == [("running", 0, 8), ("running", 3, 8), ("running", 6, 8)]
    assert (roster.rows_done, roster.rows_total) == (8, 8)


def test_task_dry_run_saves_no_outcome(site):
    before = state_of(site)
    roster = make_import(dry_run=True)

    run_task(roster)

    assert roster.status == RosterImport.Status.DONE
    assert roster.counts == SAMPLE_COUNTS
    assert state_of(site) == before


def test_task_keeps_the_first_malformed_rows_and_counts_them_all(site, monkeypatch):
    monkeypatch.setattr(RosterImport, "MALFORMED_SHOWN", 1)
    roster = make_import()

    run_task(roster)

    assert roster.malformed == [{"line": 8, "reason": "no licence number"}]
    assert roster.counts["malformed"] == 2


def test_task_failure_on_an_unexpected_error_is_recorded_and_logged(
    site, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(decisions, "save_roster_outcomes", broken)
    roster = make_import()

    with caplog.at_level(logging.ERROR, logger="verification.roster_import"):
        assert run_task(roster) == RosterImport.Status.FAILED

    assert roster.status == RosterImport.Status.FAILED
    assert roster.error.startswith(
        "The import stopped with an unexpected error (RuntimeError)."
    )
    # Staff read no internals; the log has the traceback.
    assert "database went away" not in roster.error
    assert roster.finished_at is not None
    assert "database went away" in caplog.text
    assert caplog.records[-1].exc_info is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            SAMPLE.read_bytes().replace(b"License Expiration Date", b"Expiry"),
            "The file has no column License Expiration Date. Check the format "
            "and column overrides.",
        ),
        (
            SAMPLE.read_text(encoding="utf-8")
            .replace("Ana", "Anaïs")
            .encode("latin-1"),
            "The file is not UTF-8 text. Save it as CSV (UTF-8) and upload it again.",
        ),
    ],
    ids=["missing column", "not utf-8"],
)
def test_task_failure_of_the_file_says_what_is_wrong(site, content, message):
    roster = make_import(content)

    run_task(roster)

    assert roster.status == RosterImport.Status.FAILED
    assert roster.error == message
    assert not CredentialEvent.objects.exists()


def test_task_failure_when_the_file_is_gone(site):
    roster = make_import()
    roster.file.storage.delete(roster.file.name)

    run_task(roster)

    assert roster.status == RosterImport.Status.FAILED
    assert "no longer in storage" in roster.error


def test_task_for_an_import_that_no_longer_exists_does_nothing(db):
    result = roster_import.run_roster_import.enqueue(987654)

    assert result.return_value == "missing"


# --- starting and trying again ------------------------------------------------------


def test_start_queues_the_import_once_it_commits(
    site, django_capture_on_commit_callbacks
):
    staff = factories.make_staff_user()
    roster = RosterImport(
        issuer=ISSUER,
        jurisdiction="CO",
        format="colorado",
        file=ContentFile(SAMPLE.read_bytes(), name="roster.csv"),
    )

    with django_capture_on_commit_callbacks() as callbacks:
        roster_import.start(roster_import=roster, by=staff)
        roster.refresh_from_db()
        assert roster.status == RosterImport.Status.QUEUED
    assert len(callbacks) == 1

    callbacks[0]()

    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.DONE
    assert roster.started_by == staff


def test_retry_requeues_a_failed_import_and_runs_it(
    site, django_capture_on_commit_callbacks
):
    roster = make_import(status=RosterImport.Status.FAILED, error="It broke.")

    with django_capture_on_commit_callbacks(execute=True):
        assert roster_import.retry(roster_import=roster)

    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.DONE
    assert roster.error == ""
    assert roster.counts == SAMPLE_COUNTS


@pytest.mark.parametrize(
    "status",
    [RosterImport.Status.QUEUED, RosterImport.Status.RUNNING, RosterImport.Status.DONE],
)
def test_retry_refuses_an_import_that_did_not_fail(
    site, django_capture_on_commit_callbacks, status
):
    roster = make_import(status=status)

    with django_capture_on_commit_callbacks() as callbacks:
        assert not roster_import.retry(roster_import=roster)

    assert callbacks == []
    roster.refresh_from_db()
    assert roster.status == status


def test_an_import_running_without_progress_for_long_may_be_retried(
    site, django_capture_on_commit_callbacks
):
    roster = make_import(status=RosterImport.Status.RUNNING)
    long_ago = timezone.now() - RosterImport.STALLED_AFTER - datetime.timedelta(1)
    RosterImport.objects.filter(pk=roster.pk).update(updated_at=long_ago)
    roster.refresh_from_db()
    assert roster.stalled and roster.retryable

    with django_capture_on_commit_callbacks(execute=True):
        assert roster_import.retry(roster_import=roster)

    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.DONE


def test_retryable_lists_failed_and_stalled_imports_only(db):
    now = timezone.now()
    failed = make_import(status=RosterImport.Status.FAILED)
    stalled = make_import(status=RosterImport.Status.RUNNING)
    running = make_import(status=RosterImport.Status.RUNNING)
    make_import(status=RosterImport.Status.DONE)
    make_import()
    RosterImport.objects.filter(pk=stalled.pk).update(
        updated_at=now - RosterImport.STALLED_AFTER - datetime.timedelta(seconds=1)
    )
    RosterImport.objects.filter(pk=running.pk).update(updated_at=now)

    assert set(RosterImport.objects.retryable(now)) == {failed, stalled}


def test_newest_first_orders_imports_by_when_they_were_started(db):
    older, newer = make_import(), make_import()

    assert list(RosterImport.objects.newest_first()) == [newer, older]


def test_a_site_licence_matched_by_an_uploaded_roster_gets_its_board_status(db):
    credential = colorado_licence("Imani", "Okafor", "MT.0012345")
    roster = make_import(
        source="Colorado roster, as uploaded",
        checked_on=datetime.date(2026, 5, 1),
    )

    run_task(roster)

    credential.refresh_from_db()
    assert credential.board_status == Credential.BoardStatus.ACTIVE
    assert credential.board_source == "Colorado roster, as uploaded"
    assert credential.board_checked_on == datetime.date(2026, 5, 1)


# --- through the database queue, as on the site ------------------------------------


@pytest.mark.django_db(
    transaction=True,
    # The worker closes the connection between tasks, which ends a test's own
    # transaction: this test commits (see tests/core/test_mail_tasks.py).
    available_apps=[config.name for config in apps.get_app_configs()],
)
def test_the_worker_imports_a_started_roster_from_the_database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    okafor = colorado_licence("Imani", "Okafor", "MT.0012345")
    roster = RosterImport(
        issuer=ISSUER,
        jurisdiction="CO",
        format="colorado",
        file=ContentFile(SAMPLE.read_bytes(), name="roster.csv"),
    )

    roster_import.start(roster_import=roster, by=factories.make_staff_user())

    (queued,) = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [roster.pk], "kwargs": {}}
    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.QUEUED

    call_command("db_worker", batch=True, startup_delay=False, reload=False)

    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.DONE
    assert roster.counts["verified"] == 1
    okafor.refresh_from_db()
    assert okafor.status == Credential.Status.VERIFIED
