"""The firm's working-day calendar (SPEC glossary "working day").

Every SLA the standard states in working days (SPEC §2.4, §5, §7.1) is
computed here. A date is resolved in this order:

1. the firm's own table (:class:`~lexkeep.core.models.FirmHoliday`): a row
   for the date overrides everything below;
2. the statutory calendar of the ``chinese_calendar`` package (official
   holidays and 调休 make-up working weekends), for the years it covers;
3. otherwise Monday to Friday are working days; a warning is logged once per
   year and process so the firm knows to enter that year's schedule.

Counting convention, used by every function here: the start date never
counts. ``add_working_days(d, 3)`` is the third working day after ``d``;
``working_days_between(a, b)`` counts the working days in ``(a, b]``.

The module-level functions load the firm table with one query per call.
A sweep over many records wraps its loop in :func:`calendar_scope`, which
loads the table once and serves every call inside the block from memory.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

import chinese_calendar
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.core.audit import audit_log
from lexkeep.core.models import FirmHoliday

if TYPE_CHECKING:
    from lexkeep.accounts.models import User

logger = logging.getLogger(__name__)

_ONE_DAY = dt.timedelta(days=1)
_warned_years: set[int] = set()
_warned_lock = threading.Lock()
_active: ContextVar[WorkingCalendar | None] = ContextVar(
    "lexkeep_working_calendar", default=None
)


@functools.cache
def statutory_years() -> tuple[int, int]:
    """Return the first and last year the statutory calendar package covers."""
    return min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year


def statutory_covers(year: int) -> bool:
    """Whether the statutory calendar package has ``year``'s schedule."""
    first, last = statutory_years()
    return first <= year <= last


#: From this month on, next year's schedule is due: the State Council
#: publishes it in the autumn, and a deadline set in December may run into
#: January.
NEXT_YEAR_FROM_MONTH = 11

#: Days off a year's official schedule holds at least: the public holidays
#: themselves (13 since 2025), before the weekends joined to them. Fewer
#: entered holidays are the firm's own days, not the schedule.
SCHEDULE_HOLIDAYS_AT_LEAST = 13


def years_to_enter(today: dt.date) -> list[int]:
    """Return the years whose holidays the firm still has to enter.

    This year, and from November the next, when the statutory calendar
    does not cover it and the firm table holds fewer holidays in it than
    any official schedule: until then Monday to Friday count as working
    days there, which puts a deadline across a Spring Festival or a New
    Year's Day wrong. One query.
    """
    years = [today.year]
    if today.month >= NEXT_YEAR_FROM_MONTH:
        years.append(today.year + 1)
    uncovered = [y for y in years if not statutory_covers(y)]
    if not uncovered:
        return []
    entered = dict(
        FirmHoliday.objects.filter(
            kind=FirmHoliday.Kind.HOLIDAY, date__year__in=uncovered
        )
        .values_list("date__year")
        .annotate(days=Count("pk"))
        .order_by()
    )
    return [y for y in uncovered if entered.get(y, 0) < SCHEDULE_HOLIDAYS_AT_LEAST]


def _warn_uncovered(year: int) -> None:
    with _warned_lock:
        if year in _warned_years:
            return
        _warned_years.add(year)
    first, last = statutory_years()
    logger.warning(
        "No statutory holiday calendar for %d (chinese_calendar covers %d-%d): "
        "dates not in the firm holiday table count Monday to Friday as working "
        "days. Enter the official %d schedule in the firm holiday table.",
        year,
        first,
        last,
        year,
    )


class WorkingCalendar:
    """Answer working-day questions from one snapshot of the firm's table.

    Build it with :meth:`from_db` (loads lazily, one query) or directly from
    a mapping ``{date: FirmHoliday.Kind}`` (no database; used in tests).
    """

    def __init__(self, overrides: Mapping[dt.date, str] | None = None) -> None:
        self._from_db = overrides is None
        self._overrides: dict[dt.date, str] | None = (
            None if overrides is None else dict(overrides)
        )

    @classmethod
    def from_db(cls) -> WorkingCalendar:
        """Return a calendar reading the firm holiday table on first use."""
        return cls()

    def invalidate(self) -> None:
        """Forget the loaded firm table so the next question reloads it."""
        if self._from_db:
            self._overrides = None

    @property
    def overrides(self) -> dict[dt.date, str]:
        """Return the firm's own days, ``{date: kind}``, loading them once."""
        if self._overrides is None:
            self._overrides = dict(FirmHoliday.objects.values_list("date", "kind"))
        return self._overrides

    def is_working_day(self, d: dt.date) -> bool:
        """Return True if the firm works on ``d`` (SPEC glossary "working day").

        Firm table first, then the statutory calendar (holidays and 调休
        make-up days), then Monday to Friday for years neither covers.
        """
        kind = self.overrides.get(d)
        if kind is not None:
            return kind == FirmHoliday.Kind.WORKDAY
        if statutory_covers(d.year):
            if d in chinese_calendar.workdays:
                return True
            if d in chinese_calendar.holidays:
                return False
        else:
            _warn_uncovered(d.year)
        return d.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """Return the ``n``-th working day after ``start``; ``start`` never counts.

        ``n < 0`` counts backwards: the ``|n|``-th working day before
        ``start``. ``n == 0`` returns ``start`` itself, working day or not,
        so that ``working_days_between(start, add_working_days(start, n)) == n``
        for every ``n >= 0``; use :meth:`next_working_day` to move off a
        non-working day.
        """
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        d = start
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Return the number of working days in ``(start, end]``.

        Antisymmetric: if ``end < start`` the result is
        ``-working_days_between(end, start)``. Additive: between(a, b) +
        between(b, c) == between(a, c).
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        d = start
        while d < end:
            d += _ONE_DAY
            if self.is_working_day(d):
                count += 1
        return count

    def next_working_day(self, d: dt.date) -> dt.date:
        """Return the first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def deadline_at(self, received: dt.datetime, working_days: int) -> dt.datetime:
        """Return the end of the firm-local day ``working_days`` after ``received``.

        The day of receipt never counts, in the firm's zone
        (``settings.TIME_ZONE``): feedback received on Friday evening with
        "reply within 3 working days" (SPEC §5) is due at 23:59:59.999999 on
        the following Wednesday in an ordinary week. ``received`` must be
        aware.
        """
        if timezone.is_naive(received):
            raise ValueError("deadline_at() needs an aware datetime")
        zone = timezone.get_default_timezone()
        local_day = received.astimezone(zone).date()
        due = self.add_working_days(local_day, working_days)
        return dt.datetime.combine(due, dt.time.max, tzinfo=zone)


def _calendar() -> WorkingCalendar:
    active = _active.get()
    return active if active is not None else WorkingCalendar.from_db()


@contextmanager
def calendar_scope() -> Iterator[WorkingCalendar]:
    """Serve every working-day question in the block from one table load.

    For sweeps over many records: one query for the whole block instead of
    one per call. A change to the firm table inside the block (same thread)
    invalidates the snapshot through the ``FirmHoliday`` signals.
    """
    outer = _active.get()
    if outer is not None:
        yield outer
        return
    calendar = WorkingCalendar.from_db()
    token = _active.set(calendar)
    try:
        yield calendar
    finally:
        _active.reset(token)


def invalidate_calendar_cache() -> None:
    """Drop the firm-table snapshot of the active :func:`calendar_scope`, if any."""
    active = _active.get()
    if active is not None:
        active.invalidate()


def is_working_day(d: dt.date) -> bool:
    """Return True if ``d`` is a working day of the firm (SPEC glossary)."""
    return _calendar().is_working_day(d)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """Return the ``n``-th working day after ``start`` (start never counts).

    Negative ``n`` counts backwards; ``n == 0`` returns ``start`` unchanged.
    See :meth:`WorkingCalendar.add_working_days`.
    """
    return _calendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Return the working days in ``(start, end]``, negative if ``end < start``."""
    return _calendar().working_days_between(start, end)


def next_working_day(d: dt.date) -> dt.date:
    """Return the first working day strictly after ``d``."""
    return _calendar().next_working_day(d)


def deadline_at(received: dt.datetime, working_days: int) -> dt.datetime:
    """Return the end of the firm-local day ``working_days`` after ``received``.

    E.g. "reply with a solution within 3 working days" (SPEC §5); see
    :meth:`WorkingCalendar.deadline_at`.
    """
    return _calendar().deadline_at(received, working_days)


def _require_director(actor: User) -> None:
    if not actor.has_role("director"):
        raise PermissionDenied(_("Only the director may change the firm calendar."))


@transaction.atomic
def firm_holiday_set(
    *, date: dt.date, kind: str, name: str, actor: User
) -> FirmHoliday:
    """Record that the firm is off (or works a make-up day) on ``date``.

    Only the director edits the firm calendar; the row overrides the
    statutory calendar for that date (SPEC glossary "working day"). The
    change is written to the audit log.
    """
    _require_director(actor)
    holiday = FirmHoliday.objects.filter(date=date).first()
    previous = None
    if holiday is None:
        holiday = FirmHoliday(date=date)
    else:
        previous = {"kind": holiday.kind, "name": holiday.name}
    holiday.kind = kind
    holiday.name = name
    holiday.created_by = actor
    holiday.full_clean()
    holiday.save()
    audit_log(
        action="calendar.holiday_set",
        actor=actor,
        object_type="core.firmholiday",
        object_id=date.isoformat(),
        detail={"kind": kind, "name": name, "previous": previous},
    )
    return holiday


#: The longest run of days entered at once (a month).
MAX_RUN_DAYS = 31


@transaction.atomic
def firm_holidays_set(
    *, start: dt.date, end: dt.date, kind: str, name: str, actor: User
) -> list[FirmHoliday]:
    """Record every day from ``start`` to ``end`` (both included) alike.

    A published schedule is a few runs of days (the Spring Festival's
    seven, National Day's eight), entered a run at a time. Each day is set
    and audited as by :func:`firm_holiday_set`; all or none are saved.
    """
    _require_director(actor)
    if end < start:
        raise ValidationError({"until": [_("The last day comes before the first.")]})
    days = (end - start).days + 1
    if days > MAX_RUN_DAYS:
        raise ValidationError(
            {
                "until": [
                    _("At most %(max)s days can be entered at once.")
                    % {"max": MAX_RUN_DAYS}
                ]
            }
        )
    return [
        firm_holiday_set(
            date=start + dt.timedelta(days=n), kind=kind, name=name, actor=actor
        )
        for n in range(days)
    ]


@transaction.atomic
def firm_holiday_delete(*, date: dt.date, actor: User) -> None:
    """Remove the firm's own entry for ``date``; statutory rules apply again.

    Only the director edits the firm calendar; the removal is written to the
    audit log. Raise ``FirmHoliday.DoesNotExist`` if there is no entry.
    """
    _require_director(actor)
    holiday = FirmHoliday.objects.filter(date=date).first()
    if holiday is None:
        raise FirmHoliday.DoesNotExist(
            _("The firm calendar has no entry for %(date)s.")
            % {"date": date.isoformat()}
        )
    previous = {"kind": holiday.kind, "name": holiday.name}
    holiday.delete()
    audit_log(
        action="calendar.holiday_delete",
        actor=actor,
        object_type="core.firmholiday",
        object_id=date.isoformat(),
        detail={"previous": previous},
    )
