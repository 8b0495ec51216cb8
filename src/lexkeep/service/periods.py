"""Periods and due dates of service duties: the exact boundaries (SPEC §2.2, §4).

All days are calendar days in the firm's zone (a contact counts on the
local date of ``occurred_at``). A duty is owed over a window
``[period_start, due_date]``, both days included; on ``due_date + 1`` an
unfulfilled duty is overdue.

* **Every N days** (strategic/key "at least every 2 weeks" = 14, ordinary
  weekly progress = 7): counted from the last satisfying contact on day 0.
  The next duty runs from day 1 to day N: a contact on day N is on time,
  on day N + 1 the duty is overdue. When there is no contact yet, day 0 is
  the day the client entered its tier (or the matter was opened) and the
  window runs from that day. A late contact still satisfies the overdue
  duty (done late) and restarts the clock from its own day.
* **Calendar month / quarter / year**: the window is the whole calendar
  period (1 January–31 March, …); the duty falls due on the period's last
  day (28 or 29 February, 30 April, 31 December). Only a contact inside the
  period satisfies it: a meeting on 1 March does not make up for February.
  A client who enters a tier mid-period owes that period's duty.
* **Events** (SPEC §4 "before filing suit", "before each hearing", "after
  judgment"): the duty is due ``offset_days`` after the event date
  (defaults: filing −1, hearing −1, judgment +3: the risk notice and the
  time confirmation by the day before, the explanation within 3 days
  after). The window opens ``window_days`` before the due date, or, with 0,
  on the matter's engagement start. A late contact satisfies it (late).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from lexkeep.service.choices import Cadence


@dataclass(frozen=True)
class Period:
    """A duty's window and the key that makes it unique per rule and client."""

    key: str
    start: dt.date
    due: dt.date


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first and last day of ``day``'s calendar month."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first and last day of ``day``'s calendar quarter."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + 2
    return start, dt.date(
        day.year, end_month, calendar.monthrange(day.year, end_month)[1]
    )


def year_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Return 1 January and 31 December of ``day``'s year."""
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def calendar_period(cadence: str, day: dt.date, *, matter_id: int = 0) -> Period:
    """Return the calendar period of ``cadence`` that contains ``day``."""
    if cadence == Cadence.MONTH:
        start, end = month_bounds(day)
        label = f"{day:%Y-%m}"
    elif cadence == Cadence.QUARTER:
        start, end = quarter_bounds(day)
        label = f"{day.year}Q{(day.month - 1) // 3 + 1}"
    elif cadence == Cadence.YEAR:
        start, end = year_bounds(day)
        label = f"{day.year}"
    else:
        raise ValueError(f"not a calendar cadence: {cadence}")
    return Period(key=f"{matter_id}:{label}", start=start, due=end)


def rolling_period(
    *, anchor: dt.date, interval_days: int, from_contact: bool, matter_id: int = 0
) -> Period:
    """Return the next every-N-days window after ``anchor`` (day 0).

    After a satisfying contact on day 0 the window is days 1…N; when the
    anchor is the day the client entered its tier (no contact yet), the
    window is days 0…N. Either way the duty is due on day N.
    """
    start = anchor + dt.timedelta(days=1) if from_contact else anchor
    due = anchor + dt.timedelta(days=interval_days)
    return Period(key=f"{matter_id}:{start.isoformat()}", start=start, due=due)


def event_period(
    *,
    event: str,
    event_on: dt.date,
    offset_days: int,
    window_days: int,
    engagement_start: dt.date,
    matter_id: int,
    hearing_id: int | None = None,
) -> Period:
    """Return the window of an event duty (filing, hearing, judgment)."""
    due = event_on + dt.timedelta(days=offset_days)
    start = due - dt.timedelta(days=window_days) if window_days else engagement_start
    start = min(start, due)
    ref = f"{event}:{hearing_id}" if hearing_id is not None else event
    return Period(key=f"{matter_id}:{ref}:{event_on.isoformat()}", start=start, due=due)


def week_end(day: dt.date) -> dt.date:
    """Return the Sunday of ``day``'s week (Monday–Sunday, as in China)."""
    return day + dt.timedelta(days=6 - day.weekday())
