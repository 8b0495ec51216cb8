"""Background work of the service app: thin entry points calling services."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lexkeep.service.services import sweep as engine
from lexkeep.service.services.documents import duty_documents_draft_pending

#: Documents drafted per background run; the rest wait for the next run.
DRAFTS_PER_RUN = 50


def sweep_duties(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Derive and check every service duty (registered in ``core.sweeps``)."""
    return engine.sweep_duties(today=today, now=now)


@db_periodic_task(crontab(minute="*/30"))
def sweep_duties_periodically() -> dict[str, int]:
    """Derive and check the service duties every 30 minutes (SPEC §2.2, §4)."""
    return sweep_duties()


@db_periodic_task(crontab(minute="15"))
def draft_duty_documents() -> int:
    """Draft the service reports and fee statements owed duties still lack."""
    return duty_documents_draft_pending(limit=DRAFTS_PER_RUN)
