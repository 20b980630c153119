"""Freshness (issue 15, item 5): one date for every detail a client relies on.

"Accepting new clients, last confirmed" becomes "details last confirmed": the
same one-click confirmation now covers price, languages, home visits, access,
locations and contact too, so the existing dates carry over as they are. The
reminder date lets the daily job send at most one reminder per 30 days; the
index serves that job (who just turned stale, who to remind).

The stored scores gain a freshness part: a data migration that reranks every
therapist follows (with the other parts issue 15 adds).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("therapists", "0013_issue15_verified_reviews_recommendations"),
    ]

    operations = [
        migrations.RenameField(
            model_name="therapist",
            old_name="accepting_confirmed_on",
            new_name="details_confirmed_on",
        ),
        migrations.AlterField(
            model_name="therapist",
            name="details_confirmed_on",
            field=models.DateField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="details last confirmed",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="details_reminder_sent_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="therapist",
            index=models.Index(
                fields=["details_confirmed_on", "is_published"],
                name="therapist_details_fresh_idx",
            ),
        ),
    ]
