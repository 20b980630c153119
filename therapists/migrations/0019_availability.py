"""Availability (issue 16, item 5): weekly hours (OpeningHours), what they hold
for the search (Therapist.hours_bits, evenings and weekends, written by
therapists.changes.hours_changed()), and the next opening the therapist states
with the day they confirmed it. Nobody has hours yet, so every bit starts at 0.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("therapists", "0018_comfort_and_consent")]

    operations = [
        migrations.CreateModel(
            name="OpeningHours",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Monday"),
                            (1, "Tuesday"),
                            (2, "Wednesday"),
                            (3, "Thursday"),
                            (4, "Friday"),
                            (5, "Saturday"),
                            (6, "Sunday"),
                        ],
                        verbose_name="day",
                    ),
                ),
                ("opens", models.TimeField(verbose_name="opens at")),
                ("closes", models.TimeField(verbose_name="closes at")),
                (
                    "therapist",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="opening_hours",
                        to="therapists.therapist",
                    ),
                ),
            ],
            options={
                "verbose_name": "opening hours",
                "verbose_name_plural": "opening hours",
                "ordering": ["therapist", "weekday", "opens"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("opens__lt", models.F("closes"))),
                        name="opening_hours_opens_before_closes",
                        violation_error_message=(
                            "The closing time must be after the opening time."
                        ),
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("weekday__gte", 0), ("weekday__lte", 6)),
                        name="opening_hours_weekday_range",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="therapist",
            name="hours_bits",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="weekly hours include"
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="next_opening_confirmed_on",
            field=models.DateField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="next opening last confirmed",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="next_opening_on",
            field=models.DateField(blank=True, null=True, verbose_name="next opening"),
        ),
        migrations.AddConstraint(
            model_name="therapist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("next_opening_on__isnull", True),
                    models.Q(
                        ("next_opening_confirmed_on__isnull", False),
                        ("next_opening_on__gte", models.F("next_opening_confirmed_on")),
                    ),
                    _connector="OR",
                ),
                name="therapist_next_opening_confirmed",
            ),
        ),
    ]
