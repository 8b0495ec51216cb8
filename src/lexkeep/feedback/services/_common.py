"""Helpers shared by the feedback services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.feedback.models import Feedback, FeedbackEvent


def require_handler(actor: User) -> None:
    """Only client service and the director handle cases (SPEC §5)."""
    if not actor.has_perm("feedback.change_feedback"):
        raise PermissionDenied(
            _("Only client-service specialists and the director handle feedback.")
        )


def event_add(
    *,
    feedback: Feedback,
    action: str,
    at: dt.datetime,
    actor: User | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    detail: dict[str, Any] | None = None,
) -> FeedbackEvent:
    """Append one step to the case's history."""
    event = FeedbackEvent(
        feedback=feedback,
        action=action,
        at=at,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail=detail or {},
    )
    event.full_clean()
    event.save()
    return event
