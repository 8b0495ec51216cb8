"""Signal receivers: only audit logging of auth events, no business logic.

Sign-ins, sign-outs and failed sign-ins go to the audit log (SPEC §6 access
log); changes to the firm holiday table only drop cached calendars.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from lexkeep.core.audit import audit_log
from lexkeep.core.models import FirmHoliday
from lexkeep.core.workdays import invalidate_calendar_cache


@receiver(user_logged_in, dispatch_uid="lexkeep.core.audit_login")
def audit_login(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """Log a successful sign-in (SPEC §6 access log)."""
    audit_log(action="auth.login", actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="lexkeep.core.audit_logout")
def audit_logout(
    sender: Any,
    request: HttpRequest | None,
    user: AbstractBaseUser | None,
    **kwargs: Any,
) -> None:
    """Log a sign-out (SPEC §6 access log)."""
    audit_log(action="auth.logout", actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="lexkeep.core.audit_login_failed")
def audit_login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """Log a failed sign-in with the attempted username only, never the password."""
    username = credentials.get(get_user_model().USERNAME_FIELD, "")
    audit_log(
        action="auth.login_failed",
        actor_label=username if isinstance(username, str) else "",
        request=request,
    )


@receiver(post_save, sender=FirmHoliday, dispatch_uid="lexkeep.core.holiday_saved")
@receiver(post_delete, sender=FirmHoliday, dispatch_uid="lexkeep.core.holiday_gone")
def firm_calendar_changed(sender: Any, **kwargs: Any) -> None:
    """Drop the cached firm calendar so working days are recomputed."""
    invalidate_calendar_cache()
