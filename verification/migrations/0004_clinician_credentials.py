"""A clinician's licence goes through the same verification as a therapist's
credential: a credential now belongs to a therapist or to a clinician (exactly
one), and a clinician's is always a state licence."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinicians", "0001_initial"),
        ("therapists", "0013_issue15_verified_reviews_recommendations"),
        ("verification", "0003_board_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="credential",
            name="clinician",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="credentials",
                to="clinicians.clinician",
            ),
        ),
        migrations.AlterField(
            model_name="credential",
            name="therapist",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="credentials",
                to="therapists.therapist",
            ),
        ),
        migrations.AddConstraint(
            model_name="credential",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("clinician__isnull", True), ("therapist__isnull", False)),
                    models.Q(("clinician__isnull", False), ("therapist__isnull", True)),
                    _connector="OR",
                ),
                name="credential_one_holder",
                violation_error_message=(
                    "A credential belongs to a therapist or to a clinician: choose "
                    "exactly one."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="credential",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("clinician__isnull", True), ("kind", "state_licence"), _connector="OR"
                ),
                name="credential_clinician_holds_licence",
                violation_error_message="A clinician's credential is a state licence.",
            ),
        ),
    ]
