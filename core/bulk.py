"""Set-based writes the ORM cannot say.

`QuerySet.update()` takes one expression per column, so storing a grouped
count on many rows means one correlated subquery per column per row: a
directory's fifteen review totals were fifteen lookups of each therapist's
reviews, which at 1,000,000 therapists ran for longer than 24 minutes.
`update_from()` reads the grouped rows once and joins them to the rows they
name, in one UPDATE ... FROM (PostgreSQL, and SQLite from 3.33).

Values worked out in Python go the same way: `bulk_update()` writes a CASE
with a branch per row, which each row's update walks, so rescoring a
directory in batches of 2,000 spent three quarters of its time there.
`update_rows()` joins the rows to a VALUES list by key instead.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet


def update_from(model: type[Model], rows: QuerySet, *, key: str) -> int:
    """Store each row of the values() queryset `rows` on the `model` row whose
    primary key is the row's `key`: every other column of `rows` is written to
    the `model` field of the same name. Rows that name no `model` row are
    ignored, and `model` rows no row names are left alone. Returns how many
    rows were written."""
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = [name for name in rows.query.values_select if name != key]
    columns += [name for name in rows.query.annotation_select if name != key]
    if not columns:
        raise ValueError("update_from() needs a column besides the key.")
    fields = {name: model._meta.get_field(name).column for name in columns}
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    try:
        select, params = rows.query.get_compiler(using).as_sql()
    except EmptyResultSet:  # rows that can hold none (`pk__in=[]`)
        return 0
    assignments = ", ".join(
        f"{quote(column)} = source.{quote(name)}" for name, column in fields.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM ({select}) AS source "  # noqa: S608
            f"WHERE {table}.{pk} = source.{quote(key)}",
            params,
        )
        return cursor.rowcount


def update_rows(model: type[Model], field: str, values: dict) -> int:
    """Store `values` (primary key -> value) in `model`'s `field`, in one
    UPDATE ... FROM a VALUES list; keys that name no row are ignored. Returns
    how many rows were written. Two parameters a row: SQLite takes at most
    32,766, so pass at most some 16,000 rows at once."""
    if not values:
        return 0
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    target = model._meta.get_field(field)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    rows = ", ".join(["(%s, %s)"] * len(values))
    params = []
    for key, value in values.items():
        params += [key, target.get_db_prep_save(value, connection)]
    with connection.cursor() as cursor:
        # VALUES names its columns column1, column2 on both databases.
        cursor.execute(
            # Cast: PostgreSQL types a VALUES column by its first row's values.
            f"UPDATE {table} SET {quote(target.column)} = "  # noqa: S608
            f"CAST(source.column2 AS {target.cast_db_type(connection)}) "
            f"FROM (VALUES {rows}) AS source WHERE {table}.{pk} = source.column1",
            params,
        )
        return cursor.rowcount
