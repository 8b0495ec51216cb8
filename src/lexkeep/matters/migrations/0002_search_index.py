"""Search infrastructure for matters and parties (issue 3 §8).

SQLite: external-content FTS5 trigram tables over matter name and case
number, and over parties' normalised names (conflict checks), kept in step
by triggers. PostgreSQL: ``pg_trgm`` GIN indexes on the same columns.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from lexkeep.clients.search import MATTER_INDEX, PARTY_INDEX, ensure_search_index

    ensure_search_index(schema_editor.connection, (MATTER_INDEX, PARTY_INDEX))


def backwards(apps, schema_editor):
    from lexkeep.clients.search import MATTER_INDEX, PARTY_INDEX, drop_search_index

    drop_search_index(schema_editor.connection, (MATTER_INDEX, PARTY_INDEX))


class Migration(migrations.Migration):

    dependencies = [
        ("matters", "0001_initial"),
        ("clients", "0003_search_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
