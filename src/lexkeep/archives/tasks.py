"""Background work of the archives: thin entry points calling services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lexkeep.archives.choices import OcrStatus
from lexkeep.archives.fixity import fixity_run
from lexkeep.archives.models import FixityRun, Material
from lexkeep.archives.services import archive_policy, archive_sweep


def sweep_archives(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Flag late collections and remind the handling lawyers (SPEC §7.1).

    Listed in ``lexkeep.core.sweeps.SWEEPS`` for ``lexkeep sweep``.
    """
    day = today or (timezone.localdate(now) if now else timezone.localdate())
    return {"late_flagged": archive_sweep(today=day)}


@db_periodic_task(crontab(hour=7, minute=30))
def sweep_archives_daily() -> dict[str, Any]:
    """Run the archive sweep every morning."""
    return sweep_archives()


def fixity_due(now: dt.datetime | None = None) -> bool:
    """Return whether the interval since the last fixity run has passed."""
    now = now or timezone.now()
    last = FixityRun.objects.order_by("-started_at").first()
    interval = dt.timedelta(days=archive_policy().fixity_interval_days)
    return last is None or now - last.started_at >= interval - dt.timedelta(hours=1)


@db_periodic_task(crontab(hour=3, minute=30))
def fixity_scheduled() -> int | None:
    """Re-hash every stored file once per interval (weekly by default, SPEC §7.3)."""
    if not fixity_due():
        return None
    return fixity_run(trigger="schedule").pk


@db_task()
def ocr_material(material_id: int) -> str:
    """Extract the text of a material's scan, stored encrypted (optional OCR)."""
    from lexkeep.archives.services.ocr import material_ocr

    material = Material.objects.filter(pk=material_id).first()
    if material is None or material.ocr_status != OcrStatus.PENDING:
        return "skipped"
    with transaction.atomic():
        return material_ocr(material=material)
