"""Background work of the clients app: thin entry points calling services."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lexkeep.clients.services.tiers import tier_recompute_all


@db_periodic_task(crontab(hour=2, minute=0))
def recompute_tiers_nightly() -> int:
    """Recompute every client's tier from the last 12 months' fees (SPEC §2.1)."""
    return tier_recompute_all(today=timezone.localdate())
