"""Free text (`q`) found without listing every match: the count and the page
of a search that names words, bounded by the page's reach.

The reference is TherapistQuerySet.search(): `id IN (every document matching)`.
A common word ("deep") matches most documents, and that list is built whole
(and, for a prefix, merged from every word it starts) before the first row is
sorted or counted, so its cost grows with the directory. `q` has no text rank:
every sort (best match included) orders by the site's own columns, which the
full-text index does not hold, so the page cannot be ranked inside it. Instead,
on SQLite:

- FTS5 merges a prefix's documents whole before it can answer whether one
  document matches, unless the prefix's length has an index of its own: words
  of two to eight letters do (migration 0021) and stay prefixes. A longer word
  becomes the exact words the index holds that start with it (FTS5's
  vocabulary, read in the count's own query): `"sciatica"*` becomes
  `("sciatica" OR "sciatical")`; exact words FTS5 answers by a seek. Reading
  the vocabulary reads every document of the words it spells, so the string
  spelled is remembered for as long as the index is unchanged (SPELLED).
- The count reads the index in document order, joined to each therapist by
  key, and stops at the cap (`count_and_terms()`).
- The same query estimates the documents the words match in the index alone
  from the first MATCHES_SAMPLED of them (exact when fewer match) and the
  page's listing bound (`list_at_most_sql()`). Up to the bound, the page lists
  them (`listed()`, as the reference does, but bounded). Past it, the page
  walks the sort order's index and asks the index about each therapist
  (`probe()`), stopping when the page is full. Listing costs the documents;
  walking costs a probe per therapist passed, about the table's rows per
  matching document for each therapist the page reaches. The bound is where
  the two costs meet, so it grows with the table and the page's reach:
  "myofascial brooklyn" (1,287 documents of 100,000, so about 1,550 probes for
  a page of 20) took 100 ms walking where listing its documents takes 3, and
  at 1,000,000 (12,900 documents, the same 1,550 probes, each dearer in a
  bigger index) 372 ms where listing takes 30.
- Listed, many documents are found walking the sort order's index, each
  therapist passed asked of the list (`Plan.steps`); few are fetched by key
  and sorted.
- A probe seeks into every segment of the index: the nightly compaction
  (therapists.indexing.compact_search_index()) keeps them to one. At
  1,000,000, the walk above took 38 ms merged against 372.

Words the tokenizer may read differently from Python (accents, underscores)
and one-letter prefixes keep the reference path.

On PostgreSQL, where the GIN index answers a prefix by building the whole
list of its matches, and the planner cannot tell a rare word from a common one
(it walked the score index past all 100,000 therapists for "sciatica", 100
matches, in 160 ms):

- A word becomes the words of the index's vocabulary (migration 0022) that
  start with it, up to SPELL_OUT_AT_MOST of them: `myofascial:*` becomes
  `'myofascial'`, which the GIN index answers from that word's own list rather
  than by collecting every document of every word the prefix starts (3 ms
  against 23 for "myofascial brooklyn" at 100,000). A word that starts more
  words stays a prefix.
- The same query first reads how many of the first SAMPLE documents (by key)
  match, with ts_match_vq() on each stored tsvector (the function, not the
  operator, so no index is read), and scales it to the table: an estimate of
  the documents the words match.
- Past the listing bound (`list_at_most_sql()`, computed from the same estimate
  of the table's rows), the count walks the therapists by key, each
  joined to its document by key and matched the same way, and stops at the
  cap; the page walks the sort order probing each therapist's document by key
  (a scalar subquery, which the planner does not turn into a join).
- Up to the bound, the GIN index lists the matches, joined to the
  therapists, no further than the cap: the count and, when the cap was not
  reached, every matching id, which the page then sorts by key lookups.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, F, Func, IntegerField
from django.db.models.expressions import RawSQL

from core.memo import Memo
from therapists.indexing import SEARCH_INDEXES, search_words

VOCABULARY = "therapists_search_vocabulary"
# A word FTS5's unicode61 tokenizer reads as Python does: one token, as typed.
PLAIN_WORD = re.compile(r"[a-z0-9]+")
# Prefixes of these lengths have their own index (migration 0021).
INDEXED_PREFIX_LENGTHS = range(2, 9)
# What asking the index about one therapist's document (a probe, walking the
# sort order) costs, in matching documents listed, per database. SQLite: 65 us
# a probe against 2.3 us a document listed at 100,000 therapists, 280 against
# 2.9 at 1,000,000 (the same words' doclists ten times longer). PostgreSQL
# lists dearer (a bitmap of the GIN index's matches, then each row): at
# 100,000, "myofascial" (56,000 documents) took 25 ms of SQL listed against 8
# walked, "prenatal" (12,300) 14 listed against 20 walked.
PROBE_COST = {"sqlite": 50, "postgresql": 5}
# SQLite, listed: a step down the sort order's index asking the list about the
# therapist, against fetching a listed therapist by key to sort it. Measured
# for a page of 20 (no other filter): the two cross at about 500 matching
# documents of 100,000 (the rule: 447) and 1,100 of 1,000,000 (the rule:
# 1,414); at 12,900 of 1,000,000 a page walked in 13 ms against 51 fetched
# and sorted.
STEP_COST = 0.1
# SQLite: the matching documents (the first by key) whose spread over the keys
# gives the estimate of how many documents match; fewer are counted exactly.
MATCHES_SAMPLED = 1000
# PostgreSQL: the documents (the first by key) whose share of matches gives
# the estimate of how many documents match.
SAMPLE = 300
# PostgreSQL: a word that starts at most this many words of the vocabulary is
# spelled out as those words; one that starts more stays a prefix.
SPELL_OUT_AT_MOST = 32
# SQLite: the MATCH strings of the words last searched, spelled out from the
# vocabulary, each with the index's structure record it was read under (see
# count_and_terms()).
SPELLED = Memo(at_most=1000)
STRUCTURE = "SELECT block FROM therapists_search_data WHERE id = 10"
# An expansion that matches nothing: a phrase no document holds (FTS5 tokens
# never hold a space).
NO_TERM = '"no such word"'


@dataclass(frozen=True)
class Plan:
    """How a search's words are matched: the count, the MATCH string (FTS5's,
    naming every word exactly or by an indexed prefix; PostgreSQL's tsquery),
    how many documents it matches in the index (estimated, exact when few
    do), and the most documents the page lists rather than walking its sort
    order (list_at_most_sql()). `ids`: on PostgreSQL, when the documents were
    listed and the count stopped short of its limit, every matching
    therapist."""

    count: int
    match: str
    documents: float
    list_at_most: float
    ids: tuple[int, ...] | None = None

    @property
    def walks(self) -> bool:
        """Whether the page walks the sort order, probing each therapist, rather
        than listing the matching documents."""
        return self.documents > self.list_at_most

    @property
    def steps(self) -> bool:
        """Listed (on SQLite), whether the page walks the sort order's index
        asking the list about each therapist passed, rather than fetching
        every listed therapist by key and sorting them: fetching costs D
        seeks; walking passes about rows / M therapists (M: the matches the
        other filters keep, `count`, counted no further than its limit) for
        each the page reaches. (list_at_most squared is reach * rows *
        PROBE_COST.)"""
        reach_rows = self.list_at_most**2 / PROBE_COST["sqlite"]
        kept = min(self.count, self.documents)
        return self.documents * kept > reach_rows * STEP_COST


def list_at_most_sql(rows_sql: str, reach: int) -> tuple[str, list]:
    """SQL (and its parameters) yielding the most matching documents a page
    reaching `reach` therapists lists rather than walking the sort order, in a
    table of the rows `rows_sql` yields.

    Listing D documents costs D; walking passes about rows / D therapists per
    match, a probe (PROBE_COST) each, for each of the `reach` matches: the two
    meet where D * D = reach * PROBE_COST * rows."""
    return f"sqrt(%s * ({rows_sql}))", [reach * PROBE_COST[connection.vendor]]


def supported(text: str) -> bool:
    """Whether `text`'s words can be searched this way on this database."""
    words = search_words(text)
    return (
        connection.vendor in SEARCH_INDEXES
        and bool(words)
        and all(PLAIN_WORD.fullmatch(word) and len(word) >= 2 for word in words)
    )


def _word_sql(word: str) -> tuple[str, list]:
    """One word as SQL yielding its MATCH term: the indexed prefix itself, or
    every word of the vocabulary starting with it, ORed."""
    if len(word) in INDEXED_PREFIX_LENGTHS:
        return "%s", [f'"{word}"*']
    after = word[:-1] + chr(ord(word[-1]) + 1)
    # Constant SQL; the word travels as a parameter.
    return (
        "(SELECT coalesce('(' || group_concat("  # noqa: S608
        "'\"' || replace(term, '\"', '\"\"') || '\"', ' OR ') || ')', %s) "
        f"FROM temp.{VOCABULARY} WHERE term >= %s AND term < %s)",
        [NO_TERM, word, after],
    )


def match_sql(text: str) -> tuple[str, list]:
    """SQL (and its parameters) yielding the MATCH string for `text`."""
    parts, params = [], []
    for word in search_words(text):
        sql, word_params = _word_sql(word)
        parts.append(sql)
        params += word_params
    return " || ' AND ' || ".join(parts), params


def count_and_terms(therapists, text: str, *, limit: int, reach: int) -> Plan:
    """How many of `therapists` match `text`, counting no further than
    `limit`, the MATCH string naming its words exactly, how many documents
    match in the index alone (estimated), and how many a page reaching `reach`
    lists: one query (two after the index changed, for words spelled out).

    The index leads (CROSS JOIN keeps SQLite from reordering), each matching
    document finds its therapist by key, and the count stops at `limit`. The
    documents: the first MATCHES_SAMPLED matches by key, counted exactly when
    fewer match, else spread over the table as they are over the keys they
    reach. The table's rows: its highest key (one seek).

    A word spelled out from FTS5's vocabulary costs every document it is in
    (fts5vocab counts them: 30 ms for "myofascial" at 1,000,000 therapists).
    The MATCH string spelled is remembered (SPELLED) with the index's
    structure record it was read under (`%_data` row 10), which FTS5 rewrites
    whenever it writes the index's changes out, at each commit: read back in
    the same statement, the same record says the string still names exactly
    the index's words. Not inside a transaction (see below).
    """
    if connection.vendor == "postgresql":
        return _count_postgresql(therapists, text, limit=limit, reach=reach)
    words = tuple(search_words(text))
    # Inside a transaction, the index's own writes may not have reached its
    # structure record yet (FTS5 writes them out at a savepoint or the commit),
    # and a rollback may leave one a later commit repeats: spelled afresh.
    remembered = not connection.in_atomic_block and any(
        len(word) not in INDEXED_PREFIX_LENGTHS for word in words
    )
    key = (connection.alias, str(connection.settings_dict["NAME"]), words)
    spelled = SPELLED.get(key) if remembered else None
    if spelled is not None:
        plan, structure = _count_sqlite(therapists, ("%s", [spelled[1]]), limit, reach)
        if structure == spelled[0]:
            return plan
    plan, structure = _count_sqlite(therapists, match_sql(text), limit, reach)
    if remembered and structure is not None:
        SPELLED.keep(key, (structure, plan.match))
    return plan


def _count_sqlite(therapists, match, limit: int, reach: int) -> tuple[Plan, bytes]:
    """count_and_terms() on SQLite, for the MATCH string `match` yields (SQL
    and parameters); and the index's structure record, read alongside."""
    match, match_params = match
    rows_sql, rows_params = therapists.order_by().values("pk").query.sql_with_params()
    meta, name = therapists.model._meta, connection.ops.quote_name
    key, table = name(meta.pk.column), name(meta.db_table)
    bound, bound_params = list_at_most_sql("SELECT hi - lo + 1 FROM extent", reach)
    # Constant SQL, the model's own (quoted) names and Django's compiled
    # filters; values travel as parameters. The keys a sample reaches count
    # from the table's lowest (a table may start far from 1).
    sql = (
        f"WITH words(m) AS (SELECT {match}), "  # noqa: S608
        # Apart, each is one seek (together, min() and max() scan the table).
        f"extent(lo, hi) AS (SELECT coalesce((SELECT min({key}) FROM {table}), 1), "
        f"coalesce((SELECT max({key}) FROM {table}), 0)), "
        "sampled(id) AS (SELECT rowid FROM therapists_search "
        "WHERE therapists_search MATCH (SELECT m FROM words) "
        "ORDER BY rowid LIMIT %s), "
        "estimate(documents) AS (SELECT CASE WHEN count(*) < %s THEN count(*) "
        "ELSE count(*) * 1.0 * (max(hi, max(id)) - min(lo, min(id)) + 1) "
        "/ (max(id) - min(lo, min(id)) + 1) END FROM sampled, extent) "
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM therapists_search "
        f"CROSS JOIN ({rows_sql}) AS matched "
        "ON matched.pk = therapists_search.rowid "
        "WHERE therapists_search MATCH (SELECT m FROM words) LIMIT %s)), "
        "(SELECT m FROM words), (SELECT documents FROM estimate), "
        f"{bound}, ({STRUCTURE})"
    )
    params = [*match_params, MATCHES_SAMPLED, MATCHES_SAMPLED, *rows_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *bound_params])
        count, terms, documents, most, structure = cursor.fetchone()
    plan = Plan(count=count, match=terms, documents=documents, list_at_most=most)
    return plan, structure


def _count_postgresql(therapists, text: str, *, limit: int, reach: int) -> Plan:
    """count_and_terms() on PostgreSQL: the estimate, then the count walked by
    key (many documents match) or listed from the GIN index (few), in one
    query; CASE runs only the branch the estimate chose."""
    match, match_params = tsquery_sql(text)
    rows_sql, rows_params = therapists.order_by().values("pk").query.sql_with_params()
    # Walking, the count walks too, by key, to its limit: probes for both.
    bound, bound_params = list_at_most_sql("table_rows", reach + limit)
    matched = (
        f"FROM ({rows_sql}) AS matched JOIN therapists_search AS s "
        "ON s.therapist_id = matched.pk"
    )
    # Constant SQL and Django's compiled filters; values travel as parameters.
    sql = f"""
    WITH words AS (SELECT ({match})::tsquery AS q),
    sample AS (
        SELECT count(*) AS seen, count(*) FILTER (
            WHERE ts_match_vq(s.vector, (SELECT q FROM words))
        ) AS hits
        FROM (SELECT vector FROM therapists_search ORDER BY therapist_id LIMIT %s)
            AS s
    ),
    extent AS (
        -- A table smaller than the sample was read whole: its count is exact
        -- (the catalogue's row count may be stale: tables emptied and refilled).
        SELECT seen, hits, CASE WHEN seen < %s THEN seen::float
            ELSE greatest(seen, (
                SELECT reltuples FROM pg_class
                WHERE oid = 'therapists_search'::regclass
            )) END AS table_rows FROM sample
    ),
    estimate AS (
        SELECT CASE WHEN seen < %s THEN hits::float
            ELSE hits::float / seen * table_rows END AS documents,
            {bound} AS most FROM extent
    ),
    choice AS (SELECT documents > most AS walk FROM estimate)
    SELECT (SELECT q::text FROM words), documents, most,
        CASE WHEN (SELECT walk FROM choice) THEN (
            SELECT count(*) FROM (
                SELECT 1 {matched}
                WHERE ts_match_vq(s.vector, (SELECT q FROM words)) LIMIT %s
            ) AS walked
        ) END,
        CASE WHEN NOT (SELECT walk FROM choice) THEN (
            SELECT array_agg(pk) FROM (
                SELECT matched.pk {matched}
                WHERE s.vector @@ (SELECT q FROM words) LIMIT %s
            ) AS listed
        ) END
    FROM estimate
    """  # noqa: S608
    params = [*match_params, SAMPLE, SAMPLE, SAMPLE, *bound_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *rows_params, limit, *rows_params, limit])
        match, documents, most, walked, ids = cursor.fetchone()
    if walked is not None:
        return Plan(count=walked, match=match, documents=documents, list_at_most=most)
    ids = tuple(ids or ())
    complete = ids if len(ids) < limit else None
    return Plan(
        count=len(ids),
        match=match,
        documents=documents,
        list_at_most=most,
        ids=complete,
    )


def tsquery_sql(text: str) -> tuple[str, list]:
    """SQL (and its parameters) yielding `text` as tsquery input: each word as
    the vocabulary's words that start it, quoted (a quote doubled, a backslash
    escaped) and ORed, or past SPELL_OUT_AT_MOST of them as the prefix; the
    words ANDed. Read as tsquery input, not by to_tsquery(), so that no word
    of the vocabulary is parsed again."""
    parts, params = [], []
    for word in search_words(text):
        after = word[:-1] + chr(ord(word[-1]) + 1)
        # Constant SQL; the word travels as a parameter.
        parts.append(
            "(SELECT CASE WHEN count(*) BETWEEN 1 AND %s THEN '(' || string_agg("
            r"'''' || replace(replace(term, '\', '\\'), '''', '''''') || '''', "
            "' | ' ORDER BY term) || ')' ELSE %s END "
            "FROM (SELECT term FROM therapists_search_vocabulary "
            "WHERE term >= %s AND term < %s ORDER BY term LIMIT %s) AS spelled)"
        )
        params += [SPELL_OUT_AT_MOST, f"'{word}':*", word, after]
        params.append(SPELL_OUT_AT_MOST + 1)
    return " || ' & ' || ".join(parts), params


class Probe(Func):
    """Whether the therapist's document matches a MATCH string: one seek into
    the index per therapist, for a walk down a sort order."""

    output_field = BooleanField()
    template = (
        "EXISTS (SELECT 1 FROM therapists_search WHERE therapists_search "
        "MATCH %%s AND therapists_search.rowid = %(expressions)s)"
    )

    def __init__(self, match: str):
        super().__init__(F("pk"))
        self.match = match

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return sql, (self.match, *params)

    def as_postgresql(self, compiler, connection, **extra_context):
        # A scalar subquery, one key lookup per therapist: the planner does not
        # turn it into a join over every matching document, as it does EXISTS.
        return self.as_sql(
            compiler,
            connection,
            template=(
                "(SELECT ts_match_vq(s.vector, %%s::tsquery) "
                "FROM therapists_search AS s "
                "WHERE s.therapist_id = %(expressions)s)"
            ),
            **extra_context,
        )


def probe(therapists, plan: Plan):
    """`therapists` whose document matches the plan's words, asked one by one
    (many documents match: walked in the sort order until the page is full)."""
    return therapists.filter(Probe(plan.match))


def listed(therapists, plan: Plan):
    """`therapists` among the documents matching the plan's words, listed
    first (about `plan.list_at_most` documents at most); on PostgreSQL by the
    ids the count found, when it found them all."""
    if plan.ids is not None:
        # As a set the planner joins by key: against an IN list of a thousand
        # ids it walked the score index instead, 19,000 rows for 20.
        ids = RawSQL("SELECT unnest(%s::bigint[])", [list(plan.ids)])  # noqa: S611
        return therapists.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        # The plan's words are tsquery input (see tsquery_sql()).
        match = "SELECT therapist_id FROM therapists_search WHERE vector @@ %s::tsquery"
        return therapists.filter(pk__in=RawSQL(match, [plan.match]))  # noqa: S611
    match = RawSQL(SEARCH_INDEXES[connection.vendor].match, [plan.match])  # noqa: S611
    if plan.steps:
        # The key asked of the list, not looked up by it: SQLite then walks
        # the sort order's index (Plan.steps).
        return therapists.alias(
            listed_pk=Func(
                F("pk"), template="+%(expressions)s", output_field=IntegerField()
            )
        ).filter(listed_pk__in=match)
    return therapists.filter(pk__in=match)


def create_vocabulary(connection) -> None:
    """Give a new SQLite connection the index's vocabulary as a temporary
    table (fts5vocab), which match_sql() reads; nothing stored."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{VOCABULARY} "
            "USING fts5vocab(main, therapists_search, 'row')"
        )
