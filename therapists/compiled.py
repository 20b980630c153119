"""The search page's hot statements, written once as SQL with parameters.

Building and compiling a search's querysets costs the ORM several times what
the database takes to answer them (issue 19): the best-match page near a place
nests the circle three times, and prefetching a page's techniques and
locations clones a queryset per therapist and per relation and reads every row
through the ORM. So, for the search page and the API:

- `load_cards()` loads a page's techniques (with their years) and locations in
  two constant statements, into the same caches prefetch_related() fills
  (`therapist.technique_links.all()`, `therapist.locations.all()`), the rows
  converted as the ORM converts them;
- `taxonomy_rows()` reads the techniques and conditions every search
  validates against, through the ORM's statement compiled once;
- `near_best()` runs the commonest search (near a place, narrowed only by what
  the locations' copies decide exactly: publication, badge, techniques; sorted
  by best match) as the same plan search.matches() builds through
  TherapistQuerySet.near() and PracticeLocationQuerySet.contending(): the
  capped count over the geo index, then the contenders' page, in statements
  written once per database and circle shape;
- `near_distance()` runs the same searches sorted by distance as
  therapists.nearest.nearest_first() walks them: the ladder's one statement
  (which rung first holds the page's reach, and the capped count; through the
  KNN index on PostgreSQL when it is there), then the page of the matches
  within that rung, nearest first, both written once per database, filters
  and rungs' shape.

search.matches() stays the definition of every search: the tests compare each
page, count and distance of these statements with it (search.search(...,
compiled=False)).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from django.db import connections
from django.db.models import Model, signals
from django.db.models.base import ModelState
from django.utils import timezone

from core.compiled import prefetched
from therapists import nearest, ranking
from therapists.geocoding import MILES_PER_DEGREE_LATITUDE, GeoPoint
from therapists.indexing import technique_bit
from therapists.models import (
    Condition,
    PracticeLocation,
    Technique,
    Therapist,
    TherapistTechnique,
)
from therapists.models.location import LEADERS_PER_REACH
from therapists.models.therapist import LISTING_FIELDS

# Where the databases spell the best match's closeness differently (the bench's
# floor, bench/floor.py, spells it the same way).
GREATEST = {"sqlite": "MAX", "postgresql": "GREATEST"}


class Columns:
    """Columns of one model's table, by attribute name, as a SELECT list, and
    the instance a row of them makes, each value converted as the ORM
    converts it (dates and booleans from SQLite's text and integers)."""

    def __init__(self, model: type[Model], table: str, names, using: str):
        connection = connections[using]
        self.model, self.using = model, using
        # In the model's order, which Model.from_db() expects.
        order = list(model._meta.concrete_fields)
        fields = sorted(
            (model._meta.get_field(name) for name in names), key=order.index
        )
        self.names = [field.attname for field in fields]
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{quote(table)}.{quote(f.column)}" for f in fields)
        self.converters = []
        for i, field in enumerate(fields):
            column = field.get_col(table)
            found = connection.ops.get_db_converters(column)
            found += column.get_db_converters(connection)
            if found:
                self.converters.append((i, column, found))
        self.connection = connection
        # Nothing of __init__ that an instance would miss: a column left out
        # is left out of __dict__, which is how Django defers a field.
        self.plain = (
            model.__init__ is Model.__init__
            and not signals.pre_init.has_listeners(model)
            and not signals.post_init.has_listeners(model)
        )

    def __len__(self) -> int:
        return len(self.names)

    def instance(self, row) -> Model:
        values = list(row)
        for i, column, converters in self.converters:
            for convert in converters:
                values[i] = convert(values[i], column, self.connection)
        if not self.plain:
            return self.model.from_db(self.using, self.names, values)
        # What from_db() makes of a row, without __init__'s walk over every
        # field and its signals, which this model has no receivers of.
        found = self.model.__new__(self.model)
        found.__dict__.update(zip(self.names, values, strict=True))
        found._state = ModelState()
        found._state.adding, found._state.db = False, self.using
        return found


@cache
def _card_columns(using: str) -> tuple[Columns, Columns, Columns, Columns]:
    """The therapist's card columns, a technique link, its technique and a
    location, as the ORM's for_listing() and prefetches read them."""
    every = lambda model: [f.attname for f in model._meta.concrete_fields]  # noqa: E731
    return (
        Columns(Therapist, "t", ["id", *LISTING_FIELDS], using),
        Columns(TherapistTechnique, "l", every(TherapistTechnique), using),
        Columns(Technique, "te", every(Technique), using),
        Columns(PracticeLocation, "pl", every(PracticeLocation), using),
    )


def load_cards(therapists: list, using: str = "default") -> None:
    """Load each therapist's technique links (with their techniques, most
    years first) and locations in two statements, into the caches
    `technique_links.all()` and `locations.all()` read."""
    if not therapists:
        return
    _, link, technique, location = _card_columns(using)
    marks = ", ".join(["%s"] * len(therapists))
    ids = [therapist.pk for therapist in therapists]
    links = {pk: [] for pk in ids}
    places = {pk: [] for pk in ids}
    technique_of_link = TherapistTechnique._meta.get_field("technique")
    with connections[using].cursor() as cursor:
        # TherapistTechnique.Meta.ordering, as the prefetch orders them.
        cursor.execute(
            f"SELECT {link.sql}, {technique.sql} FROM therapists_therapisttechnique l"  # noqa: S608 - columns and placeholders only
            " INNER JOIN therapists_technique te ON (l.technique_id = te.id)"
            f" WHERE l.therapist_id IN ({marks})"
            " ORDER BY l.years DESC, te.position ASC",
            ids,
        )
        for row in cursor.fetchall():
            found = link.instance(row[: len(link)])
            technique_of_link.set_cached_value(
                found, technique.instance(row[len(link) :])
            )
            links[found.therapist_id].append(found)
        cursor.execute(
            f"SELECT {location.sql} FROM therapists_practicelocation pl"  # noqa: S608 - columns and placeholders only
            f" WHERE pl.therapist_id IN ({marks}) ORDER BY pl.id ASC",
            ids,
        )
        for row in cursor.fetchall():
            found = location.instance(row)
            places[found.therapist_id].append(found)
    for therapist in therapists:
        prefetched(therapist, "technique_links", links[therapist.pk])
        prefetched(therapist, "locations", places[therapist.pk])


@cache
def _taxonomy_statement(using: str) -> tuple[str, tuple]:
    queryset = Technique.objects.choices_with(Condition.objects)
    return queryset.query.get_compiler(using=using).as_sql()


def taxonomy_rows(using: str = "default") -> tuple:
    """TechniqueQuerySet.choices_with()'s (kind, id, slug, name, position) rows
    of both taxonomies, from its statement compiled once per process."""
    sql, params = _taxonomy_statement(using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchall())


# --- near a place, by best match ---------------------------------------------

# Squared miles from the point (indexing.SquaredDistance): {0} is the table;
# its parameters are distance_params(). The bench's floor draws its circle
# with it too.
DISTANCE_SQ = (
    "(((({0}.longitude - %s) * %s) * (({0}.longitude - %s) * %s))"
    " + ((({0}.latitude - %s) * %s) * (({0}.latitude - %s) * %s)))"
)


# The squared miles from the point to the nearest of therapist t's locations
# (TherapistQuerySet.measured_from()); its parameters are distance_params().
NEAREST_SQ = (
    f"(SELECT {DISTANCE_SQ.format('n')} AS distance_sq"  # noqa: S608 - constant SQL
    " FROM therapists_practicelocation n WHERE n.therapist_id = t.id"
    " ORDER BY 1 ASC LIMIT 1)"
)


def distance_params(point: GeoPoint) -> list:
    """DISTANCE_SQ's (and NEAREST_SQ's) parameters for a point."""
    x = [point.longitude, point.miles_per_degree_longitude]
    y = [point.latitude, MILES_PER_DEGREE_LATITUDE]
    return [*x, *x, *y, *y]


@lru_cache(maxsize=64)
def _narrowed_sql(table: str, verified: bool, masked: bool) -> str:
    sql = [f"{table}.listed = %s"]
    if verified:
        sql.append(f"{table}.badge_valid_until >= %s")
    if masked:
        sql.append(f"({table}.technique_bits & %s) > 0")
    return " AND ".join(sql)


@lru_cache(maxsize=512)
def _within_sql(table: str, verified: bool, masked: bool, bands: int) -> str:
    """Through the geo index: band, longitude, then the distance."""
    return (
        f"{_narrowed_sql(table, verified, masked)}"
        f" AND {table}.lat_band IN ({', '.join(['%s'] * bands)})"
        f" AND {table}.longitude >= %s AND {table}.longitude <= %s"
        f" AND {DISTANCE_SQ.format(table)} <= %s"
    )


@dataclass(frozen=True)
class Circle:
    """The narrowed locations in a circle: the SQL that draws it on a table
    alias and its parameters (PracticeLocationQuerySet's listed(),
    of_verified(), offering_any(), within() and around())."""

    point: GeoPoint
    miles: float
    verified: bool
    mask: int | None  # the searched techniques' bits, None when not searched

    def narrowed(self, table: str, today) -> tuple[str, list]:
        sql = _narrowed_sql(table, self.verified, self.mask is not None)
        return sql, self.narrowed_params(today)

    def narrowed_params(self, today) -> list:
        params = [True]
        if self.verified:
            params.append(today)
        if self.mask is not None:
            params.append(self.mask)
        return params

    def within(self, table: str, today) -> tuple[str, list]:
        """Through the geo index: band, longitude, then the distance."""
        bands = self.point.latitude_bands(self.miles)
        sql = _within_sql(table, self.verified, self.mask is not None, len(bands))
        return sql, self.within_params(today, bands)

    def within_params(self, today, bands: list[int]) -> list:
        """within()'s parameters, given the circle's latitude bands."""
        _, _, min_lon, max_lon = self.point.bounding_box(self.miles)
        params = [*self.narrowed_params(today), *bands, min_lon, max_lon]
        return [*params, *distance_params(self.point), self.miles * self.miles]

    def around(self, table: str, today) -> tuple[str, list]:
        """By distance and latitude alone, for a walk down the score index."""
        narrowed, params = self.narrowed(table, today)
        min_lat, max_lat, _, _ = self.point.bounding_box(self.miles)
        sql = (
            f"{narrowed} AND {DISTANCE_SQ.format(table)} <= %s"
            f" AND {table}.latitude >= %s AND {table}.latitude <= %s"
        )
        params += [*distance_params(self.point), self.miles * self.miles]
        return sql, [*params, min_lat, max_lat]


def technique_mask(technique_ids) -> int:
    """PracticeLocationQuerySet.offering_any()'s bits."""
    wanted = 0
    for technique_id in technique_ids:
        wanted |= technique_bit(technique_id)
    return wanted


class Rows:
    """The matches in order, fetched a slice at a time: what a Paginator
    reads (it is given the count). `statement(offset, limit)` is the SQL and
    parameters a slice runs (explain_search and the tests read its plan)."""

    ordered = True

    def __init__(
        self,
        fetch: Callable[[int, int], list],
        count: int,
        statement: Callable[[int, int], tuple[str, list]] | None = None,
    ):
        self.fetch, self.count, self.statement = fetch, count, statement

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("Rows are read a page (a slice) at a time.")
        start, stop = index.start or 0, index.stop
        if stop is None or stop <= start:
            return []
        return self.fetch(start, stop - start)


def _cards(
    statement: Callable[[int, int], tuple[str, list]], using: str
) -> Callable[[int, int], list]:
    """What reads a slice of a page statement's rows (the card's columns,
    then has_badge) as therapists."""
    connection = connections[using]
    card, *_ = _card_columns(using)

    def fetch(offset: int, limit: int) -> list:
        with connection.cursor() as cursor:
            cursor.execute(*statement(offset, limit))
            rows = cursor.fetchall()
        found = []
        for *values, has_badge in rows:
            therapist = card.instance(values)
            therapist.has_badge = bool(has_badge)
            found.append(therapist)
        return found

    return fetch


def near_best(
    circle: Circle, *, cap: int, reach: int, using: str = "default"
) -> tuple[int, Rows] | None:
    """The capped count and the ordered rows of a search near a place by best
    match that the locations' copies decide (search.matches()' `active <=
    settled`), or None on a database these statements are not written for."""
    connection = connections[using]
    greatest = GREATEST.get(connection.vendor)
    if greatest is None:
        return None
    today = timezone.localdate()
    day = connection.ops.adapt_datefield_value(today)
    within, within_params = circle.within("l", day)
    count_sql = (
        "SELECT COUNT(*) FROM (SELECT DISTINCT l.therapist_id"  # noqa: S608
        f" FROM therapists_practicelocation l WHERE {within} LIMIT %s) found"
    )
    with connection.cursor() as cursor:
        cursor.execute(count_sql, [*within_params, cap + 1])
        (count,) = cursor.fetchone()
    # As matches() and near(): in a dense circle the contenders are found down
    # the score index, in a sparse one through the geo index.
    draw = circle.around if count > cap else circle.within
    contending = min(reach, cap + 1)
    card, *_ = _card_columns(using)
    closeness = (
        f"{greatest}(0.0, ({float(ranking.CLOSENESS_POINTS_MAX)} - "
        f"({float(ranking.CLOSENESS_POINTS_LOST_PER_MILE)} * SQRT({{}}))))"
    )
    leader_closeness = closeness.format(DISTANCE_SQ.format("v"))
    around_w, around_w_params = draw("w", day)
    around_u, around_u_params = draw("u", day)
    sql = (
        f"SELECT {card.sql}, (t.badge_valid_until IS NOT NULL"  # noqa: S608
        " AND t.badge_valid_until >= %s) AS has_badge"
        " FROM therapists_therapist t WHERE t.is_published = %s AND t.id IN ("
        " SELECT w.therapist_id FROM therapists_practicelocation w"
        f" WHERE {around_w} AND w.qualification_score >= (COALESCE(("
        f" SELECT MAX((v.qualification_score + {leader_closeness}))"
        " AS best FROM therapists_practicelocation v WHERE v.id IN ("
        f" SELECT u.id FROM therapists_practicelocation u WHERE {around_u}"
        " ORDER BY u.qualification_score DESC LIMIT %s)"
        " GROUP BY v.therapist_id ORDER BY 1 DESC LIMIT 1 OFFSET %s), 0.0) - %s)"
        " AND w.qualification_score <= %s)"
        f" ORDER BY (t.qualification_score + {closeness.format(NEAREST_SQ)}) DESC,"
        " t.id DESC LIMIT %s OFFSET %s"
    )
    point_params = distance_params(circle.point)
    head = [day, True, *around_w_params]
    bound = [*point_params, *around_u_params, LEADERS_PER_REACH * contending]
    bound += [contending - 1, float(ranking.CLOSENESS_POINTS_MAX)]
    bound += [float(ranking.MAX_SCORE)]

    def statement(offset: int, limit: int) -> tuple[str, list]:
        return sql, [*head, *bound, *point_params, limit, offset]

    return count, Rows(_cards(statement, using), count, statement)


# --- near a place, nearest first ----------------------------------------------


def _found(within: str) -> str:
    """A rung's matches, counted no further than a bound parameter."""
    return (
        "(SELECT COUNT(*) FROM (SELECT DISTINCT l.therapist_id"  # noqa: S608
        f" FROM therapists_practicelocation l WHERE {within} LIMIT %s) found)"
    )


@lru_cache(maxsize=512)
def _ladder_sql(knn: bool, verified: bool, masked: bool, bands: tuple) -> str:
    """nearest.nearest_first()'s statement for a ladder whose rungs span
    `bands` latitude bands each: the first rung holding `reach` matches (with
    `knn`, rungs too small to reach the reach-th nearest location are not
    counted), and the capped count of the whole circle."""
    found = [_found(_within_sql("l", verified, masked, n)) for n in bands]
    last = len(bands) - 1
    if knn:
        narrowed = _narrowed_sql("k", verified, masked)
        sql = [
            "WITH knn(metres) AS MATERIALIZED (SELECT"  # noqa: S608 - constant SQL
            f" {nearest.EARTH_DISTANCE.format('k')} AS metres"
            f" FROM therapists_practicelocation k WHERE {narrowed}"
            " ORDER BY 1 ASC LIMIT 1 OFFSET %s) SELECT CASE"
        ]
        skip = "CASE WHEN (SELECT metres FROM knn) > %s THEN FALSE ELSE {} END"
    else:
        sql, skip = ["SELECT CASE"], "{}"
    for rung in range(last):
        sql.append(f"WHEN {skip.format(f'{found[rung]} >= %s')} THEN {rung}")
    sql.append(f"ELSE {last} END, CASE")
    for rung in range(last):
        sql.append(f"WHEN {found[rung]} > %s THEN %s")
    sql.append(f"ELSE {found[last]} END")
    return " ".join(sql)


@lru_cache(maxsize=512)
def _nearest_page_sql(using: str, verified: bool, masked: bool, bands: int) -> str:
    """A page of the matches within a rung, nearest first (sorted_by("distance"))."""
    card, *_ = _card_columns(using)
    return (
        f"SELECT {card.sql}, (t.badge_valid_until IS NOT NULL"  # noqa: S608
        " AND t.badge_valid_until >= %s) AS has_badge"
        " FROM therapists_therapist t WHERE t.is_published = %s AND t.id IN ("
        " SELECT w.therapist_id FROM therapists_practicelocation w"
        f" WHERE {_within_sql('w', verified, masked, bands)})"
        f" ORDER BY {NEAREST_SQ} ASC, t.qualification_score DESC, t.id DESC"
        " LIMIT %s OFFSET %s"
    )


def near_distance(
    circle: Circle, *, cap: int, reach: int, using: str = "default"
) -> tuple[int, Rows] | None:
    """The capped count and the ordered rows of a search near a place sorted
    by distance that the locations' copies decide, listed from the smallest
    rung that holds `reach` matches as nearest.nearest_first() lists them; None
    on a database these statements are not written for."""
    connection = connections[using]
    if connection.vendor not in GREATEST:
        return None
    day = connection.ops.adapt_datefield_value(timezone.localdate())
    masked = circle.mask is not None
    point = circle.point
    radii = nearest.rungs(circle.miles)
    bands = [point.latitude_bands(miles) for miles in radii]
    within = [
        replace(circle, miles=miles).within_params(day, touched)
        for miles, touched in zip(radii, bands, strict=True)
    ]
    knn = getattr(connection, "nearest_knn", False)
    params = []
    if knn:
        params += [point.latitude, point.longitude, *circle.narrowed_params(day)]
        params.append(reach - 1)
    for miles, drawn in zip(radii[:-1], within[:-1], strict=True):
        if knn:
            params.append(nearest.chord_reach(point, miles))
        params += [*drawn, reach, reach]
    for drawn in within[:-1]:
        params += [*drawn, cap + 1, cap, cap + 1]
    params += [*within[-1], cap + 1]
    sql = _ladder_sql(knn, circle.verified, masked, tuple(map(len, bands)))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rung, count = cursor.fetchone()
    page_sql = _nearest_page_sql(using, circle.verified, masked, len(bands[rung]))
    head = [day, True, *within[rung], *distance_params(point)]

    def statement(offset: int, limit: int) -> tuple[str, list]:
        return page_sql, [*head, limit, offset]

    return count, Rows(_cards(statement, using), count, statement)
