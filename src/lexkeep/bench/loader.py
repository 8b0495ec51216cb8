"""Fast loading of benchmark rows: raw multi-row INSERTs, indexes built after.

``bulk_create`` builds a model instance per row and prepares every field of
every row; for millions of rows that is most of the time. Here the caller
gives the values of a few columns, already in database form (``str``,
``int``, ``Decimal``, ``None``; dates as ISO strings), with explicit ids so
that related rows can point at them without reading anything back; every
other column gets its model default, prepared once per batch.

``bulk_load`` is for the throw-away benchmark database only: on SQLite it
turns off fsync and the rollback journal's disk writes, drops the secondary
indexes and the search triggers of the tables being filled, and builds them
again (and the search index) once the rows are in — sorting once is far
cheaper than inserting each key into a B-tree.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.utils import timezone

from lexkeep.clients.search import drop_search_index, ensure_search_index

#: Rows per INSERT statement (fewer when a row has many columns).
ROWS_PER_STATEMENT = 500


def next_id(model: type[models.Model]) -> int:
    """Return the first free primary key of ``model``'s table."""
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


def _constant(field: models.Field[Any, Any], now: str) -> Any:
    """Return the database value of ``field`` for a row that does not give it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_db_prep_save(field.get_default(), connection)
    if field.null:
        return None
    if field.blank and isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """INSERT ``rows`` (values of ``fields``, in order) into ``model``'s table.

    Columns not named get their default; a required column without one is
    an error. Return the number of rows written.
    """
    meta = model._meta
    given: list[models.Field[Any, Any]] = [
        meta.get_field(name)  # type: ignore[misc]
        for name in fields
    ]
    names = {f.name for f in given}
    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    rest = [
        f for f in meta.concrete_fields if f.name not in names and not f.primary_key
    ]
    columns = [str(f.column) for f in [*given, *rest]]
    constants = tuple(_constant(f, now) for f in rest)
    limit = connection.features.max_query_params or 65535
    per_statement = max(1, min(ROWS_PER_STATEMENT, limit // len(columns)))
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 - model metadata only
        f"({', '.join(quote(c) for c in columns)}) VALUES "
    )
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    full = head + ", ".join([one_row] * per_statement)
    written = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, per_statement):
            params = list(
                itertools.chain.from_iterable(tuple(r) + constants for r in chunk)
            )
            sql = (
                full
                if len(chunk) == per_statement
                else head + ", ".join([one_row] * len(chunk))
            )
            cursor.execute(sql, params)
            written += len(chunk)
    return written


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _secondary_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    """Return ``(name, CREATE statement)`` of the droppable indexes of ``tables``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            f"AND sql IS NOT NULL AND tbl_name IN ({', '.join(['%s'] * len(tables))})",  # noqa: S608
            list(tables),
        )
        return [(name, sql) for name, sql in cursor.fetchall()]


@contextmanager
def bulk_load(tables: Sequence[Any]) -> Iterator[None]:
    """Fill ``tables`` fast; build their indexes and the search index after.

    Only for the benchmark database: SQLite skips fsync and keeps its
    rollback journal in memory while the block runs.
    """
    if connection.vendor != "sqlite":
        yield
        return
    names = [m._meta.db_table for m in tables]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=MEMORY")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-524288")  # 512 MiB
        cursor.execute("PRAGMA temp_store=MEMORY")
        indexes = _secondary_indexes(names)
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    drop_search_index()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)
        ensure_search_index()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA journal_mode=WAL")
