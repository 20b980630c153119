"""Scores people understand, and closeness in the best match (issue 14).

The review parts of the qualification score no longer start from the site
mean: they grow with each review (therapists.ranking). Every stored score is
recomputed with the new formula, and copied onto the locations, where a
best-match search near a place walks it (location_best_idx).
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from therapists import ranking
from therapists.models import Therapist as LiveTherapist

BATCH = 2000


def rescore_everyone(apps, schema_editor):
    """TherapistQuerySet.rerank() and copy_to_locations(only_score=True), for
    every therapist, on the historical models."""
    therapist_model = apps.get_model("therapists", "Therapist")
    # The formula reads columns that later migrations add (issue 15): here they
    # hold what those migrations first give them, their field's default.
    known = {field.name for field in therapist_model._meta.get_fields()}
    later = {
        name: LiveTherapist._meta.get_field(name).get_default()
        for name in ranking.INPUT_FIELDS
        if name not in known
    }
    fields = ["pk", "qualification_score", *(set(ranking.INPUT_FIELDS) - set(later))]
    changed = []
    for therapist in (
        therapist_model.objects.only(*fields).order_by("pk").iterator(chunk_size=BATCH)
    ):
        for name, default in later.items():
            setattr(therapist, name, default)
        score = ranking.score_of(therapist)
        if score != therapist.qualification_score:
            therapist.qualification_score = score
            changed.append(therapist)
    therapist_model.objects.bulk_update(
        changed, ["qualification_score"], batch_size=BATCH
    )
    score = therapist_model.objects.filter(pk=OuterRef("therapist_id")).values(
        "qualification_score"
    )
    apps.get_model("therapists", "PracticeLocation").objects.update(
        qualification_score=Subquery(score)
    )


def analyze(apps, schema_editor):
    """Fresh planner statistics: SQLite rebuilt both tables above and dropped
    theirs, and a best-match search needs them to walk location_best_idx."""
    for table in ("therapists_therapist", "therapists_practicelocation"):
        schema_editor.execute(f"ANALYZE {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("therapists", "0011_client_contact_for_accepted_clients"),
    ]

    operations = [
        migrations.AddField(
            model_name="practicelocation",
            name="qualification_score",
            field=models.FloatField(default=0, editable=False),
        ),
        migrations.AddIndex(
            model_name="practicelocation",
            index=models.Index(
                fields=[
                    "listed",
                    "qualification_score",
                    "lat_band",
                    "longitude",
                    "latitude",
                    "badge_valid_until",
                    "technique_bits",
                    "therapist",
                ],
                name="location_best_idx",
            ),
        ),
        migrations.RunPython(rescore_everyone, migrations.RunPython.noop),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
