"""Lifecycle, extension, satisfaction, owners and the escalation sweep (SPEC §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lexkeep.accounts.models import Role
from lexkeep.core.exceptions import InvalidTransition
from lexkeep.feedback import sla
from lexkeep.feedback.exceptions import ExtensionNotAllowed
from lexkeep.feedback.lifecycle import FEEDBACK_LIFECYCLE
from lexkeep.feedback.models import Escalation, Feedback, FeedbackEvent, Status
from lexkeep.feedback.selectors import quarterly_summary
from lexkeep.feedback.services import (
    feedback_assign,
    feedback_extend,
    feedback_satisfaction_record,
    feedback_sweep,
    feedback_transition,
    owner_pick,
)
from lexkeep.feedback.tasks import sweep_feedback_periodically
from tests.feedback.conftest import local

pytestmark = pytest.mark.django_db

RECEIVED = local(2026, 6, 1, 9, 0)


def step(user, case, action, at, **kwargs):
    return feedback_transition(
        actor=user,
        feedback=case,
        action=action,
        note=kwargs.pop("note", "ok"),
        now=at,
        **kwargs,
    )


class TestLifecycle:
    def test_map_is_explicit(self):
        assert FEEDBACK_LIFECYCLE.allowed_actions(Status.RECEIVED) == [
            "contact",
            "dismiss",
        ]
        assert FEEDBACK_LIFECYCLE.allowed_actions(Status.SOLUTION_PROPOSED) == [
            "dismiss",
            "resolve",
            "revise",
        ]
        assert FEEDBACK_LIFECYCLE.allowed_actions(Status.RESOLVED) == [
            "close",
            "reopen",
        ]

    def test_full_path_records_every_step(self, make_case, firm):
        cs = firm["client_service"]
        case = make_case(RECEIVED)
        case = step(cs, case, "contact", RECEIVED + dt.timedelta(hours=2))
        case = step(cs, case, "propose", RECEIVED + dt.timedelta(days=1), note="退费")
        case = step(
            cs,
            case,
            "resolve",
            RECEIVED + dt.timedelta(days=2),
            note="已退费",
            satisfaction=4,
        )
        case = step(cs, case, "close", RECEIVED + dt.timedelta(days=3))
        assert case.status == Status.CLOSED
        assert case.satisfaction == 4
        assert case.outcome == "已退费"
        assert "退费" in case.handling
        moves = list(
            FeedbackEvent.objects.filter(feedback=case)
            .exclude(to_status="")
            .values_list("from_status", "to_status", "actor")
        )
        assert moves == [
            ("", "received", cs.pk),
            ("received", "contacted", cs.pk),
            ("contacted", "solution_proposed", cs.pk),
            ("solution_proposed", "resolved", cs.pk),
            ("resolved", "closed", cs.pk),
        ]

    @pytest.mark.parametrize(
        "action", ["propose", "resolve", "close", "reopen", "revise", "fly"]
    )
    def test_invalid_moves_from_received(self, make_case, firm, action):
        case = make_case(RECEIVED)
        with pytest.raises(InvalidTransition):
            step(firm["client_service"], case, action, RECEIVED + dt.timedelta(hours=1))
        case.refresh_from_db()
        assert case.status == Status.RECEIVED

    def test_closed_only_from_resolved(self, make_case, firm):
        cs = firm["client_service"]
        case = step(cs, make_case(RECEIVED), "contact", RECEIVED)
        with pytest.raises(InvalidTransition):
            step(cs, case, "close", RECEIVED)

    def test_revise_and_reopen_keep_the_first_stops(self, make_case, firm):
        cs = firm["client_service"]
        case = make_case(RECEIVED)
        first = RECEIVED + dt.timedelta(hours=1)
        case = step(cs, case, "contact", first)
        case = step(cs, case, "propose", first)
        case = step(cs, case, "revise", first, note="客户不接受")
        assert case.status == Status.CONTACTED
        case = step(cs, case, "propose", first + dt.timedelta(days=9))
        assert case.replied_at == first
        case = step(cs, case, "resolve", first + dt.timedelta(days=9))
        case = step(cs, case, "reopen", first + dt.timedelta(days=10), note="又来")
        assert case.status == Status.CONTACTED
        assert case.resolved_at is None
        assert case.contacted_at == first

    def test_note_is_required_where_it_says_something(self, make_case, firm):
        case = make_case(RECEIVED)
        with pytest.raises(ValidationError) as info:
            feedback_transition(
                actor=firm["client_service"],
                feedback=case,
                action="contact",
                note=" ",
                now=RECEIVED,
            )
        assert "note" in info.value.message_dict

    def test_occurred_at_not_in_future_nor_before_receipt(self, make_case, firm):
        case = make_case(RECEIVED)
        now = RECEIVED + dt.timedelta(hours=3)
        for bad in (now + dt.timedelta(minutes=1), RECEIVED - dt.timedelta(minutes=1)):
            with pytest.raises(ValidationError) as info:
                step(firm["client_service"], case, "contact", now, occurred_at=bad)
            assert "occurred_at" in info.value.message_dict

    @pytest.mark.parametrize("who", ["partner", "staff", "assistant", "external"])
    def test_only_client_service_and_director_handle(self, make_case, firm, who):
        case = make_case(RECEIVED)
        with pytest.raises(PermissionDenied):
            step(firm[who], case, "contact", RECEIVED)

    def test_director_may_handle(self, make_case, firm):
        case = step(firm["director"], make_case(RECEIVED), "contact", RECEIVED)
        assert case.status == Status.CONTACTED


class TestSatisfaction:
    def test_only_after_resolution(self, make_case, firm):
        cs = firm["client_service"]
        case = make_case(RECEIVED)
        with pytest.raises(InvalidTransition):
            feedback_satisfaction_record(actor=cs, feedback=case, satisfaction=5)
        case = step(cs, case, "contact", RECEIVED)
        with pytest.raises(ValidationError):
            step(cs, case, "propose", RECEIVED, satisfaction=3)

    @pytest.mark.parametrize("score", [0, 6])
    def test_score_is_1_to_5(self, make_case, firm, score):
        cs = firm["client_service"]
        case = make_case(RECEIVED)
        for action in ("contact", "propose", "resolve"):
            case = step(cs, case, action, RECEIVED)
        with pytest.raises(ValidationError):
            feedback_satisfaction_record(actor=cs, feedback=case, satisfaction=score)
        case = feedback_satisfaction_record(actor=cs, feedback=case, satisfaction=5)
        assert case.satisfaction == 5


class TestExtension:
    def extend(self, case, user, now, **kwargs):
        data = {
            "working_days": 2,
            "reason": "需要调取法院档案",
            "client_informed_at": now,
            "client_informed_via": "phone",
        }
        data.update(kwargs)
        return feedback_extend(actor=user, feedback=case, now=now, **data)

    def test_moves_the_reply_deadline_by_working_days(self, make_case, firm):
        # Received Wed 2026-09-30: due Sat 10 Oct; +2 → Mon 12, Tue 13.
        case = make_case(local(2026, 9, 30, 10, 0))
        now = local(2026, 10, 9, 9, 0)
        ext = self.extend(case, firm["client_service"], now)
        case.refresh_from_db()
        assert ext.previous_reply_due.date() == dt.date(2026, 10, 10)
        assert case.reply_due.astimezone(now.tzinfo).date() == dt.date(2026, 10, 13)
        assert case.extended_working_days == 2
        assert FeedbackEvent.objects.filter(feedback=case, action="extended").exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("reason", " "),
            ("client_informed_at", None),
            ("client_informed_via", ""),
            ("client_informed_via", "web"),
            ("working_days", 0),
            ("working_days", 6),
        ],
    )
    def test_requires_reason_and_record_of_telling_the_client(
        self, make_case, firm, field, value
    ):
        case = make_case(RECEIVED)
        with pytest.raises(ValidationError) as info:
            self.extend(
                case,
                firm["client_service"],
                RECEIVED + dt.timedelta(hours=1),
                **{field: value},
            )
        assert field in info.value.message_dict
        case.refresh_from_db()
        assert case.extended_working_days == 0

    def test_total_is_bounded(self, make_case, firm):
        cs = firm["client_service"]
        case = make_case(RECEIVED)
        now = RECEIVED + dt.timedelta(hours=1)
        self.extend(case, cs, now, working_days=3)
        with pytest.raises(ValidationError) as info:
            self.extend(case, cs, now, working_days=3)
        assert "working_days" in info.value.message_dict
        self.extend(case, cs, now, working_days=2)

    def test_not_after_the_deadline_nor_after_the_reply(self, make_case, firm):
        cs = firm["client_service"]
        case = make_case(RECEIVED)
        with pytest.raises(ExtensionNotAllowed):
            self.extend(case, cs, case.reply_due + dt.timedelta(seconds=1))
        case = step(cs, case, "contact", RECEIVED)
        case = step(cs, case, "propose", RECEIVED)
        with pytest.raises(InvalidTransition):
            self.extend(case, cs, RECEIVED + dt.timedelta(hours=1))


class TestOwners:
    def test_least_loaded_then_round_robin(self, make_user, firm, make_case):
        second = make_user("cs2", Role.CLIENT_SERVICE, full_name="吴客服")
        owners = [make_case(RECEIVED).owner for _ in range(4)]
        assert owners == [firm["client_service"], second] * 2

    def test_no_specialist_leaves_it_unassigned(self, make_case, firm):
        firm["client_service"].is_active = False
        firm["client_service"].save()
        assert owner_pick() is None
        case = make_case(RECEIVED, actor=firm["director"])
        assert case.owner is None
        case = step(firm["director"], case, "contact", RECEIVED)
        assert case.owner is None

    def test_reassign_only_to_a_specialist(self, make_user, make_case, firm):
        second = make_user("cs2", Role.CLIENT_SERVICE)
        case = make_case(RECEIVED)
        with pytest.raises(ValidationError):
            feedback_assign(actor=firm["director"], feedback=case, owner=firm["staff"])
        case = feedback_assign(
            actor=firm["client_service"], feedback=case, owner=second
        )
        assert case.owner == second
        assert FeedbackEvent.objects.filter(feedback=case, action="reassigned").exists()


class TestSweep:
    def test_escalates_each_breach_once(self, make_case, firm):
        firm["director"].email = "director@firm.example"
        firm["director"].save()
        case = make_case(RECEIVED)
        before = case.contact_due
        assert feedback_sweep(now=before).as_dict()["contact_breaches"] == 0
        result = feedback_sweep(now=before + dt.timedelta(seconds=1))
        assert (result.contact_breaches, result.reply_breaches) == (1, 0)
        assert len(mail.outbox) == 1
        assert case.reference in mail.outbox[0].body
        assert "13812345678" not in mail.outbox[0].body
        assert mail.outbox[0].to == ["director@firm.example"]
        again = feedback_sweep(now=before + dt.timedelta(hours=1))
        assert (again.contact_breaches, again.reply_breaches) == (0, 0)
        assert len(mail.outbox) == 1
        case.refresh_from_db()
        assert case.contact_breached_at == before + dt.timedelta(seconds=1)
        later = case.reply_due + dt.timedelta(seconds=1)
        assert feedback_sweep(now=later).reply_breaches == 1
        assert feedback_sweep(now=later).reply_breaches == 0
        assert len(mail.outbox) == 2
        assert Escalation.objects.filter(feedback=case).count() == 2
        assert (
            FeedbackEvent.objects.filter(feedback=case, action="escalated").count() == 2
        )

    def test_the_periodic_task_escalates_a_missed_contact(self, make_case):
        """As the worker runs it every ten minutes, on the real clock."""
        case = make_case(received_at=timezone.now() - dt.timedelta(hours=25))
        assert sweep_feedback_periodically.call_local()["contact_breaches"] == 1
        assert Escalation.objects.filter(feedback=case).count() == 1
        assert sweep_feedback_periodically.call_local()["contact_breaches"] == 0

    def test_met_late_is_flagged_too(self, make_case, firm):
        case = make_case(RECEIVED)
        late = case.contact_due + dt.timedelta(minutes=5)
        step(firm["client_service"], case, "contact", late)
        assert feedback_sweep(now=late).contact_breaches == 1

    def test_met_on_time_is_not_flagged(self, make_case, firm):
        case = make_case(RECEIVED)
        step(firm["client_service"], case, "contact", case.contact_due)
        assert (
            feedback_sweep(now=case.contact_due + dt.timedelta(days=1)).as_dict()[
                "contact_breaches"
            ]
            == 0
        )

    def test_set_based(self, make_case, django_assert_max_num_queries):
        for _ in range(30):
            make_case(RECEIVED)
        with django_assert_max_num_queries(20):
            result = feedback_sweep(now=RECEIVED + dt.timedelta(days=30), notify=False)
        assert (result.contact_breaches, result.reply_breaches) == (30, 30)
        assert Feedback.objects.filter(reply_breached_at__isnull=True).count() == 0

    def test_sweep_entry_point(self, make_case):
        from lexkeep.feedback.tasks import sweep_feedback

        make_case(RECEIVED)
        counts = sweep_feedback(now=RECEIVED + dt.timedelta(days=30))
        assert counts["contact_breaches"] == 1


class TestDismissal:
    """A duplicate, or a message that was no feedback, is closed without a
    resolution: with its reason, kept in the ledger, out of the summary."""

    @pytest.mark.parametrize("steps", [[], ["contact"], ["contact", "propose"]])
    def test_from_any_open_state(self, make_case, firm, steps):
        cs = firm["client_service"]
        case = make_case(RECEIVED)
        at = RECEIVED + dt.timedelta(hours=1)
        for action in steps:
            case = step(cs, case, action, at)
        before = case.status
        case = step(
            cs, case, "dismiss", at, note="与 FB-1 重复", dismissed_as="duplicate"
        )
        assert case.status == Status.CLOSED
        assert case.dismissed_as == "duplicate"
        assert case.closed_at == at
        assert case.resolved_at is None
        assert case.outcome == "与 FB-1 重复"
        event = FeedbackEvent.objects.filter(feedback=case, action="dismiss").get()
        assert (event.from_status, event.to_status) == (before, Status.CLOSED)
        assert event.detail["dismissed_as"] == "duplicate"

    @pytest.mark.parametrize(
        ("note", "dismissed_as", "field"),
        [
            ("广告", "", "dismissed_as"),
            ("广告", "spam", "dismissed_as"),
            ("  ", "not_feedback", "note"),
        ],
    )
    def test_needs_a_reason_and_a_note(
        self, make_case, firm, note, dismissed_as, field
    ):
        case = make_case(RECEIVED)
        with pytest.raises(ValidationError) as info:
            step(
                firm["client_service"],
                case,
                "dismiss",
                RECEIVED,
                note=note,
                dismissed_as=dismissed_as,
            )
        assert field in info.value.message_dict
        case.refresh_from_db()
        assert (case.status, case.dismissed_as) == (Status.RECEIVED, "")
        assert not FeedbackEvent.objects.filter(
            feedback=case, action="dismiss"
        ).exists()

    def test_the_reason_belongs_to_dismissal_only(self, make_case, firm):
        case = make_case(RECEIVED)
        with pytest.raises(ValidationError) as info:
            step(
                firm["client_service"],
                case,
                "contact",
                RECEIVED,
                dismissed_as="duplicate",
            )
        assert "dismissed_as" in info.value.message_dict

    def test_not_once_resolved(self, make_case, firm):
        cs = firm["client_service"]
        case = make_case(RECEIVED)
        for action in ("contact", "propose", "resolve"):
            case = step(cs, case, action, RECEIVED)
        with pytest.raises(InvalidTransition):
            step(cs, case, "dismiss", RECEIVED, dismissed_as="duplicate")
        case = step(cs, case, "close", RECEIVED)
        with pytest.raises(InvalidTransition):
            step(cs, case, "dismiss", RECEIVED, dismissed_as="duplicate")

    def test_no_satisfaction_and_reopening_clears_it(self, make_case, firm):
        cs = firm["client_service"]
        case = step(
            cs,
            make_case(RECEIVED),
            "dismiss",
            RECEIVED,
            note="误投",
            dismissed_as="not_feedback",
        )
        with pytest.raises(InvalidTransition):
            feedback_satisfaction_record(actor=cs, feedback=case, satisfaction=3)
        case = step(
            cs, case, "reopen", RECEIVED + dt.timedelta(hours=2), note="确是投诉"
        )
        # Nobody had contacted the client: back to be contacted, and the
        # 24-hour clock the dismissal stopped runs again.
        assert case.status == Status.RECEIVED
        assert FEEDBACK_LIFECYCLE.allowed_actions(case.status)[0] == "contact"
        assert (case.dismissed_as, case.outcome, case.closed_at) == ("", "", None)
        later = RECEIVED + dt.timedelta(hours=2)
        assert sla.contact_clock(case, later).state == "running"
        case = step(cs, case, "contact", RECEIVED + dt.timedelta(hours=3))
        assert sla.contact_clock(case, later).state == "met"

    def test_reopened_after_contact_goes_back_to_contacted(self, make_case, firm):
        cs = firm["client_service"]
        case = step(
            cs, make_case(RECEIVED), "contact", RECEIVED + dt.timedelta(hours=1)
        )
        case = step(
            cs,
            case,
            "dismiss",
            RECEIVED + dt.timedelta(hours=2),
            dismissed_as="duplicate",
        )
        case = step(
            cs, case, "reopen", RECEIVED + dt.timedelta(hours=3), note="并非重复"
        )
        assert case.status == Status.CONTACTED

    def test_takes_effect_when_recorded(self, make_case, firm):
        """A dismissal dated back could unmake a deadline already missed."""
        case = make_case(RECEIVED)
        with pytest.raises(ValidationError) as info:
            step(
                firm["client_service"],
                case,
                "dismiss",
                RECEIVED + dt.timedelta(days=2),
                occurred_at=RECEIVED + dt.timedelta(hours=1),
                dismissed_as="duplicate",
            )
        assert "occurred_at" in info.value.message_dict
        case.refresh_from_db()
        assert case.status == Status.RECEIVED

    def test_left_out_of_the_quarterly_summary(self, make_case, firm):
        cs = firm["client_service"]
        kept = make_case(RECEIVED, category="fees_unclear")
        step(cs, kept, "contact", RECEIVED + dt.timedelta(hours=1))
        # Dismissed after its 24 hours ran out: out of the clock figures
        # all the same.
        late = RECEIVED + dt.timedelta(days=2)
        spam = make_case(RECEIVED, category="quality")
        step(cs, spam, "dismiss", late, note="广告", dismissed_as="not_feedback")
        summary = quarterly_summary(actor=firm["director"], quarter="2026Q2", now=late)
        assert (summary.total, summary.dismissed) == (1, 1)
        assert {row.code: row.count for row in summary.categories if row.count} == {
            "fees_unclear": 1
        }
        assert (summary.contact_on_time, summary.contact_decided) == (1, 1)
        assert summary.contact_rate == 100.0

    def test_not_escalated_once_dismissed(self, make_case, firm):
        cs = firm["client_service"]
        case = make_case(RECEIVED)
        step(cs, case, "dismiss", RECEIVED, note="重复", dismissed_as="duplicate")
        result = feedback_sweep(now=case.reply_due + dt.timedelta(days=1))
        assert (result.contact_breaches, result.reply_breaches) == (0, 0)
        assert not Escalation.objects.filter(feedback=case).exists()

    def test_a_dismissal_stops_the_clocks_not_yet_run_out(self, make_case, firm):
        """Dismissed within its 24 hours, a case missed nothing; dismissed
        after them unanswered, it missed its contact clock, and its reply
        clock (still running then) stopped."""
        cs = firm["client_service"]
        early = make_case(RECEIVED)
        step(
            cs,
            early,
            "dismiss",
            RECEIVED + dt.timedelta(hours=3),
            note="重复",
            dismissed_as="duplicate",
        )
        late = make_case(RECEIVED)
        step(
            cs,
            late,
            "dismiss",
            RECEIVED + dt.timedelta(hours=30),
            note="误投",
            dismissed_as="not_feedback",
        )
        later = RECEIVED + dt.timedelta(days=30)
        early.refresh_from_db()
        late.refresh_from_db()
        assert sla.contact_clock(early, later).state == "stopped"
        assert sla.reply_clock(early, later).state == "stopped"
        assert not sla.contact_clock(early, later).breached
        missed = sla.contact_clock(late, later)
        assert (missed.state, missed.breached) == ("overdue", True)
        assert missed.remaining == -dt.timedelta(hours=6)
        assert sla.reply_clock(late, later).state == "stopped"
        flagged = set(
            Feedback.objects.filter(sla.contact_breach_q(later)).values_list(
                "pk", flat=True
            )
        )
        assert flagged == {late.pk}
        assert not Feedback.objects.filter(sla.reply_breach_q(later)).exists()
