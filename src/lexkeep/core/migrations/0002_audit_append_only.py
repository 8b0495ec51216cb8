"""Make the audit log append-only in the database (SPEC §6).

A trigger refuses UPDATE and DELETE of ``core_auditentry`` rows (and, on
PostgreSQL, TRUNCATE of a non-empty table), whoever issues them. Caution for
later migrations: on SQLite, altering this table rebuilds it and drops these
triggers; such a migration must recreate them.
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- Truncating an empty table destroys nothing (test-database flushes
        -- do it); like the row triggers, refuse only when rows would go.
        IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM core_auditentry) THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER core_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()
    """,
    """
    CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_append_only()
    """,
]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditentry_no_update_delete ON core_auditentry",
    "DROP FUNCTION IF EXISTS core_auditentry_append_only()",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update
    BEFORE UPDATE ON core_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete
    BEFORE DELETE ON core_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
]


def _run(schema_editor, statements_by_vendor):
    statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
