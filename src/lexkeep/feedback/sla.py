"""The two SLA clocks of a feedback case (SPEC §5).

* **Contact within 24 hours**: ``contact_due = received_at + 24 hours``
  (``FeedbackPolicy.contact_within_hours``), an exact instant. The clock is
  met if the client was contacted at or before that instant: received at
  09:00:00 on Monday, contacted at 09:00:00 on Tuesday is on time, at
  09:00:01 it is late.
* **Reply with a solution within 3 working days**:
  ``reply_due = deadline_at(received_at, 3)``
  (``FeedbackPolicy.reply_within_working_days``): the end (23:59:59.999999)
  of the firm-local day that is the 3rd working day *after* the local date
  of receipt. The day of receipt never counts, however early the case came
  in, and a receipt on a non-working day (a weekend, a holiday) starts
  counting from the next working day. Holidays and 调休 make-up working
  weekends come from the firm calendar (``core.workdays``). Examples (2026):
  received Friday 2026-06-05 at 20:00 → due Wednesday 2026-06-10 24:00;
  received Wednesday 2026-09-30 (the day before National Day) → due
  Saturday 2026-10-10 24:00 (Oct 1–7 are holidays; Oct 8, Oct 9 and the
  make-up working Saturday Oct 10 count); received on that make-up Saturday
  → due Wednesday 2026-10-14; received on the make-up Saturday 2026-02-14
  → due Thursday 2026-02-26 (Spring Festival Feb 15–23).
* An extension moves ``reply_due`` to the end of the N-th working day after
  the current deadline's local date.

A clock is *breached* when it was met late, or is still open and its
deadline has passed. :func:`breach_annotations` computes both flags in SQL
for lists; the sweep also stamps ``contact_breached_at`` /
``reply_breached_at`` once and escalates (``services.sweep``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.core.workdays import add_working_days, deadline_at
from lexkeep.feedback.models import Feedback, FeedbackPolicy

#: How soon before a deadline a case is shown as "due soon".
DUE_SOON = dt.timedelta(hours=8)


def policy_get() -> FeedbackPolicy:
    """Return the firm's feedback policy, creating it with the defaults once."""
    policy = FeedbackPolicy.objects.order_by("pk").first()
    if policy is None:
        policy, _created = FeedbackPolicy.objects.get_or_create(pk=1)
    return policy


def contact_due_for(received_at: dt.datetime, policy: FeedbackPolicy) -> dt.datetime:
    """Return the instant the client must have been contacted by (SPEC §5)."""
    return received_at + dt.timedelta(hours=policy.contact_within_hours)


def reply_due_for(received_at: dt.datetime, policy: FeedbackPolicy) -> dt.datetime:
    """Return the end of the 3rd working day after the day of receipt (SPEC §5)."""
    return deadline_at(received_at, policy.reply_within_working_days)


def extended_due(current_due: dt.datetime, working_days: int) -> dt.datetime:
    """Return the end of the ``working_days``-th working day after ``current_due``."""
    zone = timezone.get_default_timezone()
    day = current_due.astimezone(zone).date()
    return dt.datetime.combine(
        add_working_days(day, working_days), dt.time.max, tzinfo=zone
    )


def _running_past(due: str) -> Q:
    """The clock still ran at ``due``: the case was not closed without
    resolution before (a dismissal stops the clocks not met)."""
    return Q(dismissed_as="") | Q(closed_at__gt=F(due))


def contact_breach_q(now: dt.datetime) -> Q:
    """Return a filter on Feedback: the 24-hour contact clock was missed."""
    return Q(
        _running_past("contact_due"), contacted_at__isnull=True, contact_due__lt=now
    ) | Q(contacted_at__gt=F("contact_due"))


def reply_breach_q(now: dt.datetime) -> Q:
    """Return a filter on Feedback: the reply clock was missed."""
    return Q(
        _running_past("reply_due"), replied_at__isnull=True, reply_due__lt=now
    ) | Q(replied_at__gt=F("reply_due"))


def breach_annotations(now: dt.datetime) -> dict[str, Case]:
    """Return ``contact_breached`` and ``reply_breached`` annotations as of ``now``."""
    return {
        "contact_breached": Case(
            When(contact_breach_q(now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "reply_breached": Case(
            When(reply_breach_q(now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    }


@dataclass(frozen=True)
class Clock:
    """The state of one clock of one case, for badges and the API."""

    due: dt.datetime
    met_at: dt.datetime | None
    now: dt.datetime
    #: When the case was closed without resolution, which stops a clock
    #: not met: one whose deadline came later was never missed.
    stopped_at: dt.datetime | None = None

    @property
    def stopped(self) -> bool:
        """Return True if the case was dismissed before this clock ran out."""
        return (
            self.met_at is None
            and self.stopped_at is not None
            and self.stopped_at <= self.due
        )

    @property
    def met(self) -> bool:
        """Return True if the clock stopped (on time or late)."""
        return self.met_at is not None

    @property
    def breached(self) -> bool:
        """Return True if the clock was met late, or is open past its deadline."""
        if self.met_at is not None:
            return self.met_at > self.due
        return not self.stopped and self.now > self.due

    @property
    def state(self) -> str:
        """Return ``met``, ``late``, ``stopped``, ``overdue``, ``due_soon`` or
        ``running``."""
        if self.met_at is not None:
            return "late" if self.met_at > self.due else "met"
        if self.stopped:
            return "stopped"
        if self.now > self.due:
            return "overdue"
        if self.due - self.now <= DUE_SOON:
            return "due_soon"
        return "running"

    @property
    def remaining(self) -> dt.timedelta:
        """Return the time left (negative when overdue; a dismissed case's
        clock counts no further than its dismissal)."""
        if self.met_at is None and self.stopped_at is not None:
            return self.due - min(self.now, self.stopped_at)
        return self.due - self.now

    def describe(self) -> str:
        """Return a short human text: "due in 5 h", "overdue by 2 d", "met"."""
        state = self.state
        if state == "met":
            return _("met")
        if state == "late":
            return _("met late")
        if state == "stopped":
            return _("stopped: closed without resolution")
        span = abs(self.remaining)
        text = _format_span(span)
        if state == "overdue":
            return _("overdue by %(span)s") % {"span": text}
        return _("due in %(span)s") % {"span": text}


def _format_span(span: dt.timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    if hours >= 48:
        return _("%(days)d days") % {"days": hours // 24}
    if hours >= 1:
        return _("%(hours)d h") % {"hours": hours}
    minutes = max(1, int(span.total_seconds() // 60))
    return _("%(minutes)d min") % {"minutes": minutes}


def contact_clock(feedback: Feedback, now: dt.datetime) -> Clock:
    """Return the 24-hour contact clock of ``feedback`` as of ``now``."""
    return Clock(
        due=feedback.contact_due,
        met_at=feedback.contacted_at,
        now=now,
        stopped_at=feedback.closed_at if feedback.dismissed_as else None,
    )


def reply_clock(feedback: Feedback, now: dt.datetime) -> Clock:
    """Return the working-day reply clock of ``feedback`` as of ``now``."""
    return Clock(
        due=feedback.reply_due,
        met_at=feedback.replied_at,
        now=now,
        stopped_at=feedback.closed_at if feedback.dismissed_as else None,
    )
