"""Database upkeep: keep the query planner's statistics current.

SQLite plans queries from the statistics ``ANALYZE`` gathers; without them
it guesses, and at a firm's scale a guess can pick a table scan over an
index (a date range read through a tier index instead of the date index).
A daily ``PRAGMA optimize`` refreshes what has drifted, each table's
analysis bounded by ``analysis_limit`` so it takes seconds at most;
statistics missing altogether are gathered once. PostgreSQL's autovacuum
keeps its own statistics: nothing to do there.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

#: Rows of each index SQLite samples when it analyses (``PRAGMA analysis_limit``).
ANALYSIS_LIMIT = 1000


def database_optimize() -> dict[str, str]:
    """Refresh the planner's statistics; return what was done."""
    if connection.vendor != "sqlite":
        return {"database": connection.vendor, "done": "nothing (autovacuum)"}
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        )
        if cursor.fetchone() is None:
            cursor.execute("ANALYZE")
            return {"database": "sqlite", "done": "analyze"}
        cursor.execute("PRAGMA optimize")
    return {"database": "sqlite", "done": "optimize"}


def analyse_new_index(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    """Give ``table``'s indexes statistics, if the database has any.

    For migrations that add an index on SQLite: next to analysed indexes,
    one without statistics is costed by default guesses, which can make the
    planner prefer it where another index is far better. A database never
    analysed is left so (its planner guesses alike for every index).
    """
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        )
        if cursor.fetchone() is None:
            return
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
