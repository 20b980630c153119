"""Credential now lives in `verification` (see its migration 0002): forget it
here without touching the table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("therapists", "0009_location_search_filters"),
        ("verification", "0002_credential_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Credential")],
            database_operations=[],
        ),
    ]
