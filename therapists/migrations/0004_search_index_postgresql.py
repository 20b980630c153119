"""Full-text search index for `q` on PostgreSQL.

The same shape as SQLite's FTS5 table from 0003: one row per therapist holding the
search document, here with a stored tsvector and a GIN index on it.
"""

from django.db import migrations

CREATE = [
    """
    CREATE TABLE IF NOT EXISTS therapists_search (
        therapist_id bigint PRIMARY KEY
            REFERENCES therapists_therapist (id) ON DELETE CASCADE
            DEFERRABLE INITIALLY DEFERRED,
        document text NOT NULL,
        vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', document)) STORED
    )
    """,
    "CREATE INDEX IF NOT EXISTS therapists_search_vector_idx "
    "ON therapists_search USING gin (vector)",
]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS therapists_search")


class Migration(migrations.Migration):
    dependencies = [("therapists", "0003_search_index")]

    operations = [migrations.RunPython(create_index, drop_index)]
