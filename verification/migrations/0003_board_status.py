"""What the state board's public roster says about a licence: its status, where
that comes from and when it was checked, and staff's decision on the badge when
the board shows a lapse or discipline."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0002_credential_moves_here"),
    ]

    operations = [
        migrations.AddField(
            model_name="credential",
            name="board_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not checked against a board roster"),
                    ("active", "Active, no public discipline"),
                    ("lapsed", "Not active (lapsed, expired or inactive)"),
                    ("disciplined", "Public discipline on record"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="credential",
            name="board_source",
            field=models.CharField(
                blank=True,
                help_text=(
                    'Where the status comes from: "Colorado roster (DORA open data)".'
                ),
                max_length=160,
            ),
        ),
        migrations.AddField(
            model_name="credential",
            name="board_checked_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="credential",
            name="board_review",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not reviewed by staff"),
                    ("kept", "Staff kept the badge"),
                    ("withheld", "Staff withheld the badge"),
                ],
                default="",
                max_length=10,
            ),
        ),
    ]
