"""Daily database upkeep: the planner's statistics are gathered and kept."""

from __future__ import annotations

import pytest
from django.db import connection

from lexkeep.core.maintenance import database_optimize
from lexkeep.core.tasks import optimize_database_daily
from lexkeep.service.models import Notification

pytestmark = pytest.mark.django_db


def _has_statistics() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        )
        return cursor.fetchone() is not None


def test_sqlite_statistics_are_gathered_once_then_optimized(firm):
    if connection.vendor != "sqlite":
        assert database_optimize()["done"].startswith("nothing")
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert not _has_statistics()
    assert database_optimize() == {"database": "sqlite", "done": "analyze"}
    assert _has_statistics()
    assert database_optimize() == {"database": "sqlite", "done": "optimize"}


def test_the_daily_task_runs_the_upkeep(firm):
    result = optimize_database_daily.call_local()
    assert result["database"] == connection.vendor


@pytest.mark.django_db(transaction=True)
def test_a_table_empty_at_the_first_analysis_is_analysed_once_it_fills(firm):
    """``ANALYZE`` records nothing for an empty table, and ``PRAGMA optimize``
    revisits only what the connection's own queries used: the daily upkeep
    (a worker's connection) analyses such a table once it holds rows."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner statistics")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    Notification.objects.all().delete()
    assert database_optimize()["done"] == "analyze"
    assert not _analysed("service_notification")
    Notification.objects.create(user=firm["partner"], kind="overdue", text="1")
    connection.close()  # the worker's connection has not read the table
    result = database_optimize()
    assert "service_notification" in result["analysed"].split(", ")
    assert _analysed("service_notification")
    connection.close()
    assert "analysed" not in database_optimize()
    with connection.cursor() as cursor:  # committed: leave no statistics behind
        cursor.execute("DROP TABLE sqlite_stat1")


def _analysed(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone() is not None
