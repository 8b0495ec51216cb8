"""Identifier validation (SPEC §2.3: GB 11643, GB 32100, phone numbers)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lexkeep.clients.validators import (
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)
from tests.clients.conftest import credit_code, resident_id


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Messages are checked by their English ids."""


VALID_ID = resident_id("11010119900307451")


def _message(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_valid_resident_id_is_canonicalised():
    assert validate_resident_id(f" {VALID_ID[:6]} {VALID_ID[6:]} ") == VALID_ID


def test_x_check_digit_is_accepted_in_either_case():
    # Find a body whose check digit is X.
    body = next(
        f"11010119900307{n:03d}"
        for n in range(1000)
        if resident_id(f"11010119900307{n:03d}").endswith("X")
    )
    number = resident_id(body)
    assert validate_resident_id(number.lower()) == number


def test_wrong_check_digit_is_refused_with_reason():
    wrong = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_resident_id(wrong)
    assert exc.value.code == "checksum"
    assert "check digit" in _message(exc)
    assert "resident ID" in _message(exc)


def test_impossible_birth_date_is_refused_with_reason():
    number = resident_id("11010119900230451")  # 30 February
    with pytest.raises(ValidationError) as exc:
        validate_resident_id(number)
    assert exc.value.code == "birth_date"
    assert "birth date" in _message(exc)


def test_future_birth_date_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_resident_id(resident_id("11010120990101451"))
    assert exc.value.code == "birth_date"


@pytest.mark.parametrize("value", ["11010119900307451", VALID_ID + "1", ""])
def test_wrong_length_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_resident_id(value)
    assert exc.value.code == "length"
    assert "18 characters" in _message(exc)


def test_letters_inside_are_refused():
    with pytest.raises(ValidationError) as exc:
        validate_resident_id("1101011990A307451" + "1")
    assert exc.value.code == "format"


def test_valid_credit_code():
    code = credit_code("91110000100000000")
    assert validate_credit_code(code.lower()) == code


def test_credit_code_wrong_check_character_is_refused():
    code = credit_code("91110000100000000")
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(wrong)
    assert exc.value.code == "checksum"
    assert "check character" in _message(exc)
    assert "credit code" in _message(exc)


def test_credit_code_with_forbidden_letter_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91110000100000000I")
    assert exc.value.code == "format"


def test_credit_code_length():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("9111000010000000")
    assert exc.value.code == "length"


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("010-12345678", "010-12345678"),
        ("0755 8888 1234", "0755-88881234"),
    ],
)
def test_valid_phone_numbers(value, canonical):
    assert validate_phone(value) == canonical


@pytest.mark.parametrize(
    "value", ["12345678", "1381234567", "not a phone", "+1 212 555 0100"]
)
def test_invalid_phone_numbers_are_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_phone(value)
    assert "phone number" in _message(exc)


def test_real_county_codes_missing_from_tables_are_accepted():
    """310115 (浦东新区) is real; only the province part is checked."""
    from stdnum.cn import ric

    body = "31011519900307451"
    number = body + ric.calc_check_digit(body + "0")
    assert validate_resident_id(number) == number


def test_unknown_province_is_refused():
    from stdnum.cn import ric

    body = "99010519900307451"
    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(ValidationError, match="region"):
        validate_resident_id(number)
