"""A therapist profile's version: what the page shows has changed, whoever
changed it.

The profile reads from a dozen tables that five apps write, through the ORM,
through update() and bulk_create(), and through statements compiled to SQL
(core.compiled). Rather than ask every writer to remember the page, the
database keeps the count: a trigger on each table the page reads bumps the
version of the therapist the changed row belongs to (ProfileVersion), in the
same transaction as the change. A row every profile shows (a technique's
name, an insurance plan, a clinician, a reviewer's name) bumps row 0, the
version all profiles share. profiles.page_cache keys rendered pages by both.

The triggers are installed after every `migrate` (and after a test flush):
SQLite rebuilds a table, and drops its triggers, for many a schema change, so
a trigger written once in a migration would quietly vanish with the next one.
tests/profiles/test_versions.py checks that every table the page's queries
read is watched here.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import connections

from profiles.models import ProfileVersion

# ProfileVersion's row for what every profile shows.
EVERY_PROFILE = 0
PREFIX = "profile_version"


@dataclass(frozen=True)
class Watch:
    """A table whose rows a profile shows: `model` ("app.Model"), and how a
    row leads to its therapist, `path` (a foreign key, or a foreign key then
    the parent's; "" for the therapist's own row; None for a row every profile
    may show). `changed`, for a table watched on updates only: the columns
    whose change matters."""

    model: str
    path: str | None = "therapist"
    updates_only: bool = False
    changed: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return apps.get_model(self.model)._meta.db_table

    @property
    def name(self) -> str:
        return f"{PREFIX}_{self.table}"

    def therapist_of(self, row: str) -> str:
        """The SQL of the therapist id the `row` (NEW or OLD) belongs to."""
        if self.path is None:
            return str(EVERY_PROFILE)
        model = apps.get_model(self.model)
        if self.path == "":
            return f"{row}.{model._meta.pk.column}"
        first, _, then = self.path.partition("__")
        key = model._meta.get_field(first)
        if not then:
            return f"{row}.{key.column}"
        parent = key.related_model._meta
        # Every name comes from the models' metadata: no input reaches SQL here.
        column, table = parent.get_field(then).column, parent.db_table
        select = f"SELECT {column} FROM {table}"  # noqa: S608
        return f"({select} WHERE {parent.pk.column} = {row}.{key.column})"

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
    Watch("verification.Credential"),
    Watch("verification.CredentialEvent", path="credential__therapist"),
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


def _bump(watch: Watch, row: str) -> str:
    table = ProfileVersion._meta.db_table
    therapist = f"(SELECT {watch.therapist_of(row)} AS id) AS bumped"  # noqa: S608
    rows = f"SELECT bumped.id, 1 FROM {therapist} WHERE bumped.id IS NOT NULL"  # noqa: S608
    return (
        f"INSERT INTO {table} (therapist_id, version) {rows}"
        f" ON CONFLICT (therapist_id) DO UPDATE SET version = {table}.version + 1"
    )


def sqlite_statements(watch: Watch) -> list[str]:
    statements = []
    for event in ("INSERT", "UPDATE", "DELETE"):
        trigger = f"{watch.name}_{event.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {trigger}")
        if event not in watch.events():
            continue
        rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[event]
        when = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watch.changed)
        statements.append(
            f"CREATE TRIGGER {trigger} AFTER {event} ON {watch.table}"
            + (f" WHEN {when}" if when else "")
            + " BEGIN "
            + "".join(f"{_bump(watch, row)}; " for row in rows)
            + "END"
        )
    return statements


def postgresql_statements(watch: Watch) -> list[str]:
    when = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watch.changed)
    return [
        f"CREATE OR REPLACE FUNCTION {watch.name}() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP <> 'INSERT' THEN {_bump(watch, 'OLD')}; END IF;"
        f" IF TG_OP <> 'DELETE' THEN {_bump(watch, 'NEW')}; END IF;"
        " RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {watch.name} ON {watch.table}",
        f"CREATE TRIGGER {watch.name} AFTER {' OR '.join(watch.events())}"
        f" ON {watch.table} FOR EACH ROW"
        + (f" WHEN ({when})" if when else "")
        + f" EXECUTE FUNCTION {watch.name}()",
    ]


STATEMENTS = {"sqlite": sqlite_statements, "postgresql": postgresql_statements}


def install(using: str = "default") -> None:
    """(Re)write every trigger on this database: idempotent. A table not
    migrated yet (a partial `migrate`) is left until it is."""
    connection = connections[using]
    statements = STATEMENTS.get(connection.vendor)
    if statements is None:
        return
    tables = set(connection.introspection.table_names())
    if ProfileVersion._meta.db_table not in tables:
        return
    with connection.cursor() as cursor:
        for watch in WATCHED:
            if watch.table not in tables:
                continue
            for statement in statements(watch):
                cursor.execute(statement)


def installed_after_migrate(using: str = "default", **kwargs) -> None:
    """post_migrate's receiver (profiles.apps)."""
    install(using)
