"""Validation of what a complainant types (SPEC §5 web form)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from lexkeep.clients.validators import validate_phone


def validate_contact(value: str) -> str:
    """Return the normalised phone number or email address, or raise.

    A contact is either an email address (it has an ``@``) or a mainland
    China phone number (mobile, or landline with its area code), validated
    as everywhere else in Lexkeep (SPEC §2.3).
    """
    text = (value or "").strip()
    if not text:
        raise ValidationError(
            _("Give a phone number or an email address so we can reach you."),
            code="required",
        )
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(
                _("This is not a valid email address."), code="email"
            ) from None
        local, _sep, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}"
    try:
        return validate_phone(text)
    except ValidationError as exc:
        raise ValidationError(
            _(
                "This is neither an email address nor a valid phone number: "
                "give an 11-digit mobile number, a landline with its area code "
                "or an email address."
            ),
            code=exc.code or "invalid",
        ) from None


def mask_contact(value: str | None) -> str:
    """Return a contact with most of it hidden: 138****5678, z***@example.com."""
    if not value:
        return ""
    if "@" in value:
        local, _sep, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    digits = value.replace("-", "")
    if len(digits) <= 4:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"
