"""Validators for the identifiers a client record holds (SPEC §2.3).

Bad input is refused with a message that names the field and the reason.
Each validator returns the canonical form to store: resident ID and credit
code upper-case without spaces; a mobile number as its 11 digits, a
landline as ``<area code>-<number>``.
"""

from __future__ import annotations

import datetime as dt

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

#: Province-level codes of GB/T 2260 (and 71 Taiwan, 81 Hong Kong, 82 Macao).
_PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)

#: A resident ID holder born before this year is not plausible.
_EARLIEST_BIRTH_YEAR = 1900


def validate_resident_id(value: str) -> str:
    """Return the canonical resident ID number or raise ``ValidationError``.

    GB 11643 (SPEC §2.3): 18 characters, the first 17 digits, the last a
    check digit (0-9 or X) computed with ISO 7064 MOD 11-2; characters 7-14
    are the birth date, which must be a real date not in the future; the
    first six are a region code.
    """
    number = "".join((value or "").split()).replace("-", "").upper()
    if len(number) != 18:
        raise ValidationError(
            _("The resident ID number must have 18 characters; it has %(n)d.")
            % {"n": len(number)},
            code="length",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("The resident ID number must be 17 digits followed by a digit or X."),
            code="format",
        )
    try:
        born = ric.get_birth_date(number)
    except StdnumError:
        raise ValidationError(
            _("The birth date in the resident ID number is not a valid date."),
            code="birth_date",
        ) from None
    if born.year < _EARLIEST_BIRTH_YEAR or born > timezone.localdate():
        raise ValidationError(
            _("The birth date in the resident ID number is not a valid date."),
            code="birth_date",
        )
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _("The check digit of the resident ID number is wrong."),
            code="checksum",
        )
    # Only the province part of the region code is checked: county codes
    # change over the years (e.g. 310115 浦东新区 is missing from some
    # tables) and a real person's number must never be refused for that.
    if number[:2] not in _PROVINCE_CODES:
        raise ValidationError(
            _("The region code of the resident ID number is unknown."),
            code="region",
        )
    return number


def birth_date_of(number: str) -> dt.date:
    """Return the birth date encoded in a valid resident ID number."""
    return ric.get_birth_date(number)


def validate_credit_code(value: str) -> str:
    """Return the canonical unified social credit code or raise.

    GB 32100 (SPEC §2.3): 18 characters from the code's alphabet (digits
    and upper-case letters without I, O, S, V, Z), the first eight digits,
    the last a check character.
    """
    code = "".join((value or "").split()).replace("-", "").upper()
    if len(code) != 18:
        raise ValidationError(
            _("The unified social credit code must have 18 characters; it has %(n)d.")
            % {"n": len(code)},
            code="length",
        )
    try:
        uscc.validate(code)
    except StdnumError as exc:
        if type(exc).__name__ == "InvalidChecksum":
            raise ValidationError(
                _("The check character of the unified social credit code is wrong."),
                code="checksum",
            ) from None
        raise ValidationError(
            _(
                "The unified social credit code contains characters it may not "
                "have (letters I, O, S, V, Z are never used)."
            ),
            code="format",
        ) from None
    return code


_ACCEPTED_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def validate_phone(value: str) -> str:
    """Return the canonical phone number or raise ``ValidationError``.

    SPEC §2.3: a mainland China mobile number (11 digits) or a landline
    with its area code (e.g. 010-12345678); ``+86`` is accepted.
    """
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("The phone number is required."), code="required")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("The phone number is not a phone number."), code="format"
        ) from None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "The phone number is not a valid mainland China number: give an "
                "11-digit mobile number or a landline with its area code."
            ),
            code="invalid",
        )
    if phonenumbers.number_type(number) not in _ACCEPTED_PHONE_TYPES:
        raise ValidationError(
            _("The phone number must be a mobile number or a landline."),
            code="type",
        )
    national = str(number.national_number)
    area = phonenumbers.length_of_geographical_area_code(number)
    if (
        phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        or not area
    ):
        return national
    return f"0{national[:area]}-{national[area:]}"
