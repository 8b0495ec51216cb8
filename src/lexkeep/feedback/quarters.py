"""Quarter codes (``2026Q4``) of the quarterly summary (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: A quarter code; years 1900–2999, so the quarters either side are dates too.
QUARTER_RE = re.compile(r"^((?:19|2\d)\d\d)Q([1-4])$")


def quarter_parse(value: str) -> tuple[int, int]:
    """Return ``(year, quarter)`` of a code like ``2026Q4``, or raise."""
    match = QUARTER_RE.match((value or "").strip().upper())
    if not match:
        raise ValidationError(
            {"quarter": [_("Give the quarter as YYYYQn, e.g. 2026Q4.")]}
        )
    return int(match.group(1)), int(match.group(2))


def quarter_of(day: dt.date) -> str:
    """Return the quarter code of ``day``: 2026-11-03 → ``2026Q4``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_shift(quarter: str, steps: int) -> str:
    """Return the quarter ``steps`` quarters after (or before) ``quarter``."""
    year, number = quarter_parse(quarter)
    index = year * 4 + (number - 1) + steps
    return f"{index // 4}Q{index % 4 + 1}"
