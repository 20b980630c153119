"""Issue 15 changes what the stored badge and score mean, so a database that
already holds therapists recounts them once:

- the badge needs a licence from a state the therapist practises in (or a
  national board certification where that state does not license massage),
  and a licence the board shows lapsed or disciplined no longer earns it
  (verification.badges);
- the score gains two parts: details confirmed in the last 90 days, and
  recommendations from verified clinicians (therapists.ranking).

`badges.recount()` stores the badge and credential counts, copies them onto the
locations and reranks, exactly as the site does after a credential changes. It
runs the live code, so it only runs where there is something to recount: a new
database (every test run, every fresh `make run`) has no therapists yet, and
later migrations cannot break it there.
"""

from django.db import migrations

BATCH = 2000


def recount_everyone(apps, schema_editor):
    if not apps.get_model("therapists", "Therapist").objects.exists():
        return
    from therapists.models import Therapist
    from verification import badges

    ids = list(Therapist.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        badges.recount(Therapist.objects.filter(pk__in=ids[start : start + BATCH]))


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0004_clinician_credentials"),
        ("therapists", "0014_details_confirmed_on"),
        ("reviews", "0004_verified_clients_by_invitation_or_session"),
        ("recommendations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(recount_everyone, migrations.RunPython.noop, elidable=True)
    ]
