"""Importing a state board's roster: one function for the `import_roster`
command and for the background task staff start from /staff/credentials/rosters/.

import_roster() reads the rows, matches each to the site's licences by
jurisdiction and number, decides with decisions.roster_outcome() and saves in
batches with decisions.save_roster_outcomes(), reporting progress after each.
A roster row is idempotent: importing the same file again changes nothing, so a
batch saved before a crash is simply found unchanged by the next run.
"""

import csv
import dataclasses
import datetime
import io
import logging
from collections import Counter
from collections.abc import Callable, Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from core.taskqueue import enqueue_with_transaction
from verification import decisions
from verification.decisions import RosterOutcome
from verification.models import Credential, RosterImport
from verification.rosters import (
    FORMATS,
    MalformedRow,
    RosterFormat,
    normalise_number,
    read_roster,
)

logger = logging.getLogger(__name__)

BATCH = 2000
# The fields of a RosterFormat that name a column, which staff may override.
COLUMN_FIELDS = (
    "number",
    "first_name",
    "last_name",
    "status",
    "expires",
    "full_name",
    "licence_type",
    "discipline",
)
NOT_ON_SITE = "not on the site"
MALFORMED = "malformed"
# The counts a report always has, in the order the command prints them.
OUTCOMES = (
    RosterOutcome.VERIFIED,
    RosterOutcome.FLAGGED,
    RosterOutcome.UNCHANGED,
    NOT_ON_SITE,
    MALFORMED,
)


@dataclasses.dataclass
class RosterReport:
    """What an import found: the usable rows read, a count per outcome (OUTCOMES)
    and every malformed row skipped."""

    rows: int
    counts: dict[str, int]
    malformed: list[MalformedRow]


def parse_columns(items: Iterable[str]) -> dict[str, str]:
    """Column overrides from FIELD=Header items; ValueError names a bad one."""
    columns = {}
    for item in items:
        key, sep, header = item.partition("=")
        key, header = key.strip(), header.strip()
        if not sep or key not in COLUMN_FIELDS or not header:
            raise ValueError(
                f"{item!r}: use FIELD=Header, where FIELD is one of "
                f"{', '.join(COLUMN_FIELDS)}."
            )
        columns[key] = header
    return columns


def roster_format(name: str, columns: dict[str, str]) -> RosterFormat:
    """The named format with some of its columns renamed (discipline takes
    several, comma-separated)."""
    changes = {
        key: tuple(h.strip() for h in header.split(","))
        if key == "discipline"
        else header
        for key, header in columns.items()
    }
    return dataclasses.replace(FORMATS[name], **changes)


def import_roster(
    handle,
    *,
    fmt: RosterFormat,
    issuer: str,
    jurisdiction: str,
    source: str = "",
    checked_on: datetime.date | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH,
) -> RosterReport:
    """Import a roster read from `handle` (text); return what it found.

    Raises ValueError when the file lacks a column the format needs (and
    UnicodeDecodeError, a ValueError too, when it is not UTF-8), before
    anything is saved. Each batch of rows is saved in its own transaction
    (nothing with `dry_run`); `progress(rows_done, rows_total)` is called after
    each. Malformed rows are counted and skipped.
    """
    jurisdiction = jurisdiction.strip().upper()
    source = source.strip() or fmt.source
    rows = list(read_roster(handle, fmt))
    credentials = {
        normalise_number(credential.number): credential
        # Massage boards' rosters: therapists' licences, not clinicians'.
        for credential in Credential.objects.of_therapists()
        .filter(jurisdiction=jurisdiction, kind=Credential.Kind.STATE_LICENCE)
        .select_related("therapist__user")
    }
    counts = Counter({outcome: 0 for outcome in OUTCOMES})
    malformed = []
    now = timezone.now()
    if progress:
        progress(0, len(rows))
    for start in range(0, len(rows), batch_size):
        events, checked = [], []
        for row in rows[start : start + batch_size]:
            if isinstance(row, MalformedRow):
                counts[MALFORMED] += 1
                malformed.append(row)
                continue
            credential = credentials.get(row.number)
            if credential is None:
                counts[NOT_ON_SITE] += 1
                continue
            outcome, event = decisions.roster_outcome(
                credential=credential,
                row=row,
                issuer=issuer,
                now=now,
                source=source,
                checked_on=checked_on,
            )
            counts[outcome] += 1
            checked.append(credential)
            if event is not None:
                events.append(event)
        if not dry_run:
            decisions.save_roster_outcomes(
                events=events, checked=checked, batch_size=batch_size
            )
        if progress:
            progress(min(start + batch_size, len(rows)), len(rows))
    return RosterReport(
        rows=len(rows) - counts[MALFORMED], counts=dict(counts), malformed=malformed
    )


# --- the background task -------------------------------------------------------


def start(*, roster_import: RosterImport, by: AbstractBaseUser) -> RosterImport:
    """Save a new import (its file already checked by RosterImportForm) and
    queue it, both or neither (core.taskqueue.enqueue_with_transaction)."""
    roster_import.started_by = by
    roster_import.status = RosterImport.Status.QUEUED
    with transaction.atomic():
        roster_import.save()
        enqueue_with_transaction(run_roster_import, roster_import.pk)
    return roster_import


def retry(*, roster_import: RosterImport) -> bool:
    """Queue a failed (or stalled) import again; False if it is neither, as
    when another member of staff already did."""
    with transaction.atomic():
        requeued = (
            RosterImport.objects.retryable()
            .filter(pk=roster_import.pk)
            .update(
                status=RosterImport.Status.QUEUED,
                error="",
                rows_done=0,
                rows_total=0,
                updated_at=timezone.now(),
                finished_at=None,
            )
        )
        if requeued:
            enqueue_with_transaction(run_roster_import, roster_import.pk)
    return bool(requeued)


@task
def run_roster_import(import_id: int) -> str:
    """Run a queued roster import; return the status it ended with.

    One UPDATE claims the row (queued -> running), so of two runs of this task
    only one imports. Progress is stored after every batch; any exception marks
    the import failed with a message staff read on its page (the traceback goes
    to the log). A worker killed mid-import leaves it running; once it has been
    silent for RosterImport.STALLED_AFTER staff may start it again, which is
    safe: the batches already saved are found unchanged the second time.
    """
    now = timezone.now()
    claimed = RosterImport.objects.filter(
        pk=import_id, status=RosterImport.Status.QUEUED
    ).update(status=RosterImport.Status.RUNNING, started_at=now, updated_at=now)
    if not claimed:
        found = RosterImport.objects.filter(pk=import_id).values_list("status")
        return found[0][0] if found else "missing"
    roster_import = RosterImport.objects.get(pk=import_id)
    mine = RosterImport.objects.filter(pk=import_id)

    def progress(done: int, total: int) -> None:
        mine.update(rows_done=done, rows_total=total, updated_at=timezone.now())

    try:
        report = _run(roster_import, progress)
    except Exception as error:
        logger.exception("Roster import %s failed", import_id)
        mine.update(
            status=RosterImport.Status.FAILED,
            error=failure_message(error),
            updated_at=timezone.now(),
            finished_at=timezone.now(),
        )
        return RosterImport.Status.FAILED
    mine.update(
        status=RosterImport.Status.DONE,
        counts=report.counts,
        malformed=[
            {"line": row.line, "reason": row.reason}
            for row in report.malformed[: RosterImport.MALFORMED_SHOWN]
        ],
        updated_at=timezone.now(),
        finished_at=timezone.now(),
    )
    return RosterImport.Status.DONE


def _run(roster_import: RosterImport, progress) -> RosterReport:
    # The whole file at once (at most RosterImportForm's limit): a bucket's
    # file object is not a stream the csv module can read line by line.
    with roster_import.file.open("rb") as stored:
        text = stored.read().decode("utf-8-sig")
    return import_roster(
        io.StringIO(text, newline=""),
        fmt=roster_format(roster_import.format, roster_import.columns),
        issuer=roster_import.issuer,
        jurisdiction=roster_import.jurisdiction,
        source=roster_import.source,
        checked_on=roster_import.checked_on,
        dry_run=roster_import.dry_run,
        progress=progress,
        batch_size=BATCH,
    )


def failure_message(error: Exception) -> str:
    """What staff read about a failed import: the file's fault in its own
    words, anything else by its kind only (the log has the rest)."""
    if isinstance(error, UnicodeDecodeError):
        return "The file is not UTF-8 text. Save it as CSV (UTF-8) and upload it again."
    if isinstance(error, FileNotFoundError):
        return "The uploaded file is no longer in storage. Upload it again."
    if isinstance(error, csv.Error):
        return f"The file could not be read as CSV ({error}). Check it and try again."
    if isinstance(error, ValueError) and str(error).startswith("the file has no"):
        return f"T{str(error)[1:]}. Check the format and column overrides."
    return (
        f"The import stopped with an unexpected error ({type(error).__name__}). "
        "Batches saved before it stay saved, and importing the file again is "
        "safe: try again, and if it fails again, the server log has the details."
    )
