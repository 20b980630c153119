"""Write the published directory as Open Referral HSDS 3.0: one JSON file per
table in DIR (see hsds.tables for the shape and why).

    .venv/bin/python manage.py export_hsds /tmp/hsds --base-url https://backcare.example

Links to profiles start with --base-url (default DJANGO_SITE_ADDRESS). The
download at /open-data/hsds.zip zips the same files (hsds.download).
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator

from hsds import tables


class Command(BaseCommand):
    help = "Write the published directory as HSDS 3.0 JSON files, one per table."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder to write into.")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_ADDRESS,
            help="Where the site runs, for the links in the records "
            f"(default DJANGO_SITE_ADDRESS, now {settings.SITE_ADDRESS}).",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=tables.CHUNK_SIZE,
            help="Therapists read per batch of queries.",
        )

    def handle(self, *args, directory, base_url, chunk_size, **options):
        try:
            URLValidator(schemes=["http", "https"])(base_url)
        except ValidationError as error:
            raise CommandError(f"--base-url: {error.messages[0]}") from error
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} exists and is not a folder.")
        counts = tables.write(directory, base_url, chunk_size)
        for table, count in counts.items():
            self.stdout.write(f"{tables.TABLE_FILES[table]}: {count} record(s)")
