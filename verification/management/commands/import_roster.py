"""Verify licences against a state board's published roster (CSV).

    python manage.py import_roster roster.csv --issuer "Colorado Office of Massage
        Therapy Licensure" --jurisdiction CO --format colorado
    python manage.py import_roster roster.csv --issuer "..." --jurisdiction TX \\
        --format generic --column number="LICENSE NUMBER" --column expires="EXP DATE"

Each row is matched to the site's state licences by jurisdiction and licence
number. A match whose name agrees, whose board status is active and which has no
disciplinary action is marked verified by "state board roster" with the roster's
expiry date. Everything else that matches is flagged for staff. Running the same
file twice changes nothing the second time. Malformed rows are reported and
skipped.
"""

import dataclasses
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from verification import badges
from verification.decisions import snapshot
from verification.models import Credential, CredentialEvent
from verification.rosters import (
    FORMATS,
    MalformedRow,
    names_match,
    normalise_number,
    read_roster,
)

BATCH = 2000


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
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, issuer, jurisdiction, format, column, dry_run, **o):
        started = time.monotonic()
        jurisdiction = jurisdiction.strip().upper()
        fmt = self.roster_format(format, column)
        credentials = {
            normalise_number(credential.number): credential
            for credential in Credential.objects.filter(
                jurisdiction=jurisdiction, kind=Credential.Kind.STATE_LICENCE
            ).select_related("therapist__user")
        }
        counts = Counter()
        changed, events, touched = [], [], set()
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
            outcome = self.apply(credential, row, issuer, now)
            counts[outcome[0]] += 1
            if outcome[1] is not None:
                changed.append(credential)
                events.append(outcome[1])
                touched.add(credential.therapist_id)
        if not dry_run:
            with transaction.atomic():
                Credential.objects.bulk_update(
                    changed,
                    [
                        "status",
                        "verification_method",
                        "verified_at",
                        "verified_by",
                        "expires_on",
                        "roster_flag",
                    ],
                    batch_size=BATCH,
                )
                CredentialEvent.objects.bulk_create(events, batch_size=BATCH)
                touched_ids = sorted(touched)
                for start in range(0, len(touched_ids), BATCH):
                    badges.credentials_changed(touched_ids[start : start + BATCH])
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

    def apply(self, credential, row, issuer, now):
        """Decide what the roster says about one credential: (outcome, event)."""
        therapist = credential.therapist
        names = [therapist.display_name, therapist.user.get_full_name()]
        problems = list(row.problems)
        if not names_match(row.first_name, row.last_name, names):
            problems.insert(
                0,
                f"roster name “{row.first_name} {row.last_name}” differs from "
                f"“{therapist.display_name}”",
            )
        old = snapshot(credential)
        if row.expires and row.expires < timezone.localdate():
            problems.append(f"roster expiry {row.expires:%Y-%m-%d} has passed")
        if problems:
            flag = (f"{issuer} roster: " + "; ".join(problems))[:300]
            if credential.roster_flag == flag:
                return "unchanged", None
            credential.roster_flag = flag
            event = CredentialEvent(
                credential=credential,
                action=CredentialEvent.Action.ROSTER_FLAG,
                method=Credential.Method.BOARD_ROSTER,
                note=credential.roster_flag,
                old_values=old,
                new_values=snapshot(credential),
            )
            return "flagged for staff", event
        if (
            credential.status == Credential.Status.VERIFIED
            and credential.verification_method == Credential.Method.BOARD_ROSTER
            and credential.expires_on == row.expires
            and not credential.roster_flag
        ):
            return "unchanged", None
        credential.status = Credential.Status.VERIFIED
        credential.verification_method = Credential.Method.BOARD_ROSTER
        credential.verified_at = now
        credential.verified_by = None
        credential.expires_on = row.expires or credential.expires_on
        credential.roster_flag = ""
        event = CredentialEvent(
            credential=credential,
            action=CredentialEvent.Action.ROSTER_MATCH,
            method=Credential.Method.BOARD_ROSTER,
            note=f"{issuer} roster, line {row.line}",
            old_values=old,
            new_values=snapshot(credential),
        )
        return "verified", event

    def report(self, counts, dry_run, seconds):
        prefix = "Dry run, nothing saved. " if dry_run else ""
        self.stdout.write(
            f"{prefix}Read {counts['rows']:,} roster rows in {seconds:.1f} s: "
            f"{counts['verified']:,} verified, "
            f"{counts['flagged for staff']:,} flagged for staff, "
            f"{counts['unchanged']:,} unchanged, "
            f"{counts['not on the site']:,} not on the site, "
            f"{counts['malformed']:,} malformed rows skipped."
        )
