"""Verified clients, re-derived under the new rule (issue 15, item 3).

Until now a review was marked "verified client" when its author had used the
therapist's invitation OR the therapist had accepted their interview request.
An accepted request shows that they talked, not that a session took place, so
it no longer counts: a review is from a verified client only through the
therapist's one-time invitation, or a session both the client and the therapist
recorded (reviews.sessions; no such record exists before this migration).

So every review marked verified whose author never used an invitation from its
therapist loses the mark (never the other way: a review written without an
invitation was not verified then either). Then each therapist's stored totals
of verified reviews (added empty by therapists 0013) are counted, over the
reviews that count (published, current), as reviews.stats does.

Reversing restores nothing: which marks came from accepted requests alone is
not kept. The totals stay as counted.
"""

from django.db import migrations
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce


def rederive(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    ReviewInvitation = apps.get_model("reviews", "ReviewInvitation")
    Therapist = apps.get_model("therapists", "Therapist")

    invited = ReviewInvitation.objects.filter(
        therapist=OuterRef("therapist"), used_by=OuterRef("author")
    )
    Review.objects.filter(is_verified_client=True).exclude(Exists(invited)).update(
        is_verified_client=False
    )

    counted = Review.objects.filter(
        therapist=OuterRef("pk"),
        status="published",
        is_current=True,
        is_verified_client=True,
    ).values("therapist")
    totals = {
        "verified_review_count": Count("pk"),
        "verified_rating_sum": Sum("rating"),
    }
    Therapist.objects.update(
        **{
            name: Coalesce(Subquery(counted.annotate(n=total).values("n")), 0)
            for name, total in totals.items()
        }
    )
    Therapist.objects.update(
        verified_rating_average=Case(
            When(verified_review_count=0, then=Value(0.0)),
            default=Cast("verified_rating_sum", FloatField())
            / F("verified_review_count"),
            output_field=FloatField(),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_session_record"),
        ("therapists", "0013_issue15_verified_reviews_recommendations"),
    ]

    operations = [migrations.RunPython(rederive, migrations.RunPython.noop)]
