"""How therapists are found fast: the full-text index's SQL per database and
its nightly compaction, technique bits copied onto locations, squared
distance, and counted subqueries.

Helpers with no models, so models and search both build on them.
"""

import logging
import re
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from therapists.geocoding import MILES_PER_DEGREE_LATITUDE, GeoPoint

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchIndex:
    """SQL for the full-text table `therapists_search` on one database engine."""

    match: str
    delete: str
    insert: str
    word: str  # how one query word becomes a prefix term
    joiner: str


# Migration 0003 creates an FTS5 table on SQLite; 0004 a tsvector table with a GIN
# index on PostgreSQL. Both hold one search document per therapist.
SEARCH_INDEXES = {
    "sqlite": SearchIndex(
        match="SELECT rowid FROM therapists_search WHERE therapists_search MATCH %s",
        delete="DELETE FROM therapists_search WHERE rowid = %s",
        insert="INSERT INTO therapists_search (rowid, document) VALUES (%s, %s)",
        word='"{}"*',
        joiner=" AND ",
    ),
    "postgresql": SearchIndex(
        match=(
            "SELECT therapist_id FROM therapists_search "
            "WHERE vector @@ to_tsquery('simple', %s)"
        ),
        delete="DELETE FROM therapists_search WHERE therapist_id = %s",
        insert="INSERT INTO therapists_search (therapist_id, document) VALUES (%s, %s)",
        word="{}:*",
        joiner=" & ",
    ),
}
WORD_RE = re.compile(r"\w+", re.UNICODE)
# FTS5 pages one compaction step merges: each step is a write transaction of
# its own, so that writers wait behind one step, not the whole merge (10
# segments at 100,000 therapists: 129 steps in 3 s, 19 ms a step, the longest
# 0.46 s).
COMPACT_PAGES = 200
# Steps one compaction takes at most, so that writes arriving as fast as it
# merges cannot keep it running.
COMPACT_STEPS_AT_MOST = 10_000


def compact_search_index(pages: int = COMPACT_PAGES) -> int:
    """Merge the full-text index's segments into one, `pages` pages at a time;
    returns how many steps did work (0: already one segment, or PostgreSQL).

    FTS5 writes each transaction's documents as a new segment and merges them
    only in part as it goes, so that a directory written to over months, or
    loaded in bulk, keeps several: a search looking up one document by key (a
    walk down a sort order, therapists.fulltext) then seeks into every one.
    Merged into one, "q=deep&page=40" took 25 ms of SQL against 48 (100,000
    therapists, ten segments). FTS5's `merge` with a negative page count
    merges every level into one, as `optimize` does, but in steps: a step that
    changed fewer than two rows did nothing (FTS5's documented test, which
    counts its own writes to its tables; tests/therapists/test_compact_index.py
    counts the segments themselves). PostgreSQL's GIN index is kept by
    (auto)vacuum."""
    if connection.vendor != "sqlite":
        return 0
    steps = 0
    while steps < COMPACT_STEPS_AT_MOST:
        with transaction.atomic(), connection.cursor() as cursor:
            before = connection.connection.total_changes
            cursor.execute(
                "INSERT INTO therapists_search (therapists_search, rank) "
                "VALUES ('merge', %s)",
                [-pages],
            )
            changed = connection.connection.total_changes - before
        if changed < 2:
            return steps
        steps += 1
    logger.warning(
        "The search index was still merging after %d steps: stopped there.", steps
    )
    return steps


def search_words(text: str) -> list[str]:
    """The words of a free-text query, lower-cased, at most eight."""
    return [word.lower() for word in WORD_RE.findall(text)][:8]


def count_subquery(queryset: models.QuerySet) -> Coalesce:
    """The number of rows per therapist, as a subquery (0 when none)."""
    counted = queryset.values("therapist").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def technique_bit(technique_id: int) -> int:
    """The bit a technique sets in PracticeLocation.technique_bits.

    Ids past 61 share bits, so a set bit means "may offer": the exact
    TherapistQuerySet.offering() filter still decides.
    """
    return 1 << (technique_id % 62)


def technique_bits_are_exact(technique_id: int, all_ids) -> bool:
    """Whether a technique has a bit of its own: no other of `all_ids` shares it."""
    bit = technique_bit(technique_id)
    return sum(1 for other in all_ids if technique_bit(other) == bit) == 1


# technique_bit() in SQL, summed over a therapist's distinct techniques; a sum of
# distinct powers of two is their bitwise OR.
TECHNIQUE_BIT_SQL = Cast(Value(1), BigIntegerField()).bitleftshift(
    Cast(F("technique_id") % 62, IntegerField())  # PostgreSQL: bigint << integer
)


class SquaredDistance(Func):
    """Squared distance in miles from a point, dx * dx + dy * dy: arithmetic
    every database evaluates and sorts on, in the order ranking.best_match()
    repeats in Python.

    One expression rather than a tree of a dozen, because a search nests it in
    several subqueries and Django copies every node each time it does.
    """

    output_field = FloatField()

    def __init__(self, point: GeoPoint, prefix: str = ""):
        super().__init__(F(f"{prefix}longitude"), F(f"{prefix}latitude"))
        self.point = point

    def as_sql(self, compiler, connection, **extra_context):
        longitude, lon_params = compiler.compile(self.source_expressions[0])
        latitude, lat_params = compiler.compile(self.source_expressions[1])
        dx = f"(({longitude} - %s) * %s)"
        dy = f"(({latitude} - %s) * %s)"
        x = (*lon_params, self.point.longitude, self.point.miles_per_degree_longitude)
        y = (*lat_params, self.point.latitude, MILES_PER_DEGREE_LATITUDE)
        return f"(({dx} * {dx}) + ({dy} * {dy}))", (*x, *x, *y, *y)


def distance_sq_expression(point: GeoPoint, prefix: str = "") -> SquaredDistance:
    """Squared distance in miles from a point: arithmetic every database sorts on."""
    return SquaredDistance(point, prefix)


def search_document(therapist) -> str:
    """The text `q` matches: name, headline, bio, techniques, conditions, places.

    Expects techniques, conditions and locations to be prefetched.
    """
    parts = [therapist.display_name, therapist.headline, therapist.bio]
    parts += [technique.name for technique in therapist.techniques.all()]
    parts += [condition.name for condition in therapist.conditions.all()]
    parts += [f"{loc.city} {loc.state}" for loc in therapist.locations.all()]
    return "\n".join(parts)
