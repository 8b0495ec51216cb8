"""Background work of the feedback app: thin entry points calling services."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lexkeep.feedback.services.sweep import feedback_sweep


def sweep_feedback(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Flag missed feedback clocks and escalate them to the director (SPEC §5).

    Listed in ``lexkeep.core.sweeps.SWEEPS`` for ``lexkeep sweep``; set-based
    and idempotent (see ``services.sweep``). The clocks are instants, so
    only ``now`` matters; ``today`` is accepted for the registry's calling
    convention.
    """
    return feedback_sweep(now=now).as_dict()


@db_periodic_task(crontab(minute="*/10"))
def sweep_feedback_periodically() -> dict[str, int]:
    """Run the feedback sweep every 10 minutes, so a breach is seen within 10."""
    return sweep_feedback()
