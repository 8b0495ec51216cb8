"""SQL building blocks of the sweep: INSERT … SELECT and day arithmetic.

The sweep writes its rows with one ``INSERT … SELECT`` per rule; the dates,
period keys and statuses of the new duties are computed by the database,
never row by row in Python. The few fragments that differ between SQLite
and PostgreSQL live here.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import DateField, Expression, Func, Model, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from lexkeep.core.maintenance import has_statistics
from lexkeep.service.choices import DutyStatus


@contextmanager
def page_cache(kib: int) -> Iterator[None]:
    """Give this SQLite connection a page cache of ``kib`` KiB meanwhile.

    A no-op on other databases (PostgreSQL's cache is the server's).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


@contextmanager
def references_by_construction() -> Iterator[None]:
    """Skip SQLite's per-row foreign key lookups meanwhile.

    Every reference the sweep writes is read, in the same statement, from
    the row it points to (a client's id from the clients, its owner from
    the client, a contact's id from the contacts), and SQLite admits one
    writer at a time, so no transaction can delete that row in between:
    each row written satisfies its foreign keys by construction. Checking
    them again cost a third of a first sweep's writing (four to seven
    lookups per duty). Set outside the sweep's transaction (SQLite ignores
    the pragma inside one, so a sweep nested in another transaction checks
    as usual) and restored after it, failed or not. PostgreSQL always
    checks.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.constraint_checks_disabled():
        yield


@contextmanager
def indexes_built_after(table: str, *, keep: Collection[str]) -> Iterator[None]:
    """Drop ``table``'s indexes but ``keep`` meanwhile; build them again after.

    For filling an empty table in one transaction (a first sweep): an
    index built once over the finished table is one sorted pass and packs
    its pages full, where every row inserted into it costs a walk down the
    tree to a page at random and leaves pages half full. SQLite only: its
    DDL is transactional, so if the body fails the rollback restores every
    index, and no other connection ever sees the table without them. Only
    inside a transaction. The indexes are built again in the order they
    had, after the ones kept, and their planner statistics are put back as
    they were. (Between two indexes that serve a lookup alike, SQLite takes
    the one created last: the sweep's plan tests run in both orders.) A
    no-op on other databases.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes are dropped only inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = %s AND sql IS NOT NULL ORDER BY rowid",
            [table],
        )
        # A unique index is never dropped: it is a rule of the data, which
        # rows written meanwhile must keep.
        dropped = [
            (name, create)
            for name, create in cursor.fetchall()
            if name not in keep and not create.upper().startswith("CREATE UNIQUE")
        ]
        statistics: list[tuple[Any, ...]] = []
        if dropped and has_statistics(cursor):
            marks = ", ".join("%s" for _index in dropped)
            cursor.execute(
                f"SELECT tbl, idx, stat FROM sqlite_stat1 WHERE idx IN ({marks})",  # noqa: S608 - placeholders only
                [name for name, _create in dropped],
            )
            statistics = list(cursor.fetchall())
        for name, _create in dropped:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, create in dropped:
            cursor.execute(create)
        if statistics:
            cursor.executemany(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
                statistics,
            )
            # The planner read the statistics with the schema: reload them.
            cursor.execute("ANALYZE sqlite_master")


def index_on(model: type[Model], *fields: str) -> str:
    """Return the name of ``model``'s index on exactly ``fields``."""
    for index in model._meta.indexes:
        if tuple(index.fields) == fields:
            return str(index.name)
    raise LookupError(f"{model.__name__} has no index on {fields}")


def quote(name: str) -> str:
    return str(connection.ops.quote_name(name))


def indexed_by(select_sql: str, table: str, index: str) -> str:
    """Have SQLite read ``table`` through ``index`` in ``select_sql``.

    For a statement whose best plan the statistics do not reliably give:
    sampled ones (``analysis_limit``, a thousand rows per index) make a
    column of three values look as selective as one of a thousand.
    Unchanged on other databases. SQLite refuses the statement if the
    index cannot serve it, so a renamed index fails loudly, not slowly.
    """
    if connection.vendor != "sqlite":
        return select_sql
    head = f"FROM {quote(table)} "
    if head not in select_sql:
        raise ValueError(f"{table} is not read in this statement")
    return select_sql.replace(head, f"{head}INDEXED BY {quote(index)} ", 1)


def compiled(qs: QuerySet[Any]) -> tuple[str, list[Any]]:
    """Return the SQL and parameters of ``qs``."""
    sql, params = qs.query.sql_with_params()
    return str(sql), list(params)


def date_param(day: dt.date | None) -> Any:
    return connection.ops.adapt_datefield_value(day)


def datetime_param(moment: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


@cache
def _fixed_offset(zone_name: str) -> int | None:
    """Return the zone's UTC offset in seconds if it is the same 1992–2100.

    Checked month by month; ``None`` for zones with daylight saving time or
    a change of offset in that range.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    offsets = {
        zone.utcoffset(dt.datetime(year, month, 15, 12))  # noqa: DTZ001 - asks the zone
        for year in range(1992, 2101)
        for month in range(1, 13)
    }
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return None if offset is None else int(offset.total_seconds())


def local_date(expression: Expression | str) -> Expression:
    """Return the firm-local calendar date of the UTC datetime ``expression``.

    On SQLite, in a zone with a fixed offset (Asia/Shanghai), a plain
    ``date(x, '+28800 seconds')``: Django's per-row Python conversion costs
    more than the rest of a sweep's lookups.
    """
    zone = timezone.get_current_timezone()
    if connection.vendor == "sqlite":
        offset = _fixed_offset(str(zone))
        if offset is not None:
            # A literal modifier (an int), so SQLite sees a constant expression.
            return Func(
                expression,
                template=f"date(%(expressions)s, '{offset:+d} seconds')",
                output_field=DateField(),
            )
    return TruncDate(expression, tzinfo=zone)


def add_days(sql: str, days: int) -> str:
    """Return SQL for the date ``sql`` plus ``days`` calendar days."""
    days = int(days)
    if connection.vendor == "sqlite":
        return f"date({sql}, '{days:+d} days')"
    return f"({sql} + {days})"


def date_text(sql: str) -> str:
    """Return SQL for the date ``sql`` written as ``YYYY-MM-DD``."""
    if connection.vendor == "sqlite":
        return f"date({sql})"
    return f"to_char({sql}, 'YYYY-MM-DD')"


def int_text(sql: str) -> str:
    return f"CAST({sql} AS TEXT)"


def status_by_due(due_sql: str, today: dt.date) -> tuple[str, list[Any]]:
    """Return SQL choosing ``overdue`` for a due date before ``today``, else ``open``.

    A duty derived late (its window already over) is overdue from birth,
    so no second pass has to rewrite it.
    """
    return (
        f"CASE WHEN {due_sql} < %s THEN %s ELSE %s END",
        [date_param(today), DutyStatus.OVERDUE.value, DutyStatus.OPEN.value],
    )


def overdue_stamp(
    due_sql: str, today: dt.date, stamp: dt.datetime | None
) -> tuple[str, list[Any]]:
    """Return SQL for the overdue reminder's time of a duty derived now.

    ``stamp`` for a duty derived overdue (the due date is before ``today``)
    when the caller reminds in the same transaction (the sweep), else NULL.
    """
    if stamp is None:
        return "NULL", []
    return (
        f"CASE WHEN {due_sql} < %s THEN %s ELSE NULL END",
        [date_param(today), datetime_param(stamp)],
    )


def insert_duties(
    columns: Sequence[str],
    select_sql: str,
    params: Sequence[Any],
    *,
    cte: str = "",
    cte_params: Sequence[Any] = (),
) -> int | None:
    """Insert the rows of ``select_sql`` as duties, ignoring live duplicates.

    ``cte`` (``name AS MATERIALIZED (…)``) is evaluated once before the
    select, so the correlated lookups it holds run once per row however
    often the select refers to their results. Return the number of rows
    written, or ``None`` with a ``cte``: the driver's row count is not
    reliable for a statement that starts with ``WITH``.
    """
    from lexkeep.service.models import Duty

    table = quote(Duty._meta.db_table)
    cols = ", ".join(quote(c) for c in columns)
    head = f"WITH {cte} " if cte else ""
    if connection.vendor == "sqlite":
        sql = f"{head}INSERT OR IGNORE INTO {table} ({cols}) {select_sql}"
    else:
        sql = f"{head}INSERT INTO {table} ({cols}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*cte_params, *params])
        written = cursor.rowcount
    return None if cte or written < 0 else int(written)
