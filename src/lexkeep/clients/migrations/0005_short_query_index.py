"""Index of single characters and pairs for 1–2 character client searches.

SQLite: ``clients_client_grams`` (gram, id), filled from name, normalised
name and credit code and kept in step by triggers, like the FTS5 trigram
table (docs/decisions/0004-short-query-search.md). PostgreSQL: nothing
(``pg_trgm`` serves every length).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from lexkeep.clients.search import CLIENT_INDEX, ensure_search_index

    ensure_search_index(schema_editor.connection, (CLIENT_INDEX,))


def backwards(apps, schema_editor):
    from lexkeep.clients.search import CLIENT_INDEX, drop_short_gram_index

    drop_short_gram_index(schema_editor.connection, CLIENT_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0004_list_tier_type_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
