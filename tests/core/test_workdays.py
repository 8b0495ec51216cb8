"""Working days on the firm's calendar (SPEC glossary "working day").

Dates below were checked against chinesecalendar 1.11.0 before asserting.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lexkeep.core import workdays
from lexkeep.core.models import AuditEntry, FirmHoliday
from lexkeep.core.workdays import (
    WorkingCalendar,
    add_working_days,
    calendar_scope,
    deadline_at,
    firm_holiday_delete,
    firm_holiday_set,
    is_working_day,
    next_working_day,
    working_days_between,
)

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def fresh_warnings(monkeypatch):
    """Forget which years were warned about; let caplog see lexkeep logs."""
    monkeypatch.setattr(workdays, "_warned_years", set())
    monkeypatch.setattr(logging.getLogger("lexkeep"), "propagate", True)


# --- statutory calendar -----------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2025 Spring Festival: off 01-28..02-04; make-up Sun 01-26, Sat 02-08.
        (D(2025, 1, 26), True),
        (D(2025, 1, 27), True),
        (D(2025, 1, 28), False),
        (D(2025, 2, 4), False),
        (D(2025, 2, 5), True),
        (D(2025, 2, 8), True),
        (D(2025, 2, 9), False),
        # 2025 National Day: off 10-01..10-08; make-up Sun 09-28, Sat 10-11.
        (D(2025, 9, 28), True),
        (D(2025, 10, 1), False),
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),
        # 2026 Spring Festival: off 02-15..02-23; make-up Sat 02-14, Sat 02-28.
        (D(2026, 2, 14), True),
        (D(2026, 2, 15), False),
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),
        # 2026 National Day: off 10-01..10-07; make-up Sun 09-20, Sat 10-10.
        (D(2026, 9, 20), True),
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),
        (D(2026, 10, 11), False),
    ],
)
def test_statutory_holidays_and_make_up_days(day, working):
    assert chinese_calendar.is_workday(day) is working  # the package agrees
    assert is_working_day(day) is working


def test_agrees_with_the_package_for_every_covered_day():
    calendar = WorkingCalendar({})
    first, last = workdays.statutory_years()
    day, end = D(first, 1, 1), D(last, 12, 31)
    while day <= end:
        assert calendar.is_working_day(day) is chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_add_from_the_day_before_spring_festival_2025():
    # Mon 01-27 is the last working day; 01-28..02-04 off; Wed 02-05 next.
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert add_working_days(D(2025, 1, 27), 3) == D(2025, 2, 7)
    # Make-up Saturday 02-08 is the fourth.
    assert add_working_days(D(2025, 1, 27), 4) == D(2025, 2, 8)


def test_add_from_friday_before_make_up_saturday():
    # Fri 2026-02-13 → make-up Sat 02-14 is the next working day.
    assert next_working_day(D(2026, 2, 13)) == D(2026, 2, 14)
    # Fri 2026-02-27 → make-up Sat 02-28, then Mon 03-02.
    assert add_working_days(D(2026, 2, 27), 1) == D(2026, 2, 28)
    assert add_working_days(D(2026, 2, 27), 2) == D(2026, 3, 2)
    # Fri 2025-10-10 → make-up Sat 10-11.
    assert next_working_day(D(2025, 10, 10)) == D(2025, 10, 11)


def test_make_up_sunday_counts():
    # Sat 2025-09-27 → make-up Sun 09-28.
    assert next_working_day(D(2025, 9, 27)) == D(2025, 9, 28)
    # Sat 2026-09-19 → make-up Sun 09-20.
    assert next_working_day(D(2026, 9, 19)) == D(2026, 9, 20)


def test_between_across_national_day():
    # (2025-09-30, 2025-10-10]: 10-01..10-08 off, 10-09 and 10-10 working.
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 10)) == 2
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 11)) == 3
    # (2026-09-30, 2026-10-12]: 10-08, 10-09, Sat 10-10, Mon 10-12.
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert working_days_between(D(2026, 10, 12), D(2026, 9, 30)) == -4


def test_backwards_over_a_holiday():
    # Three working days before Thu 2025-10-09: Tue 09-30, Mon 09-29, Sun 09-28.
    assert add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)
    assert add_working_days(D(2025, 10, 9), -3) == D(2025, 9, 28)


def test_zero_working_days_returns_start_unchanged():
    assert add_working_days(D(2025, 10, 1), 0) == D(2025, 10, 1)  # holiday
    assert add_working_days(D(2025, 10, 9), 0) == D(2025, 10, 9)
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 1)) == 0


# --- years the package does not cover -------------------------------------


@pytest.mark.parametrize("day", [D(2027, 10, 1), D(2030, 5, 1), D(2003, 10, 1)])
def test_uncovered_year_falls_back_to_weekends_and_warns_once(
    day, fresh_warnings, caplog
):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(day)  # what we must not let escape
    caplog.set_level(logging.WARNING, logger="lexkeep.core.workdays")
    assert is_working_day(day) is (day.weekday() < 5)
    assert is_working_day(day + dt.timedelta(days=1)) is (
        (day + dt.timedelta(days=1)).weekday() < 5
    )
    warnings = [r for r in caplog.records if r.name == "lexkeep.core.workdays"]
    assert len(warnings) == 1
    assert str(day.year) in warnings[0].getMessage()


def test_counting_across_into_an_uncovered_year(fresh_warnings):
    # Thu 2026-12-31 + 1 → Fri 2027-01-01 (weekends only), + 2 → Mon 01-04.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert add_working_days(D(2026, 12, 31), 2) == D(2027, 1, 4)


# --- the firm's own table ----------------------------------------------------


def test_firm_holiday_overrides_the_statutory_calendar(firm):
    director = firm["director"]
    # A firm day off on an ordinary Wednesday…
    firm_holiday_set(
        date=D(2025, 3, 12), kind="holiday", name="Firm anniversary", actor=director
    )
    # …and work on a statutory holiday.
    firm_holiday_set(date=D(2025, 10, 8), kind="workday", name="", actor=director)
    assert not is_working_day(D(2025, 3, 12))
    assert is_working_day(D(2025, 10, 8))
    assert next_working_day(D(2025, 3, 11)) == D(2025, 3, 13)
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 8)


def test_firm_table_fills_an_uncovered_year(firm, fresh_warnings):
    director = firm["director"]
    firm_holiday_set(
        date=D(2027, 10, 1), kind="holiday", name="National Day", actor=director
    )
    firm_holiday_set(date=D(2027, 9, 26), kind="workday", name="", actor=director)
    assert not is_working_day(D(2027, 10, 1))  # a Friday
    assert is_working_day(D(2027, 9, 26))  # a Sunday


def test_firm_holiday_set_is_an_audited_upsert(firm):
    director = firm["director"]
    firm_holiday_set(date=D(2027, 2, 5), kind="holiday", name="A", actor=director)
    holiday = firm_holiday_set(
        date=D(2027, 2, 5), kind="workday", name="B", actor=director
    )
    assert FirmHoliday.objects.count() == 1
    assert (holiday.kind, holiday.name) == ("workday", "B")
    entries = list(AuditEntry.objects.filter(action="calendar.holiday_set"))
    assert len(entries) == 2
    assert entries[1].actor_id == director.pk
    assert entries[1].object_id == "2027-02-05"
    assert entries[1].detail["previous"] == {"kind": "holiday", "name": "A"}


def test_firm_holiday_delete_restores_statutory_rule(firm):
    director = firm["director"]
    firm_holiday_set(date=D(2025, 10, 1), kind="workday", name="", actor=director)
    assert is_working_day(D(2025, 10, 1))
    firm_holiday_delete(date=D(2025, 10, 1), actor=director)
    assert not is_working_day(D(2025, 10, 1))
    assert AuditEntry.objects.filter(action="calendar.holiday_delete").count() == 1
    with pytest.raises(FirmHoliday.DoesNotExist):
        firm_holiday_delete(date=D(2025, 10, 1), actor=director)


@pytest.mark.parametrize("role", ["partner", "senior", "archivist", "external"])
def test_only_the_director_edits_the_firm_calendar(firm, role):
    with pytest.raises(PermissionDenied):
        firm_holiday_set(date=D(2027, 1, 1), kind="holiday", name="", actor=firm[role])
    firm_holiday_set(
        date=D(2027, 1, 1), kind="holiday", name="", actor=firm["director"]
    )
    with pytest.raises(PermissionDenied):
        firm_holiday_delete(date=D(2027, 1, 1), actor=firm[role])
    assert FirmHoliday.objects.filter(date=D(2027, 1, 1)).exists()


def test_firm_holiday_kind_is_validated(firm):
    with pytest.raises(ValidationError) as exc:
        firm_holiday_set(
            date=D(2027, 1, 1), kind="maybe", name="", actor=firm["director"]
        )
    assert "kind" in exc.value.message_dict
    assert not FirmHoliday.objects.exists()
    assert not AuditEntry.objects.exists()


# --- efficiency ------------------------------------------------------------


def test_each_call_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        working_days_between(D(2025, 1, 1), D(2025, 12, 31))


def test_a_sweep_loads_the_firm_table_once(firm, django_assert_num_queries):
    firm_holiday_set(
        date=D(2025, 3, 12), kind="holiday", name="", actor=firm["director"]
    )
    with django_assert_num_queries(1), calendar_scope():
        results = [
            add_working_days(D(2025, 3, 1) + dt.timedelta(i), 3) for i in range(200)
        ]
        assert not is_working_day(D(2025, 3, 12))
    assert len(results) == 200


def test_a_change_inside_a_sweep_is_seen(firm):
    with calendar_scope():
        assert is_working_day(D(2025, 3, 12))
        firm_holiday_set(
            date=D(2025, 3, 12), kind="holiday", name="", actor=firm["director"]
        )
        assert not is_working_day(D(2025, 3, 12))


# --- deadlines -------------------------------------------------------------


def test_deadline_is_end_of_firm_day_three_working_days_later():
    # Received Fri 2025-09-26 22:00 Shanghai (14:00 UTC). Sat 09-27 off,
    # Sun 09-28 make-up, Mon 09-29, Tue 09-30 → due end of Tue 09-30.
    received = dt.datetime(2025, 9, 26, 14, 0, tzinfo=dt.UTC)
    due = deadline_at(received, 3)
    assert due == dt.datetime(2025, 9, 30, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_deadline_uses_the_firm_local_date():
    # 2025-09-30 17:30 UTC is already 10-01 01:30 in Shanghai (a holiday):
    # three working days after 10-01 are 10-09, 10-10, make-up Sat 10-11.
    received = dt.datetime(2025, 9, 30, 17, 30, tzinfo=dt.UTC)
    due = deadline_at(received, 3)
    assert due.astimezone(SHANGHAI).date() == D(2025, 10, 11)
    assert due > received


def test_deadline_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        deadline_at(dt.datetime(2025, 1, 1, 9, 0), 3)  # noqa: DTZ001


# --- properties --------------------------------------------------------------

_days = st.dates(min_value=D(2003, 6, 1), max_value=D(2031, 6, 30))
_overrides = st.dictionaries(
    st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31)),
    st.sampled_from(["holiday", "workday"]),
    max_size=40,
)


@given(start=_days, n=st.integers(0, 60), overrides=_overrides)
def test_add_then_between_round_trips(start, n, overrides):
    calendar = WorkingCalendar(overrides)
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n
    if n:
        assert calendar.is_working_day(end)


@given(start=_days, n=st.integers(1, 60), overrides=_overrides)
def test_backwards_mirrors_forwards(start, n, overrides):
    calendar = WorkingCalendar(overrides)
    back = calendar.add_working_days(start, -n)
    assert calendar.is_working_day(back)
    # The start never counts, so from a working day the step back undoes.
    expected = -n if calendar.is_working_day(start) else -(n - 1)
    assert calendar.working_days_between(start, back) == expected
    if calendar.is_working_day(start):
        assert calendar.add_working_days(back, n) == start


@given(start=_days, n=st.integers(0, 40), overrides=_overrides)
def test_add_is_strictly_monotonic_in_n(start, n, overrides):
    calendar = WorkingCalendar(overrides)
    assert calendar.add_working_days(start, n) < calendar.add_working_days(start, n + 1)


@given(a=_days, b=_days, n=st.integers(0, 40), overrides=_overrides)
def test_add_is_monotonic_in_start(a, b, n, overrides):
    calendar = WorkingCalendar(overrides)
    lo, hi = min(a, b), max(a, b)
    assert calendar.add_working_days(lo, n) <= calendar.add_working_days(hi, n)


@given(a=_days, b=_days, c=_days, overrides=_overrides)
def test_between_is_additive_and_antisymmetric(a, b, c, overrides):
    calendar = WorkingCalendar(overrides)
    between = calendar.working_days_between
    assert between(a, b) == -between(b, a)
    assert between(a, b) + between(b, c) == between(a, c)
