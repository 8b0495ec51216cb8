"""Database upkeep: keep the query planner's statistics current.

SQLite plans queries from the statistics ``ANALYZE`` gathers; without them
it guesses, and at a firm's scale a guess can pick a table scan over an
index (a date range read through a tier index instead of the date index).
A daily ``PRAGMA optimize`` refreshes what has drifted, each table's
analysis bounded by ``analysis_limit`` so it takes seconds at most;
statistics missing altogether are gathered once, and a table that was empty
then is analysed once it holds rows. PostgreSQL's autovacuum
keeps its own statistics: nothing to do there.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.utils import CursorWrapper

#: Rows of each index SQLite samples when it analyses (``PRAGMA analysis_limit``).
ANALYSIS_LIMIT = 1000


def database_optimize() -> dict[str, str]:
    """Refresh the planner's statistics; return what was done."""
    if connection.vendor != "sqlite":
        return {"database": connection.vendor, "done": "nothing (autovacuum)"}
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        if not _has_statistics(cursor):
            cursor.execute("ANALYZE")
            return {"database": "sqlite", "done": "analyze"}
        cursor.execute("PRAGMA optimize")
        analysed = _analyse_unanalysed(cursor)
    result = {"database": "sqlite", "done": "optimize"}
    if analysed:
        result["analysed"] = ", ".join(analysed)
    return result


def _has_statistics(cursor: CursorWrapper) -> bool:
    """Whether the database was ever analysed (``sqlite_stat1`` exists)."""
    cursor.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    )
    return cursor.fetchone() is not None


def _analyse_unanalysed(cursor: CursorWrapper) -> list[str]:
    """Analyse the tables that hold rows but have no statistics; return them.

    ``ANALYZE`` records nothing for an empty table, and ``PRAGMA optimize``
    (SQLite before 3.46) only revisits tables it has statistics for: a table
    empty on the first analysis (a new firm's duties, say) would be planned
    by guesses for good once it fills.
    """
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' "
        "AND name NOT IN (SELECT tbl FROM sqlite_stat1) ORDER BY name"
    )
    analysed = []
    for (table,) in cursor.fetchall():
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608 - a table's own name
        if cursor.fetchone() is not None:
            cursor.execute(f"ANALYZE {quoted}")
            analysed.append(table)
    return analysed


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
        if not _has_statistics(cursor):
            return
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
