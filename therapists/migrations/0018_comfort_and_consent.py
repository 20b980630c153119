from django.db import migrations, models

# Frozen here: therapists.comfort may change its words, never these values.
PRESSURE_CHOICES = [
    (1, "Gentle"),
    (2, "Light"),
    (3, "Moderate"),
    (4, "Firm"),
    (5, "Deep"),
]


class Migration(migrations.Migration):
    dependencies = [("therapists", "0017_sessions_and_payment")]

    operations = [
        migrations.AddField(
            model_name="therapist",
            name="comfort_bits",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="comfort and consent"
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="draping_policy",
            field=models.TextField(
                blank=True, max_length=600, verbose_name="draping policy"
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="pressure_firmest",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=PRESSURE_CHOICES,
                null=True,
                verbose_name="firmest pressure offered",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="pressure_lightest",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=PRESSURE_CHOICES,
                null=True,
                verbose_name="lightest pressure offered",
            ),
        ),
        migrations.AddConstraint(
            model_name="therapist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("pressure_firmest__isnull", True),
                    ("pressure_lightest__isnull", True),
                )
                | models.Q(
                    ("pressure_firmest__isnull", False),
                    ("pressure_firmest__lte", 5),
                    ("pressure_lightest__gte", 1),
                    ("pressure_lightest__isnull", False),
                    ("pressure_lightest__lte", models.F("pressure_firmest")),
                ),
                name="therapist_pressure_range",
                violation_error_message=(
                    "Give both the lightest and the firmest pressure, the lightest "
                    "no firmer than the firmest, or neither."
                ),
            ),
        ),
    ]
