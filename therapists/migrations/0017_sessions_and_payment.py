"""Sessions and payment (issue 16, item 1 and 2).

Prices for the standard session lengths as columns (the 60-minute one keeps
its column, session_price), each with an index for sort=price and max_price;
a first-visit assessment, a sliding scale and the cancellation policy;
packages of sessions; ways to pay as bits (frozen in therapists.payment,
never renumbered); insurance plans from a list staff keep, seeded here with
real US carriers only, and the plans each therapist accepts.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

# Real US carriers and programmes (name, slug): staff may add more in the admin.
PLANS = [
    ("Aetna", "aetna"),
    ("Anthem", "anthem"),
    ("Blue Cross Blue Shield", "blue-cross-blue-shield"),
    ("Cigna", "cigna"),
    ("Humana", "humana"),
    ("Kaiser Permanente", "kaiser-permanente"),
    ("Optum", "optum"),
    ("UnitedHealthcare", "unitedhealthcare"),
    ("Tricare", "tricare"),
]


def add_plans(apps, schema_editor):
    InsurancePlan = apps.get_model("therapists", "InsurancePlan")
    InsurancePlan.objects.bulk_create(
        [
            InsurancePlan(name=name, slug=slug, position=position)
            for position, (name, slug) in enumerate(PLANS, start=1)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("therapists", "0016_typical_course_of_care")]

    operations = [
        migrations.CreateModel(
            name="AcceptedPlan",
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
                ("confirmed_on", models.DateField(verbose_name="confirmed on")),
            ],
            options={
                "ordering": ["plan__position", "plan__name"],
            },
        ),
        migrations.CreateModel(
            name="InsurancePlan",
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
                ("name", models.CharField(max_length=80, unique=True)),
                ("slug", models.SlugField(max_length=80, unique=True)),
                ("position", models.PositiveSmallIntegerField(default=100)),
            ],
            options={
                "ordering": ["position", "name"],
            },
        ),
        migrations.CreateModel(
            name="SessionPackage",
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
                    "sessions",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(2),
                            django.core.validators.MaxValueValidator(20),
                        ],
                        verbose_name="number of sessions",
                    ),
                ),
                (
                    "minutes",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (30, "30 min"),
                            (45, "45 min"),
                            (60, "60 min"),
                            (75, "75 min"),
                            (90, "90 min"),
                        ],
                        verbose_name="minutes each",
                    ),
                ),
                (
                    "price",
                    models.PositiveIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(20000),
                        ],
                        verbose_name="price of the package (USD)",
                    ),
                ),
            ],
            options={
                "ordering": ["minutes", "sessions", "id"],
            },
        ),
        migrations.AddField(
            model_name="therapist",
            name="assessment_minutes",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(15),
                    django.core.validators.MaxValueValidator(180),
                ],
                verbose_name="first-visit assessment (minutes)",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="assessment_price",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(2000),
                ],
                verbose_name="first-visit assessment (USD)",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="cancellation_fee",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(2000),
                ],
                verbose_name="late cancellation fee (USD)",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="cancellation_notice_hours",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(168)],
                verbose_name="cancellation notice (hours)",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="payment_bits",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="ways to pay"
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="price_30",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(2000),
                ],
                verbose_name="30-minute session (USD)",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="price_45",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(2000),
                ],
                verbose_name="45-minute session (USD)",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="price_75",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(2000),
                ],
                verbose_name="75-minute session (USD)",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="price_90",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(2000),
                ],
                verbose_name="90-minute session (USD)",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="sliding_scale",
            field=models.BooleanField(
                default=False, verbose_name="offers a sliding scale"
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="sliding_scale_note",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="how the sliding scale works"
            ),
        ),
        migrations.AlterField(
            model_name="therapist",
            name="session_price",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(2000),
                ],
                verbose_name="60-minute session (USD)",
            ),
        ),
        migrations.AddIndex(
            model_name="therapist",
            index=models.Index(
                fields=["is_published", "price_30", "id"], name="therapist_price_30_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="therapist",
            index=models.Index(
                fields=["is_published", "price_45", "id"], name="therapist_price_45_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="therapist",
            index=models.Index(
                fields=["is_published", "price_75", "id"], name="therapist_price_75_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="therapist",
            index=models.Index(
                fields=["is_published", "price_90", "id"], name="therapist_price_90_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="therapist",
            constraint=models.CheckConstraint(
                condition=models.Q(("price_30__gte", 1), ("price_30__lte", 2000)),
                name="therapist_price_30_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="therapist",
            constraint=models.CheckConstraint(
                condition=models.Q(("price_45__gte", 1), ("price_45__lte", 2000)),
                name="therapist_price_45_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="therapist",
            constraint=models.CheckConstraint(
                condition=models.Q(("price_75__gte", 1), ("price_75__lte", 2000)),
                name="therapist_price_75_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="therapist",
            constraint=models.CheckConstraint(
                condition=models.Q(("price_90__gte", 1), ("price_90__lte", 2000)),
                name="therapist_price_90_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="therapist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("assessment_minutes__isnull", True),
                        ("assessment_price__isnull", True),
                    ),
                    models.Q(
                        ("assessment_minutes__gte", 15),
                        ("assessment_minutes__isnull", False),
                        ("assessment_minutes__lte", 180),
                        ("assessment_price__gte", 0),
                        ("assessment_price__isnull", False),
                        ("assessment_price__lte", 2000),
                    ),
                    _connector="OR",
                ),
                name="therapist_assessment_complete",
                violation_error_message=(
                    "Give both the assessment's length and its price, or neither."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="therapist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cancellation_notice_hours__isnull", True),
                    ("cancellation_notice_hours__lte", 168),
                    _connector="OR",
                ),
                name="therapist_cancellation_notice_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="therapist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cancellation_fee__isnull", True),
                    models.Q(
                        ("cancellation_fee__gte", 1),
                        ("cancellation_fee__lte", 2000),
                        ("cancellation_notice_hours__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="therapist_cancellation_fee_with_notice",
                violation_error_message=(
                    "A cancellation fee needs the notice it applies to."
                ),
            ),
        ),
        migrations.AddField(
            model_name="acceptedplan",
            name="therapist",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="accepted_plans",
                to="therapists.therapist",
            ),
        ),
        migrations.AddField(
            model_name="acceptedplan",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="acceptances",
                to="therapists.insuranceplan",
            ),
        ),
        migrations.AddField(
            model_name="sessionpackage",
            name="therapist",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="packages",
                to="therapists.therapist",
            ),
        ),
        migrations.AddConstraint(
            model_name="acceptedplan",
            constraint=models.UniqueConstraint(
                fields=("therapist", "plan"), name="unique_accepted_plan"
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionpackage",
            constraint=models.CheckConstraint(
                condition=models.Q(("sessions__gte", 2), ("sessions__lte", 20)),
                name="package_sessions_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionpackage",
            constraint=models.CheckConstraint(
                condition=models.Q(("price__gte", 1), ("price__lte", 20000)),
                name="package_price_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionpackage",
            constraint=models.CheckConstraint(
                condition=models.Q(("minutes__in", (30, 45, 60, 75, 90))),
                name="package_minutes_standard",
            ),
        ),
        migrations.RunPython(add_plans, migrations.RunPython.noop, elidable=False),
    ]
