"""The search: one function from cleaned parameters and a page number to the
page, its capped count and distances. The search page and `explain_search` call
`search()`; TherapistFilter's `.qs` calls `matches()`, which `search()` pages.
TherapistFilter (therapists/filters.py) defines and validates the parameters.

Each parameter narrows the therapists through one TherapistQuerySet method
(NARROWERS), independently of the others. With `near`, the locations in the
circle carry copies of the columns the most common filters read (publication,
badge, techniques), so those filters are decided inside the geo index first and
not applied again (`Matches.settled`); when nothing else narrows the search,
the circle alone also gives the capped count. Sorted by best match near a
place, the search lists only the therapists who can reach the page asked for
(`reach`; PracticeLocationQuerySet.contending()); sorted by distance, only
those within the smallest circle that holds the page (therapists.nearest).
Free text away from a place
is counted from the full-text index and, past the cap, paged down the sort
order (therapists.fulltext).

search() runs the page's techniques and locations, and the commonest searches
(near a place by best match or by distance, narrowed only by the locations'
copies), as statements written once (therapists.compiled); matches() remains
their definition and the reference the tests compare them with.

`treatments_of()` loads one therapist's techniques and conditions for a profile;
`measure()` notes, for each therapist on a page, the location nearest to the
searched place and its distance.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db import models
from django.db.models import Exists, OuterRef, Subquery, Value

from therapists import compiled as therapists_compiled
from therapists import fulltext, nearest, pricing
from therapists.geocoding import GeoPoint
from therapists.indexing import technique_bits_are_exact
from therapists.models import (
    Condition,
    PracticeLocation,
    Technique,
    Therapist,
    TherapistQuerySet,
    TherapistTechnique,
)
from therapists.pagination import MIN_COUNT_CAP, CappedPaginator, count_cap
from therapists.ranking import DEFAULT_SORT, Sort

PER_PAGE = 20
DEFAULT_RADIUS_MILES = 25
MAX_RADIUS_MILES = 250
EMPTY_VALUES = (None, "", [], (), False)

Narrower = Callable[[TherapistQuerySet, Any], TherapistQuerySet]

# Every parameter that filters, and the one queryset method it calls. `near`,
# `radius` and `sort` shape the search instead (see matches()).
NARROWERS: dict[str, Narrower] = {
    "q": lambda therapists, text: therapists.search(text),
    "technique": lambda therapists, slugs: therapists.offering(slugs),
    "condition": lambda therapists, slugs: therapists.treating(slugs),
    "verified": lambda therapists, _: therapists.verified(),
    "recommended": lambda therapists, _: therapists.recommended(),
    "accepting": lambda therapists, _: therapists.accepting_clients(),
    "mobile": lambda therapists, _: therapists.visiting_clients(),
    "accessible": lambda therapists, _: therapists.wheelchair_accessible(),
    "access": lambda therapists, codes: therapists.accessible_by(codes),
    "hours": lambda therapists, codes: therapists.open_during(codes),
    "gentle": lambda therapists, _: therapists.offering_gentle_pressure(),
    "min_rating": lambda therapists, stars: therapists.rated_at_least(float(stars)),
    "min_reviews": lambda therapists, n: therapists.reviewed_at_least(int(n)),
    "min_verified_rating": lambda therapists, stars: (
        therapists.rated_by_verified_clients_at_least(float(stars))
    ),
    # The price of the session length searched: matches() passes `length`.
    "max_price": lambda therapists, price, length=None: therapists.priced_at_most(
        price, length or pricing.DEFAULT_LENGTH
    ),
    "length": lambda therapists, length: therapists.offering_length(int(length)),
    "payment": lambda therapists, codes: therapists.paying_by(codes),
    "gender": lambda therapists, gender: therapists.of_gender(gender),
    "language": lambda therapists, code: therapists.speaking(code),
}


@dataclass(frozen=True)
class Matches:
    """The ordered matches of a search, before paging."""

    therapists: TherapistQuerySet
    # The number of matches when the circle alone decided them (capped), else
    # None: the paginator counts.
    count: int | None = None
    # Filters decided exactly by the locations' copies inside the geo index.
    settled: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SearchResults:
    """One page of a search: what the search page shows."""

    page: Page
    paginator: CappedPaginator
    point: GeoPoint | None
    radius: int
    settled: frozenset[str]


def radius_of(params: Mapping[str, Any]) -> int:
    """The searched radius in miles (the default when not given)."""
    return params.get("radius") or DEFAULT_RADIUS_MILES


def search(
    params: Mapping[str, Any],
    page_number: object = None,
    *,
    per_page: int = PER_PAGE,
    nothing: bool = False,
    compiled: bool = True,
    ready: bool = True,
) -> SearchResults:
    """Run a search: `params` are TherapistFilter's cleaned data (see
    TherapistFilter.params()), `page_number` the raw ?page= value (garbled or
    out of range gives the nearest real page). The count stops at
    pagination.count_cap() past the page; distances are set when `near` is.
    `nothing` gives an empty page (a search whose parameters did not validate).

    The page's techniques and locations, and the commonest searches, run as
    statements written once (therapists.compiled); `compiled=False` builds
    every statement through matches() and prefetch_related(): the reference
    the tests compare them with.

    `ready=False` leaves the page's therapists as the page's statement read
    them, for the caller to give ready_cards() those it shows (the search
    page's kept cards need none: therapists.cards).
    """
    cap = count_cap(page_number, per_page)
    reach = reach_of(page_number, per_page, cap)
    if nothing:
        found = Matches(Therapist.objects.none(), count=0)
    elif compiled:
        found = _compiled(params, cap=cap, reach=reach) or matches(
            params,
            therapists=Therapist.objects.published().for_cards(),
            cap=cap,
            reach=reach,
        )
    else:
        found = matches(params, cap=cap, reach=reach)
    paginator = CappedPaginator(found.therapists, per_page, cap=cap, count=found.count)
    page = paginator.get_page(page_number)
    point = params.get("near")
    if ready:
        # Read now (a queryset keeps the rows it read, and its query).
        ready_cards(list(page.object_list), point, loaded=not compiled)
    return SearchResults(
        page=page,
        paginator=paginator,
        point=point,
        radius=radius_of(params),
        settled=found.settled,
    )


def ready_cards(therapists: list, point: GeoPoint | None, *, loaded=False) -> None:
    """Give these therapists of a search's page what their cards read: their
    techniques and locations (therapists.compiled.load_cards(), unless
    prefetched: `loaded`), and the location nearest to `point` (measure())."""
    if not loaded:
        therapists_compiled.load_cards(therapists)
    measure(therapists, point)


def reach_of(page_number: object, per_page: int, cap: int) -> int:
    """How many leading matches the page a raw ?page= value shows can reach: its
    end, or the cap's (the last page, which Paginator.get_page() shows for a
    page out of range) when it is not a page within the cap."""
    try:
        number = int(str(page_number))
    except ValueError:
        return per_page  # get_page() shows the first page
    if 1 <= number and number * per_page <= cap:
        return number * per_page
    return cap + 1


def matches(
    params: Mapping[str, Any],
    *,
    therapists: TherapistQuerySet | None = None,
    cap: int = MIN_COUNT_CAP,
    reach: int | None = None,
    nearest_first: bool = True,
    bounded_text: bool = True,
) -> Matches:
    """The published therapists (or `therapists`) matching `params`, in the
    requested order (DEFAULT_SORT when none).

    Sorted by best match or by distance, only the matches that can be among
    the first `reach` (default: the cap's worth, all a capped paginator shows)
    are listed, in exact order; see TherapistQuerySet.near() and
    therapists.nearest. `nearest_first=False` sorts every match in the circle
    by distance instead: the reference the nearest-first walk is tested against.
    Free text away from a place is counted and paged by therapists.fulltext;
    `bounded_text=False` keeps TherapistQuerySet.search(), its reference.
    """
    if therapists is None:
        therapists = Therapist.objects.published().for_listing()
    sort = params.get("sort") or DEFAULT_SORT
    active = {name for name in NARROWERS if params.get(name) not in EMPTY_VALUES}
    count, settled = None, frozenset()
    if (point := params.get("near")) is not None:
        locations, settled = _circle(params, active)
    text = params.get("q") if "q" in active else None
    # Matched after the other filters, bounded by the page's reach.
    bounded = point is None and bounded_text and fulltext.supported(text or "")
    for name, narrow in NARROWERS.items():
        if name in active and name not in settled and not (bounded and name == "q"):
            if name == "max_price":  # the price of the length searched
                therapists = narrow(therapists, params[name], pricing.length_of(params))
            else:
                therapists = narrow(therapists, params[name])
    reach = min(reach or cap + 1, cap + 1)
    if point is not None and sort == Sort.DISTANCE and nearest_first:
        found = nearest.nearest_first(
            therapists,
            locations,
            point,
            radius_of(params),
            reach=reach,
            cap=cap,
            settled=active <= settled,
        )
        therapists, count = found.therapists, found.count
    elif point is not None:
        miles = radius_of(params)
        circle = locations.within(point, miles)
        if active <= settled:
            # The location rows alone decide the matches: count them there,
            # no further than the cap, and let the count choose the plan.
            count = circle.therapist_count(limit=cap + 1)
        elif sort == Sort.BEST:
            # Counted here, as the paginator would, to choose the plan.
            in_circle = therapists.filter(pk__in=circle.values("therapist_id"))
            count = in_circle.order_by().values("pk")[: cap + 1].count()
        dense, contending = count is not None and count > cap, None
        if sort == Sort.BEST:
            # Only those who can reach the page: found down the scores in a
            # dense circle, through the geo index in a sparse one.
            contending = reach
        else:
            # Walking the sort order only pays for orders an index keeps, and
            # when the locations alone decide the matches.
            dense = dense and active <= settled and sort != Sort.DISTANCE
        therapists = therapists.near(
            point,
            miles,
            locations,
            dense=dense,
            reach=contending,
            settled=active <= settled,
        )
    if bounded:
        plan = fulltext.count_and_terms(therapists, text, limit=cap + 1, reach=reach)
        # Many documents match for the page's reach: walk the sort order, asking
        # the index about each therapist passed.
        match = fulltext.probe if plan.walks else fulltext.listed
        therapists, count = match(therapists, plan), plan.count
    return Matches(
        therapists.sorted_by(sort, pricing.length_of(params)),
        count=count,
        settled=settled,
    )


def _compiled(params: Mapping[str, Any], *, cap: int, reach: int) -> Matches | None:
    """The matches of a search near a place, by best match or by distance,
    whose every filter the locations' copies decide, from therapists.compiled's
    statements (the same plan matches() builds); None for any other search."""
    point = params.get("near")
    sort = params.get("sort") or DEFAULT_SORT
    if point is None or sort not in (Sort.BEST, Sort.DISTANCE):
        return None
    active = {name for name in NARROWERS if params.get(name) not in EMPTY_VALUES}
    if not active <= {"verified", "technique"}:
        return None
    mask = None
    if "technique" in active:
        every_id = params.get("technique_ids") or dict(
            Technique.objects.values_list("slug", "pk")
        )
        ids = [every_id[slug] for slug in params["technique"] if slug in every_id]
        if not all(technique_bits_are_exact(pk, every_id.values()) for pk in ids):
            return None
        mask = therapists_compiled.technique_mask(ids)
    circle = therapists_compiled.Circle(
        point, radius_of(params), verified="verified" in active, mask=mask
    )
    if sort == Sort.BEST:
        found = therapists_compiled.near_best(circle, cap=cap, reach=reach)
    else:
        found = therapists_compiled.near_distance(
            circle, cap=cap, reach=min(reach, cap + 1)
        )
    if found is None:
        return None
    count, rows = found
    return Matches(rows, count=count, settled=frozenset(active))


def _circle(params: Mapping[str, Any], active: set[str]):
    """The listed locations, narrowed by the copies they carry (the caller
    draws the circle), and which filters those copies decided exactly."""
    locations = PracticeLocation.objects.listed()
    settled = set()
    if "verified" in active:
        locations = locations.of_verified()
        settled.add("verified")
    if "technique" in active:
        every_id = params.get("technique_ids") or dict(
            Technique.objects.values_list("slug", "pk")
        )
        ids = [every_id[slug] for slug in params["technique"] if slug in every_id]
        locations = locations.offering_any(ids)
        if all(technique_bits_are_exact(pk, every_id.values()) for pk in ids):
            settled.add("technique")
    return locations, frozenset(settled)


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


def count_matches(params: Mapping[str, Any], *, cap: int = MIN_COUNT_CAP) -> int:
    """How many therapists the search `params` finds, counting no further than
    `cap` + 1, in one query: what a suggestion on a search that found nobody
    would give (TherapistFilter.suggestions())."""
    found = matches(params, cap=cap)
    return CappedPaginator(found.therapists, PER_PAGE, cap=cap, count=found.count).count
