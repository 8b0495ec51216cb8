"""Database upkeep: keep the query planner's statistics current.

SQLite plans queries from the statistics ``ANALYZE`` gathers; without them
it guesses, and at a firm's scale a guess can pick a table scan over an
index (a date range read through a tier index instead of the date index).
Once a day, at night, every table is analysed in full, one table per
transaction, so writers wait for one table's analysis at most (a few
seconds for two million contacts). Sampled statistics (``analysis_limit``)
are not enough: a column of three values (a client's tier, a matter's
status) sampled a thousand entries deep looks as selective as one of a
thousand, and the planner then drives a firm-wide read from it. And
``PRAGMA optimize`` on SQLite before 3.46 revisits only what its own
connection's statements used, which in a worker is nothing. PostgreSQL's
autovacuum keeps its own statistics: nothing to do there.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.utils import CursorWrapper


def database_optimize() -> dict[str, str]:
    """Refresh the planner's statistics; return what was done."""
    if connection.vendor != "sqlite":
        return {"database": connection.vendor, "done": "nothing (autovacuum)"}
    with connection.cursor() as cursor:
        tables = analyse(cursor)
    return {"database": "sqlite", "done": "analyze", "tables": str(len(tables))}


def analyse(cursor: CursorWrapper, *tables: str) -> list[str]:
    """Analyse every row of each of ``tables`` (all, if none is named).

    Outside a transaction, each table's analysis is a transaction of its
    own. On SQLite the connection's ``analysis_limit`` is reset first, so
    nothing is sampled. Returns the tables analysed.
    """
    names = list(tables) or [
        name
        for name in cursor.db.introspection.table_names(cursor)
        if not name.startswith("sqlite_")  # SQLite's own
    ]
    if cursor.db.vendor == "sqlite":
        cursor.execute("PRAGMA analysis_limit = 0")
    for table in names:
        cursor.execute(f"ANALYZE {cursor.db.ops.quote_name(table)}")
    return names


def has_statistics(cursor: CursorWrapper) -> bool:
    """Whether the database was ever analysed (``sqlite_stat1`` exists)."""
    cursor.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    )
    return cursor.fetchone() is not None


def analyse_new_index(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    """Give ``table``'s indexes statistics, if the database has any.

    For migrations that add an index on SQLite: next to analysed indexes,
    one without statistics is costed by default guesses, which can make the
    planner prefer it where another index is far better. A database never
    analysed is left so (its planner guesses alike for every index).
    """
    refresh_statistics(schema_editor, table)


def refresh_statistics(schema_editor: BaseDatabaseSchemaEditor, *tables: str) -> None:
    """Analyse ``tables`` (all, if none is named) in full, if the database
    has statistics (SQLite; a migration's step)."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if has_statistics(cursor):
            analyse(cursor, *tables)
