"""Errors of the feedback app."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lexkeep.core.exceptions import InvalidTransition


class ExtensionNotAllowed(InvalidTransition):
    """The reply deadline can no longer be extended (the API answers 409)."""

    def __init__(self, *, current: str, message: str) -> None:
        super().__init__(entity="feedback", current=current, action="extend")
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0])


class RateLimited(Exception):
    """Too many public submissions from one address; try again later."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            _("Too many submissions from your address. Please try again later.")
        )


class SpamRejected(Exception):
    """A public submission filled the honeypot field that people never see."""
