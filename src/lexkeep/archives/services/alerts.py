"""Archive alerts read by their recipient (late collection, fixity, sync …).

An alert belongs to the one user it was sent to: only they may mark it
read. Marking is idempotent — a read alert keeps the time it was first read.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.archives.models import ArchiveAlert
from lexkeep.archives.services._common import require


def alert_mark_read(*, actor: User, alert: ArchiveAlert) -> ArchiveAlert:
    """Mark ``alert`` read (its recipient only)."""
    require(
        actor.is_active and alert.recipient_id == actor.pk,
        _("Only the recipient may mark this alert read."),
    )
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
    return alert


def alert_mark_all_read(*, actor: User) -> int:
    """Mark every unread alert of ``actor`` read; return how many were."""
    require(actor.is_active, _("Only the recipient may mark this alert read."))
    return ArchiveAlert.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
