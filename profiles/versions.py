"""A therapist profile's version: what the page shows has changed, whoever
changed it.

The profile reads from a dozen tables that five apps write, through the ORM,
through update() and bulk_create(), and through statements compiled to SQL
(core.compiled). Rather than ask every writer to remember the page, the
database keeps the count: a trigger on each table the page reads bumps the
version of the therapist the changed row belongs to (ProfileVersion), in the
same transaction as the change. A row every profile shows (a technique's
name, an insurance plan, a clinician or their licence, a reviewer's name)
bumps row 0, the version all profiles share. profiles.page_cache keys rendered
pages by both.

The triggers are dropped before every `migrate` and written again after it
(and after a flush): SQLite rebuilds a table for many a schema change, which
drops the table's triggers and fails while another table's trigger names it,
so triggers written once in a migration would either vanish or stop the next
one. Row 0 starts at a random number each time they are written, so versions
counted again from nothing (a flushed table) never meet the keys of before.
tests/profiles/test_page_cache.py checks that every table the page's queries
read is watched here.
"""

import contextlib
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, transaction
from django.db.models import F

from profiles.models import ProfileVersion

# ProfileVersion's row for what every profile shows.
EVERY_PROFILE = 0
PREFIX = "profile_version_"


@dataclass(frozen=True)
class Watch:
    """A table whose rows a profile shows: `model` ("app.Model"), and how a
    row leads to its therapist, `path` (a foreign key, or a foreign key then
    the parent's; "" for the therapist's own row; None for a row every profile
    may show). `or_every`: a foreign key of the row the path ends on that,
    when set instead, makes it every profile's (a clinician's licence, shown
    beside their recommendations). `changed`, for a table watched on updates
    only: the columns whose change matters."""

    model: str
    path: str | None = "therapist"
    or_every: str | None = None
    updates_only: bool = False
    changed: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return apps.get_model(self.model)._meta.db_table

    @property
    def name(self) -> str:
        return f"{PREFIX}{self.table}"

    def therapist_of(self, row: str) -> str:
        """The SQL of the therapist id the `row` (NEW or OLD) belongs to
        (EVERY_PROFILE for what every profile shows; NULL for nobody's)."""
        if self.path is None:
            return str(EVERY_PROFILE)
        model = apps.get_model(self.model)
        if self.path == "":
            return f"{row}.{model._meta.pk.column}"
        first, _, then = self.path.partition("__")
        key = model._meta.get_field(first)
        if not then:
            return self._owner(model, key.column, row)
        parent = key.related_model
        owner = self._owner(
            parent, parent._meta.get_field(then).column, parent._meta.db_table
        )
        # Every name comes from the models' metadata: no input reaches SQL here.
        select = f"SELECT {owner} FROM {parent._meta.db_table}"  # noqa: S608
        return f"({select} WHERE {parent._meta.pk.column} = {row}.{key.column})"

    def _owner(self, model, column: str, row: str) -> str:
        if self.or_every is None:
            return f"{row}.{column}"
        other = model._meta.get_field(self.or_every).column
        return (
            f"COALESCE({row}.{column},"
            f" CASE WHEN {row}.{other} IS NOT NULL THEN {EVERY_PROFILE} END)"
        )

    def events(self) -> tuple[str, ...]:
        return ("UPDATE",) if self.updates_only else ("INSERT", "UPDATE", "DELETE")


WATCHED = (
    Watch("therapists.Therapist", path="", updates_only=True),
    Watch("therapists.PracticeLocation"),
    Watch("therapists.OpeningHours"),
    Watch("therapists.SessionPackage"),
    Watch("therapists.AcceptedPlan"),
    Watch("therapists.TherapistTechnique"),
    Watch("therapists.Therapist_conditions"),
    Watch("therapists.TherapistLanguage"),
    # A therapist's credential, or a clinician's licence (shown with every
    # recommendation the clinician wrote).
    Watch("verification.Credential", or_every="clinician"),
    Watch(
        "verification.CredentialEvent",
        path="credential__therapist",
        or_every="clinician",
    ),
    Watch("reviews.Review"),
    Watch("reviews.ReviewResponse", path="review__therapist"),
    Watch("reviews.HelpfulVote", path="review__therapist"),
    Watch("reviews.SessionRecord"),
    Watch("recommendations.Recommendation"),
    Watch("interviews.InterviewRequest"),
    Watch("interviews.InterviewQuestion", path="request__therapist"),
    Watch("interviews.InterviewMessage", path="request__therapist"),
    # Shown on every profile that lists them: rarely changed, so one count.
    Watch("therapists.Technique", path=None),
    Watch("therapists.Condition", path=None),
    Watch("therapists.InsurancePlan", path=None),
    Watch("clinicians.Clinician", path=None),
    # A reviewer's or clinician's name; not the log-in time or the password.
    Watch(
        "auth.User",
        path=None,
        updates_only=True,
        changed=("first_name", "last_name"),
    ),
)


@dataclass(frozen=True)
class Dialect:
    """How a database says "the same, NULL included" and "changed"."""

    same: str
    changed: str


SQLITE = Dialect(same="IS", changed="IS NOT")
POSTGRESQL = Dialect(same="IS NOT DISTINCT FROM", changed="IS DISTINCT FROM")


def _bump(watch: Watch, row: str, dialect: Dialect, *, moved: bool = False) -> str:
    """Bump the version of the therapist `row` belongs to; with `moved` (an
    update's OLD row), only if the row now belongs to another."""
    table = ProfileVersion._meta.db_table
    therapist = f"(SELECT {watch.therapist_of(row)} AS id) AS bumped"  # noqa: S608
    where = "bumped.id IS NOT NULL"
    if moved:
        where += f" AND NOT (bumped.id {dialect.same} {watch.therapist_of('NEW')})"
    rows = f"SELECT bumped.id, 1 FROM {therapist} WHERE {where}"  # noqa: S608
    return (
        f"INSERT INTO {table} (therapist_id, version) {rows}"
        f" ON CONFLICT (therapist_id) DO UPDATE SET version = {table}.version + 1"
    )


def sqlite_statements(watch: Watch) -> list[str]:
    statements = []
    for event in watch.events():
        bumps = {
            "INSERT": [_bump(watch, "NEW", SQLITE)],
            "UPDATE": [
                _bump(watch, "NEW", SQLITE),
                _bump(watch, "OLD", SQLITE, moved=True),
            ],
            "DELETE": [_bump(watch, "OLD", SQLITE)],
        }[event]
        when = " OR ".join(f"OLD.{c} {SQLITE.changed} NEW.{c}" for c in watch.changed)
        statements.append(
            f"CREATE TRIGGER {watch.name}_{event.lower()} AFTER {event}"
            f" ON {watch.table}"
            + (f" WHEN {when}" if when else "")
            + " BEGIN "
            + "".join(f"{bump}; " for bump in bumps)
            + "END"
        )
    return statements


def postgresql_statements(watch: Watch) -> list[str]:
    when = " OR ".join(f"OLD.{c} {POSTGRESQL.changed} NEW.{c}" for c in watch.changed)
    return [
        f"CREATE FUNCTION {watch.name}() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP = 'INSERT' THEN {_bump(watch, 'NEW', POSTGRESQL)}; END IF;"
        f" IF TG_OP = 'UPDATE' THEN {_bump(watch, 'NEW', POSTGRESQL)};"
        f" {_bump(watch, 'OLD', POSTGRESQL, moved=True)}; END IF;"
        f" IF TG_OP = 'DELETE' THEN {_bump(watch, 'OLD', POSTGRESQL)}; END IF;"
        " RETURN NULL; END $$",
        f"CREATE TRIGGER {watch.name} AFTER {' OR '.join(watch.events())}"
        f" ON {watch.table} FOR EACH ROW"
        + (f" WHEN ({when})" if when else "")
        + f" EXECUTE FUNCTION {watch.name}()",
    ]


STATEMENTS = {"sqlite": sqlite_statements, "postgresql": postgresql_statements}
# Every trigger (and PostgreSQL function) this module wrote, whatever WATCHED
# said when it wrote them.
WRITTEN = {
    "sqlite": (
        "SELECT 'DROP TRIGGER ' || name FROM sqlite_master"
        " WHERE type = 'trigger' AND substr(name, 1, %s) = %s"
    ),
    "postgresql": (
        "SELECT 'DROP TRIGGER ' || t.tgname || ' ON ' || c.relname"
        " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE NOT t.tgisinternal AND left(t.tgname, %s) = %s"
        " UNION ALL SELECT 'DROP FUNCTION ' || p.proname || '()' FROM pg_proc p"
        " WHERE left(p.proname, %s) = %s"
    ),
}


def uninstall(using: str = "default") -> None:
    """Drop every trigger this module wrote (before a migration, or for good)."""
    connection = connections[using]
    if connection.vendor not in WRITTEN:
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        sql = WRITTEN[connection.vendor]
        cursor.execute(sql, [len(PREFIX), PREFIX] * (sql.count("%s") // 2))
        # Triggers before the functions they call.
        for (statement,) in sorted(cursor.fetchall(), reverse=True):
            cursor.execute(statement)


def install(using: str = "default") -> None:
    """Write every trigger afresh, in one transaction, and start row 0 at a
    random number; a table not migrated yet (a partial `migrate`), and
    everything while ProfileVersion's own table is missing, is left out."""
    connection = connections[using]
    statements = STATEMENTS.get(connection.vendor)
    if statements is None:
        return
    with transaction.atomic(using=using):
        uninstall(using)
        tables = set(connection.introspection.table_names())
        if ProfileVersion._meta.db_table not in tables:
            return
        with connection.cursor() as cursor:
            for watch in WATCHED:
                if watch.table not in tables:
                    continue
                for statement in statements(watch):
                    cursor.execute(statement)
        ProfileVersion.objects.using(using).get_or_create(
            therapist_id=EVERY_PROFILE,
            defaults={"version": secrets.randbits(48)},
        )


def of(therapist_ids: Sequence[int], using: str = "default") -> dict[int, str]:
    """Each therapist's version with every profile's ("12.40097"), in one
    query: therapists.cards keys a result card by it (profiles.apps)."""
    table = ProfileVersion._meta.db_table
    ids = [EVERY_PROFILE, *therapist_ids]
    marks = ", ".join(["%s"] * len(ids))
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT therapist_id, version FROM {table}"  # noqa: S608 - a table name and placeholders
            f" WHERE therapist_id IN ({marks})",
            ids,
        )
        found = dict(cursor.fetchall())
    every = found.get(EVERY_PROFILE, 0)
    return {pk: f"{found.get(pk, 0)}.{every}" for pk in therapist_ids}


@contextlib.contextmanager
def paused(using: str = "default") -> Iterator[None]:
    """No trigger fires while a bulk load runs (seed_demo writes a whole
    directory, and then rewrites every therapist's stored totals: a version
    bump per row written); afterwards row 0 is bumped, so every page kept
    before or during the load is stale, whatever the load changed."""
    uninstall(using)
    try:
        yield
    finally:
        install(using)
        ProfileVersion.objects.using(using).filter(therapist_id=EVERY_PROFILE).update(
            version=F("version") + 1
        )


def dropped_before_migrate(using: str = "default", **kwargs) -> None:
    """pre_migrate's receiver (profiles.apps)."""
    uninstall(using)


def installed_after_migrate(using: str = "default", **kwargs) -> None:
    """post_migrate's receiver (profiles.apps)."""
    install(using)
