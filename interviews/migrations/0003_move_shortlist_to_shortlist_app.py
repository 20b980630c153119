"""ShortlistEntry now belongs to the `shortlist` app (its 0001 took the model
over in the migration state); the table and its rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("interviews", "0002_report_reason_text"),
        ("shortlist", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ShortlistEntry")],
            database_operations=[],
        ),
    ]
