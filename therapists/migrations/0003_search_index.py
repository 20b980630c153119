"""Full-text search index for `q` on SQLite (FTS5).

On other databases the search falls back to plain matching until their own index
arrives; see TherapistQuerySet.search().
"""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS therapists_search USING fts5("
    "document, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS therapists_search")


class Migration(migrations.Migration):
    dependencies = [("therapists", "0002_techniques_and_conditions")]

    operations = [migrations.RunPython(create_index, drop_index)]
