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
and skipped.
"""

import dataclasses
import datetime
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from verification import decisions
from verification.decisions import RosterOutcome
from verification.models import Credential
from verification.rosters import FORMATS, MalformedRow, normalise_number, read_roster

BATCH = 2000


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
        jurisdiction = jurisdiction.strip().upper()
        fmt = self.roster_format(format, column)
        source = source.strip() or fmt.source
        checked_on = checked_on_date(checked_on)
        credentials = {
            normalise_number(credential.number): credential
            # Massage boards' rosters: therapists' licences, not clinicians'.
            for credential in Credential.objects.of_therapists()
            .filter(jurisdiction=jurisdiction, kind=Credential.Kind.STATE_LICENCE)
            .select_related("therapist__user")
        }
        counts = Counter()
        events, checked = [], []
        now = timezone.now()
        try:
            handle = open(file, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        with handle:
            try:
                rows = list(read_roster(handle, fmt))
            except UnicodeDecodeError:  # a ValueError too, so it comes first
                raise CommandError(f"{file} is not UTF-8 text.") from None
            except ValueError as error:
                raise CommandError(f"{file}: {error}") from None
        for row in rows:
            if isinstance(row, MalformedRow):
                counts["malformed"] += 1
                self.stderr.write(f"Skipped {row}")
                continue
            counts["rows"] += 1
            credential = credentials.get(row.number)
            if credential is None:
                counts["not on the site"] += 1
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
                events=events, checked=checked, batch_size=BATCH
            )
        self.report(counts, dry_run, time.monotonic() - started)

    def roster_format(self, name, overrides):
        fmt = FORMATS[name]
        changes = {}
        for item in overrides:
            key, sep, header = item.partition("=")
            fields = {f.name for f in dataclasses.fields(fmt)}
            if not sep or key not in fields:
                raise CommandError(f"--column {item!r}: use FIELD=Header.")
            changes[key] = tuple(header.split(",")) if key == "discipline" else header
        return dataclasses.replace(fmt, **changes)

    def report(self, counts, dry_run, seconds):
        prefix = "Dry run, nothing saved. " if dry_run else ""
        self.stdout.write(
            f"{prefix}Read {counts['rows']:,} roster rows in {seconds:.1f} s: "
            f"{counts[RosterOutcome.VERIFIED]:,} verified, "
            f"{counts[RosterOutcome.FLAGGED]:,} flagged for staff, "
            f"{counts[RosterOutcome.UNCHANGED]:,} unchanged, "
            f"{counts['not on the site']:,} not on the site, "
            f"{counts['malformed']:,} malformed rows skipped."
        )
