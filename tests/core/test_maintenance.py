"""Daily database upkeep: the planner's statistics are gathered and kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from lexkeep.core.maintenance import database_optimize, refresh_statistics
from lexkeep.core.tasks import optimize_database_daily
from lexkeep.service.models import Notification

pytestmark = pytest.mark.django_db


def _has_statistics() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        )
        return cursor.fetchone() is not None


def test_sqlite_statistics_are_gathered_every_day(firm):
    if connection.vendor != "sqlite":
        assert database_optimize()["done"].startswith("nothing")
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert not _has_statistics()
    result = database_optimize()
    assert result["done"] == "analyze"
    assert int(result["tables"]) > 50
    assert _has_statistics()
    assert _stat("accounts_user")  # the firm's people
    assert database_optimize()["done"] == "analyze"


@pytest.fixture
def unread(firm) -> Iterator[str]:
    """1,500 unread notifications of one user, committed; yields the prefix of
    their (user, read_at) index. Afterwards none is left, nor statistics."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner statistics")
    Notification.objects.all().delete()
    Notification.objects.bulk_create(
        Notification(user=firm["partner"], kind="overdue", text=str(n))
        for n in range(1500)
    )
    yield "service_not_user_id_"
    Notification.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")


def _rows_and_per_user(index: str) -> list[str]:
    return _stat("service_notification", index).split()[:2]


@pytest.mark.django_db(transaction=True)
def test_statistics_are_exact_not_sampled(unread):
    """A column of three values read a thousand entries deep looks as
    selective as one of a thousand; the upkeep analyses every row, whatever
    ``analysis_limit`` the connection had."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit = 100")
    database_optimize()
    assert _rows_and_per_user(unread) == ["1500", "1500"]


def test_the_daily_task_runs_the_upkeep(firm):
    result = optimize_database_daily.call_local()
    assert result["database"] == connection.vendor


@pytest.mark.django_db(transaction=True)
def test_a_table_empty_at_the_first_analysis_is_analysed_once_it_fills(firm):
    """``ANALYZE`` records nothing for an empty table: the next day's
    upkeep (a worker's connection, which has not read the table) analyses
    it once it holds rows."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner statistics")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    Notification.objects.all().delete()
    assert database_optimize()["done"] == "analyze"
    assert not _stat("service_notification")
    Notification.objects.create(user=firm["partner"], kind="overdue", text="1")
    connection.close()  # the worker's connection has not read the table
    database_optimize()
    assert _stat("service_notification")
    with connection.cursor() as cursor:  # committed: leave no statistics behind
        cursor.execute("DROP TABLE sqlite_stat1")


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_replaces_sampled_statistics_at_once(unread):
    """Migration ``core 0003``: a database analysed by sampling gets exact
    statistics; one never analysed is left to the upkeep."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    with connection.schema_editor() as editor:
        refresh_statistics(editor)
    assert not _has_statistics()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit = 100")
        cursor.execute("ANALYZE service_notification")
    assert _rows_and_per_user(unread) != ["1500", "1500"]
    with connection.schema_editor() as editor:
        refresh_statistics(editor)
    assert _rows_and_per_user(unread) == ["1500", "1500"]


def _stat(table: str, index: str = "") -> str:
    """The statistics of ``table``'s first index named ``index…`` ("" if none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx LIKE %s ORDER BY idx",
            [table, f"{index}%"],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else ""
