"""Verify licences against a state board's published roster (CSV).

    python manage.py import_roster roster.csv --issuer "Colorado Office of Massage
        Therapy Licensure" --jurisdiction CO --format colorado
    python manage.py import_roster roster.csv --issuer "..." --jurisdiction TX \\
        --format generic --column number="LICENSE NUMBER" --column expires="EXP DATE"

Each row is matched to the site's state licences by jurisdiction and licence
number. A match whose name agrees, whose board status is active and which has no
disciplinary action is marked verified by "state board roster" with the roster's
expiry date. Everything else that matches is flagged for staff (the rule is
verification.decisions.roster_outcome). Every match whose name agrees also
stores the board's status (active, lapsed or disciplined) with its source and
the day of the check (`--source`, `--checked-on`), which the public profile
shows; a lapse or discipline withholds the badge until staff decide. Running the
same file twice changes nothing the second time. Malformed rows are reported
and skipped. Staff can run the same import from /staff/credentials/rosters/
(a background task): both call verification.roster_import.import_roster().
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from verification import roster_import
from verification.decisions import RosterOutcome
from verification.rosters import FORMATS


def checked_on_date(value: str | None) -> datetime.date | None:
    """--checked-on: a day in YYYY-MM-DD form, not in the future (None for
    today)."""
    if value is None:
        return None
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        raise CommandError(
            f"--checked-on {value!r}: give the day as YYYY-MM-DD."
        ) from None
    if day > timezone.localdate():
        raise CommandError(f"--checked-on {value}: that day is in the future.")
    return day


class Command(BaseCommand):
    help = "Verify state licences against a board's roster file (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--issuer", required=True, help="The board's name.")
        parser.add_argument(
            "--jurisdiction", required=True, help="Two-letter state code, e.g. CO."
        )
        parser.add_argument("--format", choices=sorted(FORMATS), default="colorado")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="Override a column: number, first_name, last_name, status, "
            "expires, full_name, licence_type, discipline (comma-separated).",
        )
        parser.add_argument(
            "--source",
            default="",
            help="Where the board status comes from, as the public profile names "
            'it ("per the ..."), e.g. "Texas roster (TDLR)". The format\'s own, or '
            '"<issuer> roster".',
        )
        parser.add_argument(
            "--checked-on",
            default=None,
            metavar="YYYY-MM-DD",
            help="The day the roster file was downloaded (default: today): the "
            "profile says the status was checked then.",
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(
        self,
        *args,
        file,
        issuer,
        jurisdiction,
        format,
        column,
        source,
        checked_on,
        dry_run,
        **o,
    ):
        started = time.monotonic()
        try:
            columns = roster_import.parse_columns(column)
        except ValueError as error:
            raise CommandError(f"--column {error}") from None
        fmt = roster_import.roster_format(format, columns)
        checked_on = checked_on_date(checked_on)
        try:
            handle = open(file, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        with handle:
            try:
                report = roster_import.import_roster(
                    handle,
                    fmt=fmt,
                    issuer=issuer,
                    jurisdiction=jurisdiction,
                    source=source,
                    checked_on=checked_on,
                    dry_run=dry_run,
                )
            except UnicodeDecodeError:  # a ValueError too, so it comes first
                raise CommandError(f"{file} is not UTF-8 text.") from None
            except ValueError as error:
                raise CommandError(f"{file}: {error}") from None
        for row in report.malformed:
            self.stderr.write(f"Skipped {row}")
        self.report(report, dry_run, time.monotonic() - started)

    def report(self, report, dry_run, seconds):
        counts = report.counts
        prefix = "Dry run, nothing saved. " if dry_run else ""
        self.stdout.write(
            f"{prefix}Read {report.rows:,} roster rows in {seconds:.1f} s: "
            f"{counts[RosterOutcome.VERIFIED]:,} verified, "
            f"{counts[RosterOutcome.FLAGGED]:,} flagged for staff, "
            f"{counts[RosterOutcome.UNCHANGED]:,} unchanged, "
            f"{counts[roster_import.NOT_ON_SITE]:,} not on the site, "
            f"{counts[roster_import.MALFORMED]:,} malformed rows skipped."
        )
