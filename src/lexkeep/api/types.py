"""Bounded types of the API's query and path parameters.

A value outside these bounds is refused with a 422 naming the field before
any query runs: an id no database column can hold, a date no calendar
arithmetic survives, a search longer than the search itself reads. The
bounds show in the OpenAPI schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import Choices
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, ValidationInfo, WithJsonSchema, field_validator

#: Largest value of a 64-bit primary key (PostgreSQL ``bigint``, SQLite integer).
MAX_ID = 2**63 - 1

#: Longest free-text search accepted (the search reads this much of it).
MAX_SEARCH = 200

#: The calendar the API accepts: wide enough for any real date, narrow enough
#: that a year or a quarter either side of it is still a date.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)

#: A row's id.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

#: A calendar day within :data:`FIRST_DAY` … :data:`LAST_DAY`.
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]

#: A calendar year within the same range.
Year = Annotated[int, Field(ge=FIRST_DAY.year, le=LAST_DAY.year)]

#: Free-text search: any part of a name, number or code.
Search = Annotated[str, Field(max_length=MAX_SEARCH)]

#: A short code or key named in a query or path (an archive number, a quarter).
Code = Annotated[str, Field(max_length=64)]


def listed(choices: type[Choices]) -> WithJsonSchema:
    """Return the OpenAPI schema of a choice field: its values, inline.

    Inline rather than a shared component: two choice classes of the same
    name (a matter's ``Status`` and a feedback case's) would otherwise
    overwrite each other in the schema. Use it as ``Annotated[Matter.Status,
    listed(Matter.Status)]``.
    """
    return WithJsonSchema({"type": "string", "enum": [str(v) for v in choices.values]})


class Filters(Schema):
    """Base of the list filters: choices arrive as their plain values."""

    model_config = ConfigDict(use_enum_values=True)


def not_before(start: str, end: str) -> Any:
    """Return a validator refusing an ``end`` day earlier than ``start``.

    Use it in a :class:`Filters` body as ``_range = not_before("since",
    "until")``; ``start`` must be declared before ``end``. The error names
    ``end``.
    """

    def check(cls: type, value: dt.date | None, info: ValidationInfo) -> Any:
        begin = info.data.get(start)
        if value is not None and begin is not None and value < begin:
            raise ValueError(
                _("%(end)s must not be before %(start)s.")
                % {"end": end, "start": start}
            )
        return value

    return field_validator(end)(check)  # type: ignore[arg-type]
