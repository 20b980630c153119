"""A KNN index for a search sorted by distance on PostgreSQL (therapists.nearest).

earthdistance (with cube, which it needs) is contrib: every PostgreSQL ships
it, while PostGIS must be installed and is far more than one nearest-first
walk needs. The GiST index on ll_to_earth(latitude, longitude) answers
ORDER BY ... <-> point from the nearest row outwards.

Creating an extension takes a superuser or, on PostgreSQL 13 and later, a
database owner with CREATE on it (both are "trusted"); on a managed database
(RDS, Cloud SQL, Azure) the owner the provider creates may. Where it may not,
this migration creates neither and the search climbs its ladder without the
index; `CREATE EXTENSION earthdistance CASCADE` by an administrator and
running this migration again (migrate therapists 0019, then migrate) adds it.
A no-op on SQLite.
"""

from django.db import DatabaseError, migrations, transaction

INDEX = "location_earth_idx"


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS cube")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS earthdistance")
        except DatabaseError:
            return  # not allowed here: see the docstring
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON therapists_practicelocation "
            "USING gist (ll_to_earth(latitude, longitude))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("therapists", "0019_availability")]

    operations = [migrations.RunPython(create_index, drop_index)]
