"""Accessibility as a checklist (issue 16, item 3).

The single "wheelchair-accessible premises" flag becomes a checklist of nine
items (therapists.accessibility), stored as a bitmask so "all of these must
hold" is one indexed-column test: access_bits & mask = mask.

What the old flag honestly implies: a therapist who said their premises are
wheelchair accessible told clients a wheelchair user can get in and reach the
treatment room. That is "step-free entrance" and "ground floor or lift". It
says nothing about parking, transit, the table, positions, the restroom,
scents or animals, so those stay "not stated". The flag is then removed; the
model keeps a derived ``wheelchair_accessible`` property (= step-free
entrance) and ``?accessible=on`` keeps meaning step-free entrance.

The bit positions are frozen here (the migration must not import app code):
keep them in step with therapists/accessibility.py, never renumber.
"""

from django.db import migrations, models

STEP_FREE = 1 << 0
GROUND_FLOOR_OR_LIFT = 1 << 1
WHEELCHAIR_IMPLIES = STEP_FREE | GROUND_FLOOR_OR_LIFT


def flag_to_checklist(apps, schema_editor):
    """Wheelchair-accessible premises -> step-free entrance + ground floor or lift."""
    Therapist = apps.get_model("therapists", "Therapist")
    Therapist.objects.filter(wheelchair_accessible=True).update(
        access_bits=models.F("access_bits").bitor(WHEELCHAIR_IMPLIES)
    )


def checklist_to_flag(apps, schema_editor):
    """Reverse: the flag holds where a step-free entrance was stated."""
    Therapist = apps.get_model("therapists", "Therapist")
    Therapist.objects.alias(step_free=models.F("access_bits").bitand(STEP_FREE)).filter(
        step_free=STEP_FREE
    ).update(wheelchair_accessible=True)


class Migration(migrations.Migration):
    dependencies = [
        ("therapists", "0014_details_confirmed_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="therapist",
            name="access_bits",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="accessibility"
            ),
        ),
        migrations.RunPython(flag_to_checklist, checklist_to_flag, elidable=False),
        migrations.RemoveField(model_name="therapist", name="wheelchair_accessible"),
    ]
