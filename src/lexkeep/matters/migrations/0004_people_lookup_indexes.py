"""Covering indexes for "the matters of a person" (visibility, SPEC §1).

A lawyer's or assistant's matters are looked up in the people tables by
user; with ``(user_id, matter_id)`` the lookup reads the index alone instead
of one table row per matter (thousands for a busy lawyer). Django makes no
such index for the automatic many-to-many tables, so it is plain SQL.
"""

from django.db import migrations

TABLES = ("matters_matter_handling_lawyers", "matters_matter_assistants")


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0003_list_order_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {table}_user_matter "
            f"ON {table} (user_id, matter_id)",
            f"DROP INDEX IF EXISTS {table}_user_matter",
        )
        for table in TABLES
    ]
