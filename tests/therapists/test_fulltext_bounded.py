"""Free text bounded by the page's reach (therapists.fulltext): the same
matches, in the same order, with the same capped counts as the reference
(TherapistQuerySet.search() through search.matches(bounded_text=False)), for
every sort, every page including past the cap, with and without other filters
and a place; through both plans (a word matching more than the cap walks the
sort order; fewer are listed), within the page's five queries.
"""

import dataclasses
import math
import random

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Max, Min
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from tests import budgets, factories
from therapists import fulltext, pagination, search
from therapists.filters import TherapistFilter
from therapists.models import Therapist
from therapists.ranking import Sort

pytestmark = pytest.mark.django_db
# PostgreSQL keeps the reference path (therapists.fulltext): the equivalence
# tests still run there, the plan's own tests do not.
SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="bounded free text is FTS5's"
)

WORDS = ["deep", "deeply", "deeper", "tissue", "sciatica", "sc", "neck", "café"]
WORDS += ["stretching", "stretchings", "stretchingly"]
QUERIES = ["deep", "deeper", "dee", "de", "sciatica", "deep neck", "sc deep", "zzz"]
QUERIES += ["stretching", "stretchings deep", "unmatchable"]
FILTERS = ["", "verified=on", "accepting=on&min_rating=3", "gender=woman"]
PER_PAGE = 3


def make_world(seed: int, size: int = 28) -> list[Therapist]:
    """Therapists with random words, tied and untied scores, ratings, prices;
    some unpublished, some verified, some near 10001."""
    rnd = random.Random(seed)  # noqa: S311 (a reproducible world, not a secret)
    made = []
    with factories.bulk():
        for _ in range(size):
            words = rnd.sample(WORDS, rnd.randint(0, 3))
            therapist = factories.make_therapist(
                headline=" ".join(words) or "Massage",
                bio=rnd.choice(["Back pain.", "Deep relief for sciatica.", "Neck"]),
                is_published=rnd.random() < 0.9,
                gender=rnd.choice(["woman", "man"]),
                session_price=rnd.choice([60, 90, 120]),
                accepting_new_clients=rnd.random() < 0.7,
            )
            if rnd.random() < 0.5:
                factories.make_location(therapist, rnd.choice(["10001", "10011"]))
            if rnd.random() < 0.3:
                factories.make_credential(therapist, refresh=False)
            made.append(therapist)
    for therapist in made:
        Therapist.objects.filter(pk=therapist.pk).update(
            qualification_score=rnd.choice([10, 20, 20, 35.5, 50]),
            rating_average=rnd.choice([0, 3, 4.5, 5]),
            rating_count=rnd.choice([0, 1, 4]),
            back_pain_years=rnd.choice([1, 5]),
        )
    return made


def params_of(query: str) -> dict:
    search_filter = TherapistFilter(QueryDict(query), queryset=Therapist.objects.all())
    assert search_filter.is_valid(), search_filter.errors
    return search_filter.params()


def page_of(params, number, *, bounded: bool):
    """What search.search() shows for page `number`: the ids and the count."""
    cap = pagination.count_cap(number, PER_PAGE)
    found = search.matches(
        params,
        cap=cap,
        reach=search.reach_of(number, PER_PAGE, cap),
        bounded_text=bounded,
    )
    paginator = pagination.CappedPaginator(
        found.therapists, PER_PAGE, cap=cap, count=found.count
    )
    page = paginator.get_page(number)
    return [t.pk for t in page.object_list], paginator.count, page.number


def list_at_most(monkeypatch, documents: int) -> None:
    """Have every page list up to `documents` matching documents, whatever its
    reach and the table's size."""
    monkeypatch.setattr(
        fulltext, "list_at_most_sql", lambda rows_sql, reach: (str(documents), [])
    )


@pytest.fixture
def small_cap(monkeypatch):
    """A cap of 6 matches, and a page that lists at most 6 matching documents,
    so that a world of 28 holds dense and sparse words."""
    monkeypatch.setattr(pagination, "MIN_COUNT_CAP", 6)
    list_at_most(monkeypatch, 6)
    monkeypatch.setattr(pagination, "PAGES_AHEAD", 1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_sort_page_and_filter_matches_the_reference(seed, small_cap):
    make_world(seed)
    dense = sparse = 0
    for query in QUERIES:
        for extra in FILTERS:
            for sort in set(Sort.values) - {Sort.DISTANCE}:  # needs a place
                params = params_of(f"q={query}&sort={sort}&{extra}")
                for number in [1, 2, 3, 5, 9, "x"]:
                    got = page_of(params, number, bounded=True)
                    assert got == page_of(params, number, bounded=False), (
                        query,
                        extra,
                        sort,
                        number,
                    )
                cap = pagination.count_cap(1, PER_PAGE)
                if page_of(params, 1, bounded=False)[1] > cap:
                    dense += 1
                else:
                    sparse += 1
    assert dense and sparse  # both plans were compared


@SQLITE_ONLY
@pytest.mark.parametrize("steps", [True, False])
def test_listed_pages_walk_or_fetch_as_the_reference_sorts(
    steps, small_cap, monkeypatch
):
    """Listed, the page either walks the sort order's index asking the list
    (many listed) or fetches each listed therapist and sorts them (few): the
    same pages either way."""
    list_at_most(monkeypatch, 1000)  # every word listed
    monkeypatch.setattr(fulltext, "STEP_COST", 0 if steps else 1e9)
    make_world(1)
    for query in QUERIES:
        for sort in set(Sort.values) - {Sort.DISTANCE}:
            params = params_of(f"q={query}&sort={sort}&verified=on&gender=woman")
            for number in [1, 2, 9]:
                got = page_of(params, number, bounded=True)
                assert got == page_of(params, number, bounded=False), (query, sort)
    found = search.matches(params_of("q=deep"), cap=6, reach=3)
    sql, sql_params = found.therapists.query.sql_with_params()
    assert ('+"therapists_therapist"."id" IN' in sql) is steps
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", sql_params)
        plan = " ".join(row[3] for row in cursor.fetchall())
    if steps:  # the sort order's index gives the order: nothing left to sort
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_few_kept_by_the_other_filters_are_fetched_not_walked():
    """Walking passes rows / M therapists per match the page reaches, M being
    the matches the other filters keep: 12,900 documents of 1,000,000 are
    walked when the count reaches its cap, fetched when the filters keep 5."""
    reach_rows = 20 * 1_000_000
    most = (reach_rows * fulltext.PROBE_COST["sqlite"]) ** 0.5

    def plan(count):
        return fulltext.Plan(count=count, match="", documents=12_900, list_at_most=most)

    assert plan(1001).steps
    assert not plan(5).steps


def walks(therapists) -> bool:
    """Whether a page's query probes each therapist's document in turn."""
    try:
        sql = str(therapists.query)
    except EmptyResultSet:  # no id listed: nothing to ask the database
        return False
    if connection.vendor == "postgresql":
        return "ts_match_vq(s.vector" in sql
    return "EXISTS (SELECT 1 FROM therapists_search" in sql


def test_a_word_matching_past_the_cap_walks_the_sort_order(small_cap):
    make_world(4)
    params = params_of("q=deep&sort=rating")
    found = search.matches(params, cap=6, reach=3)
    assert walks(found.therapists)
    assert found.count == 7  # stopped past the cap
    sparse = search.matches(params_of("q=zzz"), cap=6, reach=3)
    assert not walks(sparse.therapists)
    assert sparse.count == 0


def test_few_matching_documents_are_listed_even_past_the_cap(small_cap, monkeypatch):
    """Walking the sort order for a word that few documents hold would pass
    many therapists per match: up to the bound, the page lists."""
    make_world(4)
    documents = Therapist.objects.search("deep").count()
    list_at_most(monkeypatch, documents)

    found = search.matches(params_of("q=deep&sort=rating"), cap=6, reach=3)

    assert documents > 7
    assert found.count == 7  # still stopped past the cap
    assert not walks(found.therapists)
    plan = fulltext.count_and_terms(
        Therapist.objects.published(), "deep", limit=7, reach=3
    )
    # Under SAMPLE documents, PostgreSQL's estimate is the exact number.
    assert (plan.count, plan.documents, plan.walks) == (7, documents, False)
    assert plan.ids is None  # the count stopped at its limit: not every id


def test_few_matches_are_listed_by_the_ids_the_count_found(small_cap):
    make_world(4)
    rare = {factories.make_therapist(headline="Rolfing").pk for _ in range(2)}

    plan = fulltext.count_and_terms(
        Therapist.objects.published(), "rolfing", limit=7, reach=3
    )
    found = search.matches(params_of("q=rolfing"), cap=6, reach=3)

    assert plan.count == 2
    assert set(found.therapists.values_list("pk", flat=True)) == rare
    if connection.vendor == "postgresql":
        assert set(plan.ids) == rare
        assert "therapists_search" not in str(found.therapists.query)


def table_rows() -> int:
    """The table's rows as the plan reads them: on PostgreSQL the table (read
    whole, being smaller than the sample); on SQLite its keys' extent."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM therapists_search")
            return cursor.fetchone()[0]
    keys = Therapist.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    return keys["hi"] - keys["lo"] + 1


def probed_for(reach: int, limit: int) -> int:
    """The matches a walk probes the table for: the page's reach, and on
    PostgreSQL the count's limit too (its count walks by key)."""
    return reach + limit if connection.vendor == "postgresql" else reach


def walking_costs_as_much_as_listing(monkeypatch, documents, probed) -> None:
    """Set PROBE_COST so that listing `documents` costs what walking does for
    `probed` matches."""
    cost = documents**2 / (probed * table_rows())
    monkeypatch.setitem(fulltext.PROBE_COST, connection.vendor, cost)


def test_the_page_lists_more_documents_the_further_it_reaches(monkeypatch):
    """Walking costs a probe per therapist passed, about rows / documents for
    each therapist the page reaches; listing costs the documents. A page that
    reaches further lists words that a first page walks."""
    make_world(4)
    documents = Therapist.objects.search("deep").count()
    near_probes, far_probes = probed_for(1, 7), probed_for(16, 7)
    walking_costs_as_much_as_listing(
        monkeypatch, documents, math.sqrt(near_probes * far_probes)
    )

    def plan(reach):
        return fulltext.count_and_terms(
            Therapist.objects.published(), "deep", limit=7, reach=reach
        )

    near, far = plan(1), plan(16)
    assert documents > 7
    cost = fulltext.PROBE_COST[connection.vendor] * table_rows()
    assert near.list_at_most == pytest.approx(math.sqrt(near_probes * cost))
    assert far.list_at_most == pytest.approx(math.sqrt(far_probes * cost))
    assert near.list_at_most < documents < far.list_at_most
    assert (near.documents, near.walks) == (documents, True)
    assert (far.documents, far.walks) == (documents, False)
    assert near.count == far.count == 7


def test_the_search_walks_a_first_page_and_lists_one_further(monkeypatch):
    """search.matches() gives the plan the page's reach."""
    make_world(4)
    documents = Therapist.objects.search("deep").count()
    near_probes, far_probes = probed_for(1, 7), probed_for(7, 7)
    walking_costs_as_much_as_listing(
        monkeypatch, documents, math.sqrt(near_probes * far_probes)
    )
    params = params_of("q=deep&sort=rating")

    assert walks(search.matches(params, cap=6, reach=1).therapists)
    assert not walks(search.matches(params, cap=6, reach=7).therapists)


@SQLITE_ONLY
def test_past_the_sample_the_documents_are_spread_over_the_table(monkeypatch):
    """The first MATCHES_SAMPLED matching documents by key stand for the rest:
    as many again per key as they reach, over the table's keys (from its
    lowest: here the first keys were deleted)."""
    monkeypatch.setattr(fulltext, "MATCHES_SAMPLED", 4)
    gone = [factories.make_therapist(headline="Deep") for _ in range(30)]
    gone = Therapist.objects.filter(pk__in=[t.pk for t in gone])
    gone.forget_search_documents()
    gone.delete()
    made = [
        factories.make_therapist(headline="Deep" if n % 2 else "Swedish")
        for n in range(16)
    ]
    deep = sorted(t.pk for t in made if "Deep" in t.headline)
    lowest, highest = min(t.pk for t in made), max(t.pk for t in made)

    plan = fulltext.count_and_terms(
        Therapist.objects.published(), "deep", limit=100, reach=1
    )
    sparse = fulltext.count_and_terms(
        Therapist.objects.published(), "swedish zzz", limit=100, reach=1
    )

    spread = (highest - lowest + 1) / (deep[3] - lowest + 1)
    assert plan.documents == pytest.approx(4 * spread)  # 8 documents: about 8
    assert plan.count == 8  # the count itself is exact
    assert sparse.documents == 0


@SQLITE_ONLY
def test_prefixes_become_the_exact_words_the_index_holds():
    factories.make_therapist(headline="stretching stretchings")
    factories.make_therapist(headline='deep "quoted" stretchingly')
    with connection.cursor() as cursor:
        sql, params = fulltext.match_sql("stretching deep unmatchable qu")
        cursor.execute(f"SELECT {sql}", params)
        (match,) = cursor.fetchone()
    # Words past eight letters have no prefix index: spelled out.
    assert match == (
        '("stretching" OR "stretchingly" OR "stretchings") AND "deep"* AND '
        f'{fulltext.NO_TERM} AND "qu"*'
    )


@SQLITE_ONLY
@pytest.mark.django_db(transaction=True)  # autocommit, as the site's requests
def test_words_spelled_out_are_remembered_until_the_index_changes():
    """Spelling a long word out reads every document it is in: the MATCH
    string is remembered with the index's structure record, and read again
    once the index has changed."""
    factories.make_therapist(headline="stretching")
    therapists = Therapist.objects.published()

    def plan():
        with CaptureQueriesContext(connection) as queries:
            found = fulltext.count_and_terms(therapists, "stretching", limit=7, reach=3)
        read = any("therapists_search_vocabulary" in q["sql"] for q in queries)
        return found, read, len(queries)

    first, read_first, _ = plan()
    again, read_again, statements = plan()
    assert first.match == again.match == '("stretching")'
    assert (read_first, read_again, statements) == (True, False, 1)

    factories.make_therapist(headline="stretchings")  # the index changed
    changed, read_changed, statements = plan()
    assert changed.match == '("stretching" OR "stretchings")'
    assert changed.count == 2
    assert (read_changed, statements) == (True, 2)  # tried, then spelled again
    assert plan()[1:] == (False, 1)

    # Inside a transaction its own writes may not show in the record yet.
    with transaction.atomic():
        factories.make_therapist(headline="stretchingly")
        inside, read_inside, statements = plan()
    assert inside.match == '("stretching" OR "stretchingly" OR "stretchings")'
    assert (read_inside, statements) == (True, 1)


@SQLITE_ONLY
@pytest.mark.parametrize(
    "text,supported",
    [("deep", True), ("de ep", True), ("café", False), ("a", False), ("x_y", False)],
)
def test_words_the_tokenizer_may_read_otherwise_keep_the_reference(text, supported):
    assert fulltext.supported(text) is supported


def test_with_a_place_the_reference_path_is_kept(small_cap):
    make_world(5)
    for sort in ["best", "distance", "price"]:
        params = params_of(f"q=deep&near=10001&radius=25&sort={sort}")
        for number in [1, 2, 4]:
            got = page_of(params, number, bounded=True)
            assert got == page_of(params, number, bounded=False)


@pytest.mark.parametrize("query", ["q=deep", "q=deep&sort=price&page=2", "q=zzz"])
def test_the_page_stays_within_five_queries(
    client, small_cap, django_assert_max_num_queries, query
):
    make_world(6)
    with django_assert_max_num_queries(budgets.SEARCH_PAGE):
        response = client.get(f"/therapists/?{query}")
    assert response.status_code == 200


def test_the_page_shows_the_capped_count(client, monkeypatch):
    monkeypatch.setattr(pagination, "MIN_COUNT_CAP", 4)
    monkeypatch.setattr(pagination, "PAGES_AHEAD", 0)  # a cap of one page: 20
    make_world(7, size=40)
    html = client.get("/therapists/?q=de").content.decode()
    found = search.matches(params_of("q=de"), cap=20, bounded_text=False)
    assert found.therapists.count() > 20
    assert "20+ therapists" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimate")
def test_a_table_smaller_than_the_sample_is_counted_exactly():
    """The catalogue's row count may be stale (tables emptied and refilled, as
    between tests): read whole, the table's own count is the estimate."""
    make_world(4)
    documents = Therapist.objects.search("deep").count()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_class SET reltuples = 1000000 "
            "WHERE oid = 'therapists_search'::regclass"
        )

    plan = fulltext.count_and_terms(
        Therapist.objects.published(), "deep", limit=7, reach=3
    )

    assert plan.documents == documents


POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's vocabulary"
)


def terms_of(text: str) -> str:
    sql, params = fulltext.tsquery_sql(text)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::tsquery::text", params)  # noqa: S608
        return cursor.fetchone()[0]


@POSTGRESQL_ONLY
def test_prefixes_become_the_words_the_vocabulary_holds(monkeypatch):
    factories.make_therapist(headline="stretching stretchings")
    written = factories.make_therapist(headline="Massage")
    factories.make_therapist(headline="deep relief")
    # A word written later, by an update of the document, joins the vocabulary.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE therapists_search SET document = 'stretchingly' "
            "WHERE therapist_id = %s",
            [written.pk],
        )
    monkeypatch.setattr(fulltext, "SPELL_OUT_AT_MOST", 3)

    assert terms_of("stretching deep unmatchable") == (
        "( 'stretching' | 'stretchingly' | 'stretchings' ) & 'deep' & 'unmatchable':*"
    )
    monkeypatch.setattr(fulltext, "SPELL_OUT_AT_MOST", 2)
    assert terms_of("stretching") == "'stretching':*"  # starts too many words


@POSTGRESQL_ONLY
def test_a_word_with_a_quote_or_a_backslash_is_spelled_out_as_itself():
    therapist = factories.make_therapist(headline="Quiet")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO therapists_search_vocabulary (term) VALUES (%s), (%s)",
            ["quiet'ly", "quiet\\ly"],
        )

    assert terms_of("quiet") == r"'quiet' | 'quiet''ly' | 'quiet\\ly'"
    plan = fulltext.count_and_terms(
        Therapist.objects.published(), "quiet", limit=7, reach=3
    )
    assert (plan.count, plan.ids) == (1, (therapist.pk,))
    # The plan's words, read back as tsquery input, by the probe and the list.
    unlisted = dataclasses.replace(plan, ids=None)
    for found in (
        fulltext.probe(Therapist.objects.all(), plan),
        fulltext.listed(Therapist.objects.all(), unlisted),
    ):
        assert list(found.values_list("pk", flat=True)) == [therapist.pk]
