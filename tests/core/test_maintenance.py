"""Daily database upkeep: the planner's statistics are gathered and kept."""

from __future__ import annotations

import pytest
from django.db import connection

from lexkeep.core.maintenance import database_optimize
from lexkeep.core.tasks import optimize_database_daily

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
