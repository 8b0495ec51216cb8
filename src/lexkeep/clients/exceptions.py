"""Errors of the clients app; the API maps each to its status code."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from lexkeep.core.exceptions import InvalidTransition


class SensitiveDataNotAllowed(PermissionDenied):
    """The user may not see this sensitive value unmasked (SPEC §6) → 403."""


class ConsentAlreadyWithdrawn(InvalidTransition):
    """A consent can be withdrawn only once (PIPL Art. 15) → 409."""

    def __init__(self) -> None:
        super().__init__(entity="consent", current="withdrawn", action="withdraw")
