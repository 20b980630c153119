"""Statements compiled once per process and connection.

Building and compiling a queryset costs the ORM a millisecond or more in
Python, often far more than the database takes to answer it: the profile's
therapist query (a dozen annotations, each a subquery) cost the page more
than running all its SQL, and a review's recount held SQLite's one write lock
mostly while its fifteen aggregates were built (issue 19).

A `Prepared` statement is the ORM queryset a builder function returns, kept
as the reference: it is compiled twice, from two sets of example values, and
every parameter that differs between the two must be one of the values passed
in (or a fixed time before or after one of them, as "a year before now"),
else compiling fails. Each call then binds its own values to the same SQL and
gives what the queryset would: model instances as the ORM builds them (the
same converters, select_related and annotations), or for a values() queryset
dicts by name. The builder must read no clock and no other state: everything
that varies comes in as a keyword argument.
"""

import datetime
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import (
    ModelIterable,
    ValuesIterable,
    _get_from_db,
    get_related_populators,
)


class NotPreparable(Exception):
    """A queryset whose SQL or parameters do not follow its inputs alone."""


@dataclass(frozen=True)
class Slot:
    """Where one parameter of the SQL comes from: a constant, or an input
    (adapted as the ORM adapts it, after adding `shift` to a date or time)."""

    constant: Any = None
    name: str | None = None
    adapt: Callable | None = None
    shift: datetime.timedelta | None = None

    def value(self, values: dict) -> Any:
        if self.name is None:
            return self.constant
        value = values[self.name]
        if self.shift is not None:
            value = value + self.shift
        return self.adapt(value)


@dataclass
class Compiled:
    """One statement compiled for one connection, and how its rows become
    what the queryset gives: instances of `model`, or (no model: a values()
    queryset) dicts keyed by `names`."""

    sql: str
    slots: list[Slot]
    compiler: Any
    converters: list
    model: type[Model] | None = None
    fields: slice | None = None
    init_list: list[str] | None = None
    populators: list | None = None
    annotations: dict[str, int] | None = None
    from_db: Callable | None = None
    names: list[str] | None = None


def _adapters(value, connection) -> list[Callable]:
    """How the ORM may have turned an input into a parameter."""
    ops = connection.ops
    if isinstance(value, datetime.datetime):
        return [ops.adapt_datetimefield_value]
    if isinstance(value, datetime.date):
        return [ops.adapt_datefield_value]
    return [_same]


def _same(value):
    return value


def _as_time(value):
    """A date or time parameter as a date or datetime (SQLite's are text)."""
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime.date) else None


class Prepared:
    """A queryset compiled once per connection; called with the builder's
    keyword arguments, it returns the model instances the queryset would."""

    def __init__(self, build: Callable[..., QuerySet], first: dict, second: dict):
        """`first` and `second`: two sets of example values of `build`'s
        arguments, differing in every one."""
        self.build = build
        self.examples = (first, second)
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, using: str = "default", **values) -> list:
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            with self._lock:
                compiled = self._compiled[connection] = self.compile(connection)
        params = [slot.value(values) for slot in compiled.slots]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return self._instances(compiled, rows, using)

    def compile(self, connection) -> Compiled:
        """The SQL and where each of its parameters comes from."""
        first, second = self.examples
        compiler = self.build(**first).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        other_sql, other_params = (
            self.build(**second).query.get_compiler(connection=connection).as_sql()
        )
        if sql != other_sql or len(params) != len(other_params):
            raise NotPreparable("the SQL differs with the values")
        slots = [
            self._slot(a, b, connection) if a != b else Slot(constant=a)
            for a, b in zip(params, other_params, strict=True)
        ]
        select, klass_info = compiler.select, compiler.klass_info
        converters = compiler.get_converters(
            [s[0] for s in select[0 : compiler.col_count]]
        )
        queryset = self.build(**first)
        if queryset._iterable_class is ValuesIterable:  # rows by name
            query = queryset.query
            names = [*query.extra_select, *query.values_select]
            names += [*query.annotation_select]
            return Compiled(sql, slots, compiler, converters, names=names)
        if queryset._iterable_class is not ModelIterable:
            raise NotPreparable("only instances or values() rows")
        columns = klass_info["select_fields"]
        fields = slice(columns[0], columns[-1] + 1)
        model = klass_info["model"]
        return Compiled(
            sql=sql,
            slots=slots,
            compiler=compiler,
            converters=converters,
            model=model,
            fields=fields,
            init_list=[column[0].target.attname for column in select[fields]],
            populators=get_related_populators(
                klass_info, select, queryset.db, queryset._fetch_mode
            ),
            annotations=dict(compiler.annotation_col_map or {}),
            from_db=_get_from_db(model, queryset._fetch_mode),
        )

    def _slot(self, a, b, connection) -> Slot:
        """The input a differing parameter comes from (`a` from the first
        example values, `b` from the second)."""
        first, second = self.examples
        for name, value in first.items():
            for adapt in _adapters(value, connection):
                if adapt(value) == a and adapt(second[name]) == b:
                    return Slot(name=name, adapt=adapt)
        for name, value in first.items():
            if not isinstance(value, datetime.date):
                continue
            adapt = _adapters(value, connection)[0]
            found, given = _as_time(a), _as_time(adapt(value))
            if found is None or given is None or type(found) is not type(given):
                continue
            shift = found - given
            if adapt(value + shift) == a and adapt(second[name] + shift) == b:
                return Slot(name=name, adapt=adapt, shift=shift)
        raise NotPreparable(f"no input gives the parameter {a!r}")

    def _instances(self, compiled: Compiled, rows, using: str) -> list:
        """The rows as ModelIterable makes them into instances (or, for a
        values() queryset, as ValuesIterable makes them into dicts)."""
        count = compiled.compiler.col_count
        rows = [row[:count] for row in rows]
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        if compiled.names is not None:
            return [dict(zip(compiled.names, row, strict=True)) for row in rows]
        found = []
        for row in rows:
            instance = compiled.from_db(using, compiled.init_list, row[compiled.fields])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found


def prefetched(instance: Model, name: str, objects: list[Model]) -> None:
    """Store `objects` as `instance`'s prefetched reverse foreign key `name`
    (as prefetch_related() does: `instance.<name>.all()` reads them, and each
    object knows `instance`)."""
    manager = getattr(instance, name)
    for related in objects:
        manager.field.set_cached_value(related, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[manager.field.remote_field.cache_name] = queryset
