"""Write a board roster CSV in Colorado's format for timing `import_roster`.

    DATABASE_URL=sqlite:////tmp/big/db.sqlite3 .venv/bin/python bench/make_roster.py \\
        --jurisdiction CO --rows 100000 /tmp/roster.csv

Every state licence the site holds for the jurisdiction appears with its holder's
name (a few with another name, an inactive status or a disciplinary case), and
made-up licences fill the file up to --rows.
"""

import argparse
import csv
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")

HEADERS = [
    "Last Name", "First Name", "Middle Name", "Suffix", "Entity Name",
    "Formatted Name", "Attention", "Address Line 1", "Address Line 2", "City",
    "State", "County", "Mail Zip Code", "License Type", "Sub Category",
    "License Number", "License First Issue Date", "License Last Renewed Date",
    "License Expiration Date", "License Status Description", "Specialty", "Title",
    "Degree(s)", "Case Number", "Program Action", "Discipline Effective Date",
    "Discipline Complete Date",
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--jurisdiction", default="CO")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import django

    django.setup()
    from therapists.models import Credential

    rng = random.Random(args.seed)
    licences = Credential.objects.filter(
        jurisdiction=args.jurisdiction, kind="state_licence"
    ).values_list("number", "therapist__user__first_name", "therapist__user__last_name")
    with open(args.output, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        written = 0
        for number, first, last in licences:
            status, case = "Active", ""
            roll = rng.random()
            if roll < 0.03:
                last = "Different"
            elif roll < 0.05:
                status = "Expired"
            elif roll < 0.06:
                case = f"2024-{rng.randint(1000, 9999)}"
            writer.writerow(row(last, first, number, status, case, rng))
            written += 1
        while written < args.rows:
            number = f"MT.{9_000_000 + written:07d}"
            writer.writerow(row("Filler", "Pat", number, "Active", "", rng))
            written += 1
    print(f"wrote {written:,} rows ({len(licences):,} on the site) to {args.output}")
    return 0


def row(last, first, number, status, case, rng):
    expires = f"08/31/{rng.choice([2027, 2028, 2029])}"
    return [
        last, first, "", "", "", f"{first} {last}", "", "", "", "Denver", "CO",
        "Denver", "80202", "MT", "", number, "03/14/2016", "08/01/2024", expires,
        status, "", "", "", case, "Probation" if case else "", "", "",
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
