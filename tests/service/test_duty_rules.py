"""Each duty rule at its boundaries (SPEC §2.2, §4; lexkeep.service.periods)."""

from __future__ import annotations

import datetime as dt

import pytest

from lexkeep.service.choices import Cadence
from lexkeep.service.models import Duty, DutyRule
from lexkeep.service.periods import calendar_period, rolling_period
from tests.service.conftest import d, duties, live

pytestmark = pytest.mark.django_db


class TestPeriods:
    def test_month_ends_on_its_last_day(self):
        assert calendar_period(Cadence.MONTH, d("2026-02-10")).due == d("2026-02-28")
        assert calendar_period(Cadence.MONTH, d("2028-02-10")).due == d("2028-02-29")
        assert calendar_period(Cadence.MONTH, d("2026-01-31")).due == d("2026-01-31")
        assert calendar_period(Cadence.MONTH, d("2026-04-01")).due == d("2026-04-30")

    def test_quarter_and_year(self):
        q = calendar_period(Cadence.QUARTER, d("2026-05-17"))
        assert (q.start, q.due, q.key) == (d("2026-04-01"), d("2026-06-30"), "0:2026Q2")
        y = calendar_period(Cadence.YEAR, d("2026-05-17"))
        assert (y.start, y.due) == (d("2026-01-01"), d("2026-12-31"))

    def test_fourteen_days_after_a_contact(self):
        p = rolling_period(anchor=d("2026-01-05"), interval_days=14, from_contact=True)
        assert (p.start, p.due) == (d("2026-01-06"), d("2026-01-19"))


class TestSeededRules:
    def test_the_standards_values_are_seeded_as_data(self):
        rules = {r.code: r for r in DutyRule.objects.all()}
        assert rules["strategic-contact"].interval_days == 14
        assert set(rules["strategic-contact"].channels) == {"phone", "email"}
        assert rules["strategic-meeting"].cadence == "month"
        assert rules["strategic-meeting"].channels == ["in_person"]
        assert rules["strategic-symposium"].cadence == "quarter"
        assert rules["key-call"].channels == ["phone"]
        assert rules["key-call"].interval_days == 14
        assert rules["key-email-summary"].cadence == "month"
        assert rules["key-service-report"].document == "service_report"
        assert rules["key-satisfaction-survey"].cadence == "year"
        assert rules["ordinary-progress-notice"].interval_days == 7
        assert rules["ordinary-fee-statement"].document == "fee_statement"
        assert rules["firm-news"].tier == ""
        assert rules["firm-news"].condition == "news_allowed"


#: Every 14 days: a key client's phone call, a strategic client's call or email.
CALLS = [("key", "key-call", "phone"), ("strategic", "strategic-contact", "email")]


class TestEveryFourteenDays:
    """Key client: a phone call at least every 14 days; strategic client: a
    phone call or an email (SPEC §4)."""

    def test_first_window_runs_from_the_tier_day(self, mk_client, sweep):
        client = mk_client("key", since=d("2026-01-01"))
        sweep(d("2026-01-01"))
        (duty,) = live(client, "key-call")
        assert (duty.period_start, duty.due_date) == (d("2026-01-01"), d("2026-01-15"))

    @pytest.mark.parametrize("tier, code, channel", CALLS)
    def test_call_on_day_14_is_on_time(
        self, mk_client, log, sweep, tier, code, channel
    ):
        client = mk_client(tier, since=d("2026-01-01"))
        sweep(d("2026-01-01"))
        log(client, channel, d("2026-01-05"))  # day 0
        (nxt,) = live(client, code)
        assert (nxt.period_start, nxt.due_date) == (d("2026-01-06"), d("2026-01-19"))
        sweep(d("2026-01-19"))
        nxt.refresh_from_db()
        assert nxt.status == "open"
        log(client, channel, d("2026-01-19"))  # day 14
        nxt.refresh_from_db()
        assert nxt.status == "done" and nxt.done_on_time
        (third,) = live(client, code)
        assert third.due_date == d("2026-02-02")

    @pytest.mark.parametrize("tier, code, channel", CALLS)
    def test_no_call_by_day_15_is_overdue_and_a_late_call_restarts(
        self, mk_client, log, sweep, tier, code, channel
    ):
        client = mk_client(tier, since=d("2026-01-01"))
        sweep(d("2026-01-01"))
        log(client, channel, d("2026-01-05"))
        (nxt,) = live(client, code)
        sweep(d("2026-01-20"))  # day 15
        nxt.refresh_from_db()
        assert nxt.status == "overdue"
        log(client, channel, d("2026-01-20"))
        nxt.refresh_from_db()
        assert nxt.status == "done" and not nxt.done_on_time
        (third,) = live(client, code)
        assert (third.period_start, third.due_date) == (
            d("2026-01-21"),
            d("2026-02-03"),
        )

    def test_only_the_rules_channels_satisfy_it(self, mk_client, log, sweep):
        key = mk_client("key", since=d("2026-01-01"))
        strategic = mk_client("strategic", since=d("2026-01-01"))
        sweep(d("2026-01-01"))
        log(key, "email", d("2026-01-05"))  # key: phone only
        log(strategic, "email", d("2026-01-05"))  # strategic: phone or email
        assert duties(key, "key-call")[0].status == "open"
        assert duties(strategic, "strategic-contact")[0].status == "done"
        log(strategic, "wechat", d("2026-01-10"))
        assert duties(strategic, "strategic-contact")[1].status == "open"

    def test_sweep_matches_contacts_it_did_not_see_logged(self, mk_client, log, sweep):
        """A backlog (contacts logged before the duties existed) is caught up."""
        client = mk_client("key", since=d("2026-01-01"))
        log(client, "phone", d("2026-01-03"))
        log(client, "phone", d("2026-01-10"))
        log(client, "phone", d("2026-02-10"))  # 31 days after the previous
        from lexkeep.service.models import Duty

        Duty.objects.all().delete()
        sweep(d("2026-02-20"))
        # Without a duty done since the tier day, the clock starts at the
        # latest call: windows are tracked from the first sweep on.
        (duty,) = live(client, "key-call")
        assert (duty.period_start, duty.due_date) == (d("2026-02-11"), d("2026-02-24"))


class TestCalendarMonth:
    """Strategic client: a face-to-face meeting each calendar month."""

    def test_february_falls_due_on_the_28th(self, mk_client, log, sweep):
        client = mk_client("strategic", since=d("2026-01-01"))
        sweep(d("2026-02-01"))
        feb = duties(client, "strategic-meeting", period_key="0:2026-02")[0]
        assert (feb.period_start, feb.due_date) == (d("2026-02-01"), d("2026-02-28"))
        log(client, "in_person", d("2026-02-28"))
        feb.refresh_from_db()
        assert feb.status == "done" and feb.done_on_time

    def test_a_31_day_month_is_overdue_on_the_1st(self, mk_client, log, sweep):
        client = mk_client("strategic", since=d("2026-01-01"))
        sweep(d("2026-01-31"))
        jan = duties(client, "strategic-meeting", period_key="0:2026-01")[0]
        assert jan.due_date == d("2026-01-31") and jan.status == "open"
        sweep(d("2026-02-01"))
        jan.refresh_from_db()
        assert jan.status == "overdue"
        # A meeting on 1 February counts for February, not for January.
        log(client, "in_person", d("2026-02-01"))
        jan.refresh_from_db()
        assert jan.status == "overdue"
        feb = duties(client, "strategic-meeting", period_key="0:2026-02")[0]
        assert feb.status == "done"

    def test_phone_is_no_meeting(self, mk_client, log, sweep):
        client = mk_client("strategic", since=d("2026-01-01"))
        sweep(d("2026-03-02"))
        log(client, "phone", d("2026-03-05"))
        assert duties(client, "strategic-meeting", period_key="0:2026-03")[
            0
        ].status == ("open")

    def test_email_summary_needs_its_purpose(self, mk_client, log, sweep):
        client = mk_client("key", since=d("2026-01-01"))
        sweep(d("2026-03-01"))
        log(client, "email", d("2026-03-03"))
        summary = duties(client, "key-email-summary", period_key="0:2026-03")[0]
        assert summary.status == "open"
        log(client, "email", d("2026-03-31"), purpose="email_summary")
        summary.refresh_from_db()
        assert summary.status == "done" and summary.done_on_time


class TestQuarterAndYear:
    def test_service_report_falls_due_at_quarter_end(self, mk_client, log, sweep):
        client = mk_client("key", since=d("2026-01-01"))
        sweep(d("2026-03-31"))
        q1 = duties(client, "key-service-report")[0]
        assert (q1.period_key, q1.due_date, q1.status) == (
            "0:2026Q1",
            d("2026-03-31"),
            "open",
        )
        sweep(d("2026-04-01"))
        q1.refresh_from_db()
        assert q1.status == "overdue"
        q2 = duties(client, "key-service-report", period_key="0:2026Q2")[0]
        assert q2.due_date == d("2026-06-30")
        log(client, "email", d("2026-06-30"), purpose="service_report")
        q2.refresh_from_db()
        assert q2.status == "done"

    def test_symposium_each_quarter_and_survey_each_year(self, mk_client, sweep):
        strategic = mk_client("strategic", since=d("2026-01-01"))
        key = mk_client("key", since=d("2026-01-01"))
        sweep(d("2026-08-15"))
        assert duties(strategic, "strategic-symposium")[0].due_date == d("2026-09-30")
        assert duties(key, "key-satisfaction-survey")[0].due_date == d("2026-12-31")


class TestEvents:
    """Ordinary client: before filing, before each hearing, after judgment."""

    def test_risk_notice_by_the_day_before_filing(
        self, mk_client, mk_matter, log, sweep
    ):
        client = mk_client("ordinary")
        on_time = mk_matter(client, filing_date=d("2026-03-10"))
        late = mk_matter(client, filing_date=d("2026-03-10"))
        sweep(d("2026-03-01"))
        notices = duties(client, "ordinary-risk-notice")
        assert {(n.matter_id, n.due_date) for n in notices} == {
            (on_time.pk, d("2026-03-09")),
            (late.pk, d("2026-03-09")),
        }
        log(client, "phone", d("2026-03-09"), purpose="risk_notice", matter=on_time)
        sweep(d("2026-03-10"))
        log(client, "phone", d("2026-03-10"), purpose="risk_notice", matter=late)
        first, second = (
            duties(client, "ordinary-risk-notice", matter=m)[0] for m in (on_time, late)
        )
        assert first.status == "done" and first.done_on_time
        assert second.status == "done" and not second.done_on_time

    def test_hearing_confirmation_window(
        self, mk_client, mk_matter, hearing, log, sweep
    ):
        client = mk_client("ordinary")
        matter = mk_matter(client)
        hearing(matter, d("2026-03-20"))
        sweep(d("2026-03-01"))
        (duty,) = duties(client, "ordinary-hearing-confirmation")
        assert (duty.period_start, duty.due_date) == (d("2026-03-05"), d("2026-03-19"))
        log(
            client,
            "phone",
            d("2026-03-04"),
            purpose="hearing_confirmation",
            matter=matter,
        )
        duty.refresh_from_db()
        assert duty.status == "open"  # before the window
        log(
            client,
            "phone",
            d("2026-03-19"),
            purpose="hearing_confirmation",
            matter=matter,
        )
        duty.refresh_from_db()
        assert duty.status == "done" and duty.done_on_time

    def test_each_hearing_gets_its_own_duty_and_a_moved_one_is_rederived(
        self, mk_client, mk_matter, hearing, sweep
    ):
        client = mk_client("ordinary")
        matter = mk_matter(client)
        first = hearing(matter, d("2026-03-20"))
        hearing(matter, d("2026-04-20"))
        sweep(d("2026-03-01"))
        assert len(live(client, "ordinary-hearing-confirmation")) == 2
        first.scheduled_at = first.scheduled_at + dt.timedelta(days=3)
        first.save()
        sweep(d("2026-03-02"))
        cancelled = duties(client, "ordinary-hearing-confirmation", status="cancelled")
        assert [c.due_date for c in cancelled] == [d("2026-03-19")]
        assert sorted(
            x.due_date for x in live(client, "ordinary-hearing-confirmation")
        ) == [
            d("2026-03-22"),
            d("2026-04-19"),
        ]

    def test_explanation_within_three_days_of_judgment(
        self, mk_client, mk_matter, log, sweep
    ):
        client = mk_client("ordinary")
        matter = mk_matter(client, judgment_date=d("2026-03-10"))
        sweep(d("2026-03-10"))
        (duty,) = duties(client, "ordinary-judgment-explanation")
        assert (duty.period_start, duty.due_date) == (d("2026-03-10"), d("2026-03-13"))
        sweep(d("2026-03-13"))
        duty.refresh_from_db()
        assert duty.status == "open"
        sweep(d("2026-03-14"))
        duty.refresh_from_db()
        assert duty.status == "overdue"
        log(
            client,
            "in_person",
            d("2026-03-14"),
            purpose="judgment_explanation",
            matter=matter,
        )
        duty.refresh_from_db()
        assert duty.status == "done" and not duty.done_on_time

    def test_moved_filing_date_cancels_and_rederives(self, mk_client, mk_matter, sweep):
        client = mk_client("ordinary")
        matter = mk_matter(client, filing_date=d("2026-03-10"))
        sweep(d("2026-03-01"))
        matter.filing_date = d("2026-03-20")
        matter.save()
        sweep(d("2026-03-02"))
        assert [x.status for x in duties(client, "ordinary-risk-notice")] == [
            "cancelled",
            "open",
        ]
        assert live(client, "ordinary-risk-notice")[0].due_date == d("2026-03-19")


class TestOrdinaryNotices:
    def test_weekly_progress_while_open_then_cancelled_on_close(
        self, mk_client, mk_matter, log, sweep
    ):
        client = mk_client("ordinary", since=d("2026-01-01"))
        matter = mk_matter(client, engagement_start=d("2026-02-02"))
        sweep(d("2026-02-02"))
        (week,) = live(client, "ordinary-progress-notice")
        assert (week.period_start, week.due_date) == (d("2026-02-02"), d("2026-02-09"))
        log(client, "email", d("2026-02-06"), purpose="progress_notice", matter=matter)
        (nxt,) = live(client, "ordinary-progress-notice")
        assert nxt.due_date == d("2026-02-13")
        matter.status = "closed"
        matter.save()
        sweep(d("2026-02-10"))
        assert live(client, "ordinary-progress-notice") == []
        assert duties(client, "ordinary-progress-notice")[-1].cancel_reason == (
            "matter_closed"
        )

    def test_fee_statement_only_with_an_open_matter(self, mk_client, mk_matter, sweep):
        idle = mk_client("ordinary")
        busy = mk_client("ordinary")
        mk_matter(busy)
        sweep(d("2026-02-15"))
        assert duties(idle, "ordinary-fee-statement") == []
        (fee,) = duties(busy, "ordinary-fee-statement")
        assert fee.due_date == d("2026-02-28")

    def test_firm_news_unless_opted_out(self, mk_client, sweep):
        keen = mk_client("ordinary")
        shy = mk_client("ordinary", news_opt_out=True)
        sweep(d("2026-02-15"))
        assert len(duties(keen, "firm-news")) == 1
        assert duties(shy, "firm-news") == []
        keen.news_opt_out = True
        keen.save()
        sweep(d("2026-02-16"))
        assert duties(keen, "firm-news")[0].status == "cancelled"


def _overdue_the_day_after(duty: Duty, sweep) -> None:
    sweep(duty.due_date + dt.timedelta(days=1))
    duty.refresh_from_db()
    assert duty.status == "overdue", duty


class TestMoreBoundaries:
    """The day a duty falls due and the day after, for the rules not above."""

    def test_progress_notice_on_day_7_and_8(self, mk_client, mk_matter, log, sweep):
        client = mk_client("ordinary", since=d("2026-01-01"))
        matter = mk_matter(client, engagement_start=d("2026-02-02"))
        sweep(d("2026-02-09"))  # day 7
        (week,) = live(client, "ordinary-progress-notice")
        assert (week.due_date, week.status) == (d("2026-02-09"), "open")
        sweep(d("2026-02-10"))  # day 8
        week.refresh_from_db()
        assert week.status == "overdue"
        log(client, "email", d("2026-02-10"), purpose="progress_notice", matter=matter)
        week.refresh_from_db()
        assert week.status == "done" and not week.done_on_time
        (nxt,) = live(client, "ordinary-progress-notice")
        assert (nxt.period_start, nxt.due_date) == (d("2026-02-11"), d("2026-02-17"))

    def test_a_notice_on_another_matter_does_not_count(
        self, mk_client, mk_matter, log, sweep
    ):
        client = mk_client("ordinary", since=d("2026-01-01"))
        one = mk_matter(client, engagement_start=d("2026-02-02"))
        other = mk_matter(client, engagement_start=d("2026-02-02"))
        sweep(d("2026-02-02"))
        log(client, "email", d("2026-02-05"), purpose="progress_notice", matter=one)
        (pending,) = duties(client, "ordinary-progress-notice", matter=other)
        assert pending.status == "open"

    def test_symposium_overdue_the_day_after_the_quarter(self, mk_client, log, sweep):
        client = mk_client("strategic", since=d("2026-01-01"))
        sweep(d("2026-09-30"))
        q3 = duties(client, "strategic-symposium", period_key="0:2026Q3")[0]
        assert (q3.due_date, q3.status) == (d("2026-09-30"), "open")
        log(client, "in_person", d("2026-09-30"))  # a meeting, not a symposium
        q3.refresh_from_db()
        assert q3.status == "open"
        _overdue_the_day_after(q3, sweep)
        log(client, "video", d("2026-10-20"), purpose="symposium")
        q4 = duties(client, "strategic-symposium", period_key="0:2026Q4")[0]
        assert q4.status == "done" and q4.done_on_time
        q3.refresh_from_db()
        assert q3.status == "overdue"  # a symposium counts in its own quarter

    def test_survey_overdue_on_new_years_day(self, mk_client, log, sweep):
        client = mk_client("key", since=d("2025-01-01"))
        silent = mk_client("key", since=d("2025-01-01"))
        sweep(d("2025-12-31"))
        year = duties(client, "key-satisfaction-survey", period_key="0:2025")[0]
        assert (year.due_date, year.status) == (d("2025-12-31"), "open")
        log(client, "email", d("2025-12-31"), purpose="satisfaction_survey")
        year.refresh_from_db()
        assert year.status == "done" and year.done_on_time
        sweep(d("2026-01-01"))
        missed = duties(silent, "key-satisfaction-survey", period_key="0:2025")[0]
        assert missed.status == "overdue"
        nxt = duties(client, "key-satisfaction-survey", period_key="0:2026")[0]
        assert (nxt.due_date, nxt.status) == (d("2026-12-31"), "open")

    def test_email_summary_overdue_on_the_first(self, mk_client, sweep):
        client = mk_client("key", since=d("2026-01-01"))
        sweep(d("2026-03-31"))
        march = duties(client, "key-email-summary", period_key="0:2026-03")[0]
        assert (march.due_date, march.status) == (d("2026-03-31"), "open")
        _overdue_the_day_after(march, sweep)

    def test_fee_statement_on_the_last_day_and_the_first(
        self, mk_client, mk_matter, log, sweep
    ):
        client = mk_client("ordinary", since=d("2026-01-01"))
        mk_matter(client)
        sweep(d("2026-04-30"))
        april = duties(client, "ordinary-fee-statement", period_key="0:2026-04")[0]
        assert (april.due_date, april.status) == (d("2026-04-30"), "open")
        log(client, "email", d("2026-04-30"))  # no statement: general purpose
        _overdue_the_day_after(april, sweep)
        log(client, "letter", d("2026-05-29"), purpose="fee_statement")
        may = duties(client, "ordinary-fee-statement", period_key="0:2026-05")[0]
        assert may.status == "done" and may.done_on_time

    def test_firm_news_each_quarter(self, mk_client, log, sweep):
        client = mk_client("key", since=d("2026-01-01"))  # any tier
        sweep(d("2026-06-30"))
        q2 = duties(client, "firm-news", period_key="0:2026Q2")[0]
        assert (q2.due_date, q2.status) == (d("2026-06-30"), "open")
        log(client, "personal_wechat", d("2026-06-30"), purpose="firm_news")
        q2.refresh_from_db()
        assert q2.status == "open"  # a personal channel satisfies nothing
        log(client, "wechat", d("2026-06-30"), purpose="firm_news")
        q2.refresh_from_db()
        assert q2.status == "done" and q2.done_on_time
        sweep(d("2026-07-01"))
        q3 = duties(client, "firm-news", period_key="0:2026Q3")[0]
        assert q3.due_date == d("2026-09-30")

    def test_hearing_confirmation_overdue_on_the_hearing_day(
        self, mk_client, mk_matter, hearing, sweep
    ):
        client = mk_client("ordinary")
        hearing(mk_matter(client), d("2026-03-20"))
        sweep(d("2026-03-19"))
        (duty,) = duties(client, "ordinary-hearing-confirmation")
        assert (duty.due_date, duty.status) == (d("2026-03-19"), "open")
        _overdue_the_day_after(duty, sweep)  # the hearing's day

    def test_a_changed_interval_moves_the_next_due_date(
        self, firm, mk_client, log, sweep
    ):
        """Rules are data: the director's ten days replace the standard's
        fourteen for the windows derived after the change."""
        from lexkeep.service.services.duties import duty_rule_update

        client = mk_client("key", since=d("2026-01-01"))
        sweep(d("2026-01-01"))
        duty_rule_update(
            actor=firm["director"],
            rule=DutyRule.objects.get(code="key-call"),
            interval_days=10,
        )
        log(client, "phone", d("2026-01-05"))
        (nxt,) = live(client, "key-call")
        assert (nxt.period_start, nxt.due_date) == (d("2026-01-06"), d("2026-01-15"))
