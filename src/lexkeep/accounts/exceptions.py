"""Errors raised by account services."""

from django.core.exceptions import ValidationError


class AccountError(ValidationError):
    """An account operation was refused; the message says which field and why."""
