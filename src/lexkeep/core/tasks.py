"""Background upkeep of the core app: thin entry points calling services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lexkeep.core.maintenance import database_optimize


@db_periodic_task(crontab(hour=4, minute=10))
def optimize_database_daily() -> dict[str, str]:
    """Refresh the query planner's statistics once a day, at night."""
    return database_optimize()
