"""Reading in-app notifications."""

from __future__ import annotations

from django.utils import timezone

from lexkeep.accounts.models import User
from lexkeep.service.models import Notification


def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark ``user``'s notification ``pk`` (or all of them) read; return how many."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
