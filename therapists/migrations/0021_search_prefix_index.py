"""Prefix indexes for words of two to eight letters in the FTS5 table (SQLite).

A prefix without an index of its own ("deep"*) is answered by merging the
documents of every word it starts, whole, before the first match: a bounded
`q` (therapists.fulltext) asks the index about one therapist at a time, and
each question would cost that merge. With an index per prefix length, one
therapist's question is a seek. FTS5 cannot change the option of a table, so
the table is copied into a new one and renamed. PostgreSQL's GIN index answers
prefixes itself (0004): nothing to do there.
"""

from django.db import migrations

COLUMNS = "document, tokenize = 'unicode61 remove_diacritics 2'"


def rebuild_with(prefix: str):
    def rebuild(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE therapists_search_new USING fts5({COLUMNS}, "
            f"prefix = '{prefix}')"
        )
        schema_editor.execute(
            "INSERT INTO therapists_search_new (rowid, document) "
            "SELECT rowid, document FROM therapists_search"
        )
        schema_editor.execute("DROP TABLE therapists_search")
        schema_editor.execute(
            "ALTER TABLE therapists_search_new RENAME TO therapists_search"
        )

    return rebuild


class Migration(migrations.Migration):
    dependencies = [("therapists", "0020_location_earth_knn_index")]

    operations = [
        migrations.RunPython(rebuild_with("2 3 4 5 6 7 8"), rebuild_with("2 3"))
    ]
