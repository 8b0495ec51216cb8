"""Search infrastructure for clients (issue 3 §8): FTS5 trigram or pg_trgm.

SQLite: an external-content FTS5 table ``clients_client_fts`` over name,
normalised name and credit code, kept in step by triggers. PostgreSQL:
``pg_trgm`` and GIN trigram indexes on the same columns. No ID numbers.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from lexkeep.clients.search import CLIENT_INDEX, ensure_search_index

    ensure_search_index(schema_editor.connection, (CLIENT_INDEX,))


def backwards(apps, schema_editor):
    from lexkeep.clients.search import CLIENT_INDEX, drop_search_index

    drop_search_index(schema_editor.connection, (CLIENT_INDEX,))


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0002_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
