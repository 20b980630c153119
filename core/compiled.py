"""Read statements compiled once per process.

Building and compiling a queryset costs the ORM a millisecond or more in
Python, often far more than the database takes to answer it. For the few
statements on a hot path that run again and again with only their integers
changing (a review's recount, inside SQLite's one write lock), `Compiled` builds
the queryset once around stand-in integers, keeps its SQL and parameters, and
runs it again with the real values. The queryset stays the one definition:
the statement is the ORM's own, compiled for each database the process uses.
"""

import itertools
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Stand-ins no id a caller passes reaches, inside every integer column's range
# (Django turns a lookup by a value outside it into "no rows" on PostgreSQL).
_STAND_INS = itertools.count(start=2_147_000_001)


class Compiled:
    """A values() queryset built by `build(**integers)`, compiled once per
    database alias around stand-ins for `names`; rows() runs it with real ones.

    `build` must not read the clock or anything else that changes while the
    process runs: what it reads once is in the statement for good. The columns
    must need no conversion from what the database driver returns
    (integers, floats, text): rows come from the cursor, not the ORM.
    """

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self.build, self.names = build, names
        self._statements: dict[str, tuple[str, tuple, dict[int, str], list[str]]] = {}

    def _compile(self, using: str):
        stand_ins = {name: next(_STAND_INS) for name in self.names}
        queryset = self.build(**stand_ins)
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        named = {value: name for name, value in stand_ins.items()}
        slots = {
            i: named[param]
            for i, param in enumerate(params)
            if isinstance(param, int) and param in named
        }
        if missing := set(self.names) - set(slots.values()):
            raise ValueError(f"the statement does not use {sorted(missing)}")
        columns = [
            *queryset.query.extra_select,
            *queryset.query.values_select,
            *queryset.query.annotation_select,
        ]
        return sql, tuple(params), slots, columns

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: int) -> list[dict]:
        """The statement's rows, as dicts by column, with `values` in place of
        the stand-ins."""
        if using not in self._statements:
            self._statements[using] = self._compile(using)
        sql, params, slots, columns = self._statements[using]
        params = list(params)
        for i, name in slots.items():
            params[i] = int(values[name])
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
