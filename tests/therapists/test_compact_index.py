"""The nightly compaction of the full-text index (therapists.indexing.
compact_search_index(), the `compact_search_index` job and command): segments
written by separate transactions merged into one, in steps; nothing to do the
second time; the same documents found before and after."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from core import schedule
from core.models import ScheduledRun
from tests import factories
from therapists.indexing import compact_search_index
from therapists.models import Therapist

pytestmark = pytest.mark.django_db
SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="FTS5's segments; GIN is vacuumed"
)


def found(text: str) -> list[int]:
    return sorted(Therapist.objects.search(text).values_list("pk", flat=True))


@pytest.fixture
def written_apart():
    """Therapists written one transaction (a savepoint here) each: FTS5 writes
    each one's document as a segment of its own."""
    for number in range(6):
        with transaction.atomic():
            factories.make_therapist(headline=f"Deep tissue {number}")


def segments() -> int:
    """How many segments FTS5's index holds (its %_idx table: a row per leaf
    page's first term, by segment)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT segid) FROM therapists_search_idx")
        return cursor.fetchone()[0]


@SQLITE_ONLY
def test_segments_written_apart_are_merged_into_one(written_apart):
    before = found("deep"), found("tissue 3")
    assert segments() > 1

    assert compact_search_index(pages=1) >= 1  # there was work
    assert segments() == 1
    assert compact_search_index(pages=1) == 0  # nothing left to do
    assert (found("deep"), found("tissue 3")) == before
    assert len(before[0]) == 6


@SQLITE_ONLY
def test_the_nightly_job_merges_and_says_so(written_apart):
    run = schedule.start("compact_search_index")
    run.refresh_from_db()

    assert run.status == ScheduledRun.Status.SUCCEEDED
    assert run.outcome.startswith("The search index was merged in ")
    assert run.outcome != "The search index was merged in 0 step(s)."
    assert segments() == 1


@SQLITE_ONLY
def test_the_command_merges_and_says_so(written_apart):
    out = io.StringIO()
    call_command("compact_search_index", stdout=out)
    assert out.getvalue().startswith("The search index was merged in ")
    assert segments() == 1
    out = io.StringIO()
    call_command("compact_search_index", stdout=out)
    assert out.getvalue() == "The search index was merged in 0 step(s).\n"


def test_the_job_is_scheduled_at_night():
    job = schedule.job("compact_search_index")
    assert job.at is not None and job.at.hour < 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")
def test_postgresql_has_nothing_to_merge(written_apart):
    assert compact_search_index() == 0
    assert len(found("deep")) == 6
