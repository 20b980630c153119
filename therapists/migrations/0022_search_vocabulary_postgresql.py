"""The full-text index's vocabulary on PostgreSQL: every word its documents
hold, so that a bounded `q` (therapists.fulltext) can name the words a prefix
starts, as it does from FTS5's vocabulary on SQLite.

The GIN index (0004) answers a prefix ("myofascial:*") by collecting every
document of every word it starts into a bitmap, then rechecking each: 23 ms for
"myofascial brooklyn" at 100,000 therapists, where the same two words spelled
out took 3. A trigger adds each document's words as it is written; words are
never removed (a word no document holds any more only adds a branch that
matches nothing), so the vocabulary always holds every word of every document.
Its "C" collation orders words by their bytes, so the words starting with a
prefix are one range of the primary key. Nothing to do on SQLite.
"""

from django.db import migrations

CREATE = [
    'CREATE TABLE therapists_search_vocabulary (term text COLLATE "C" PRIMARY KEY)',
    """
    CREATE FUNCTION therapists_search_vocabulary_add() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- In byte order, so that two writers of one document each adding the
        -- same new words wait for each other in the same order. (Two
        -- transactions each writing several documents that bring the same
        -- new words in opposite orders can still deadlock: PostgreSQL then
        -- rolls one back. Words are rarely new once a directory has grown.)
        INSERT INTO therapists_search_vocabulary (term)
        SELECT term FROM unnest(tsvector_to_array(NEW.vector)) AS term
        ORDER BY term COLLATE "C"
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER therapists_search_vocabulary_add "
    "AFTER INSERT OR UPDATE OF document ON therapists_search "
    "FOR EACH ROW EXECUTE FUNCTION therapists_search_vocabulary_add()",
    "INSERT INTO therapists_search_vocabulary (term) "
    "SELECT DISTINCT unnest(tsvector_to_array(vector)) FROM therapists_search",
]
DROP = [
    "DROP TRIGGER IF EXISTS therapists_search_vocabulary_add ON therapists_search",
    "DROP FUNCTION IF EXISTS therapists_search_vocabulary_add()",
    "DROP TABLE IF EXISTS therapists_search_vocabulary",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("therapists", "0021_search_prefix_index")]

    operations = [migrations.RunPython(create, drop)]
