"""The search: what the search page, `explain_search` and the API run.

`treatments_of()` loads one therapist's techniques and conditions for a profile;
`measure()` notes, for each therapist on a page, the location nearest to the
searched place and its distance.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Subquery, Value

from therapists.geocoding import GeoPoint
from therapists.models import Condition, Technique, Therapist, TherapistTechnique


def measure(therapists, point: GeoPoint | None) -> None:
    """Set `listing_location` (the location a card names: nearest to `point`,
    else the first) and `distance_miles` (None without a point) on each
    therapist; their locations must be prefetched."""
    for therapist in therapists:
        locations = list(therapist.locations.all())
        nearest = locations[0] if locations else None
        distance = None
        if point is not None and locations:
            nearest = min(
                locations,
                key=lambda loc: point.distance_to(loc.latitude, loc.longitude),
            )
            distance = point.distance_to(nearest.latitude, nearest.longitude)
        therapist.listing_location = nearest
        therapist.distance_miles = distance


def treatments_of(therapist) -> tuple[list, list]:
    """Every technique and every condition, in one query, each marked `chosen`
    when the therapist lists it; chosen techniques carry the therapist's `years`.

    A profile shows the chosen ones and lets visitors filter reviews by any
    condition; loading them together keeps the page within five queries.
    """
    technique, condition = Technique, Condition
    links = TherapistTechnique.objects.filter(
        therapist=therapist, technique=OuterRef("pk")
    )
    treats = Therapist.conditions.through.objects.filter(
        therapist=therapist, condition=OuterRef("pk")
    )
    fields = ("id", "slug", "name", "description", "position")
    techniques = technique.objects.annotate(
        kind=Value("technique"),
        chosen=Exists(links),
        years=Subquery(links.values("years")[:1]),
    )
    conditions = condition.objects.annotate(
        kind=Value("condition"),
        chosen=Exists(treats),
        years=Value(None, output_field=models.IntegerField()),
    )
    found = {"technique": [], "condition": []}
    rows = techniques.values_list("kind", *fields, "chosen", "years").order_by()
    rows = rows.union(
        conditions.values_list("kind", *fields, "chosen", "years").order_by(),
        all=True,
    ).order_by("position", "name")
    for kind, *values, chosen, years in rows:
        entry = (technique if kind == "technique" else condition)(
            **dict(zip(fields, values, strict=True))
        )
        entry.chosen, entry.years = chosen, years
        found[kind].append(entry)
    return found["technique"], found["condition"]
