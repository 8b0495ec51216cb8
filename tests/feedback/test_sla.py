"""SLA clocks at their boundaries (SPEC §5): 24 hours, 3 working days."""

from __future__ import annotations

import datetime as dt

import pytest

from lexkeep.feedback import sla
from lexkeep.feedback.models import Feedback
from lexkeep.feedback.services import feedback_transition
from tests.feedback.conftest import local

pytestmark = pytest.mark.django_db

END = dt.time(23, 59, 59, 999999)


def due_day(case: Feedback) -> tuple[dt.date, dt.time]:
    value = case.reply_due.astimezone(local(2026, 1, 1).tzinfo)
    return value.date(), value.time()


class TestContactWithin24Hours:
    def test_contact_due_is_exactly_24_hours_after_receipt(self, make_case):
        case = make_case(local(2026, 6, 1, 9, 30))
        assert case.contact_due == local(2026, 6, 2, 9, 30)

    def test_contacted_23h59_after_receipt_is_on_time(self, make_case, firm):
        received = local(2026, 6, 1, 9, 30)
        case = make_case(received)
        at = received + dt.timedelta(hours=23, minutes=59)
        case = feedback_transition(
            actor=firm["client_service"],
            feedback=case,
            action="contact",
            note="电话联系，已致歉",
            occurred_at=at,
            now=at,
        )
        clock = sla.contact_clock(case, at + dt.timedelta(days=3))
        assert clock.state == "met"
        assert not clock.breached

    def test_contacted_at_exactly_24h_is_on_time(self, make_case, firm):
        received = local(2026, 6, 1, 9, 30)
        case = make_case(received)
        at = received + dt.timedelta(hours=24)
        case = feedback_transition(
            actor=firm["client_service"],
            feedback=case,
            action="contact",
            note="x",
            occurred_at=at,
            now=at,
        )
        assert not sla.contact_clock(case, at).breached

    def test_contacted_24h_and_1s_after_receipt_is_late(self, make_case, firm):
        received = local(2026, 6, 1, 9, 30)
        case = make_case(received)
        at = received + dt.timedelta(hours=24, seconds=1)
        case = feedback_transition(
            actor=firm["client_service"],
            feedback=case,
            action="contact",
            note="x",
            occurred_at=at,
            now=at,
        )
        clock = sla.contact_clock(case, at)
        assert clock.state == "late"
        assert clock.breached

    def test_open_case_breaches_one_second_after_the_deadline(self, make_case):
        received = local(2026, 6, 1, 9, 30)
        case = make_case(received)
        due = received + dt.timedelta(hours=24)
        assert not sla.contact_clock(case, due).breached
        assert sla.contact_clock(case, due + dt.timedelta(seconds=1)).breached
        flagged = Feedback.objects.filter(
            sla.contact_breach_q(due + dt.timedelta(seconds=1))
        )
        assert list(flagged) == [case]
        assert not Feedback.objects.filter(sla.contact_breach_q(due)).exists()


class TestReplyWithin3WorkingDays:
    def test_ordinary_friday_evening(self, make_case):
        # Friday 2026-06-05 20:00: Mon 8, Tue 9, Wed 10 June.
        case = make_case(local(2026, 6, 5, 20, 0))
        assert due_day(case) == (dt.date(2026, 6, 10), END)

    def test_friday_evening_before_a_make_up_sunday(self, make_case):
        # Friday 2026-09-18: Sunday 20 Sept is a 调休 working day and counts.
        case = make_case(local(2026, 9, 18, 21, 15))
        assert due_day(case) == (dt.date(2026, 9, 22), END)

    def test_day_before_national_day(self, make_case):
        # Wed 2026-09-30: Oct 1-7 off; Oct 8, Oct 9 and make-up Saturday Oct 10.
        case = make_case(local(2026, 9, 30, 10, 0))
        assert due_day(case) == (dt.date(2026, 10, 10), END)

    def test_received_on_an_adjusted_working_saturday(self, make_case):
        # Sat 2026-10-10 is a working day, but the day of receipt never counts.
        case = make_case(local(2026, 10, 10, 11, 0))
        assert due_day(case) == (dt.date(2026, 10, 14), END)

    def test_received_on_the_spring_festival_make_up_saturday(self, make_case):
        # Sat 2026-02-14; Spring Festival Feb 15-23; Feb 24, 25, 26.
        case = make_case(local(2026, 2, 14, 16, 0))
        assert due_day(case) == (dt.date(2026, 2, 26), END)

    def test_receipt_just_after_local_midnight_counts_by_local_date(self, make_case):
        # 00:30 Saturday in Shanghai is still Friday in UTC: the local date counts.
        case = make_case(local(2026, 6, 6, 0, 30))
        assert due_day(case) == (dt.date(2026, 6, 10), END)

    def test_replied_at_the_last_moment_is_on_time(self, make_case, firm):
        received = local(2026, 6, 5, 20, 0)
        case = make_case(received)
        cs = firm["client_service"]
        at = received + dt.timedelta(hours=1)
        feedback_transition(
            actor=cs, feedback=case, action="contact", note="x", occurred_at=at, now=at
        )
        last = local(2026, 6, 10, 23, 59, 59)
        case = feedback_transition(
            actor=cs,
            feedback=case,
            action="propose",
            note="退还部分费用",
            occurred_at=last,
            now=last,
        )
        assert not sla.reply_clock(case, last).breached
        assert sla.reply_clock(case, last).state == "met"

    def test_open_case_breaches_after_the_end_of_the_third_day(self, make_case):
        case = make_case(local(2026, 6, 5, 20, 0))
        assert not sla.reply_clock(case, local(2026, 6, 10, 23, 59, 59)).breached
        assert sla.reply_clock(case, local(2026, 6, 11, 0, 0, 0)).breached
