"""Reads of feedback cases, the ledger and the quarterly summary (SPEC §5).

Every read is filtered by :func:`feedback_visibility_q` (see ``rules``):
client service, the director and partners see every case; every other role
sees none (a case not visible is "not found").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from lexkeep.accounts.models import Role, User
from lexkeep.accounts.selectors import users_with_roles
from lexkeep.feedback import sla
from lexkeep.feedback.models import (
    OPEN_STATUSES,
    Category,
    Escalation,
    Feedback,
    ImprovementMeasure,
)
from lexkeep.feedback.quarters import quarter_parse
from lexkeep.feedback.validators import mask_contact


def feedback_visibility_q(user: User) -> Q:
    """Return the filter of the cases ``user`` may see (``rules``)."""
    if user.is_active and user.has_perm("feedback.view_feedback"):
        return Q()
    return Q(pk__in=[])


def contact_for(user: User, feedback: Feedback) -> str:
    """Return the complainant's contact as ``user`` may see it (masked or not)."""
    if user.has_perm("feedback.view_contact", feedback):
        return feedback.contact
    return mask_contact(feedback.contact)


@dataclass(frozen=True)
class FeedbackFilters:
    """The filters of the case list and the ledger."""

    status: str | None = None
    category: str | None = None
    channel: str | None = None
    owner: int | None = None
    breached: bool | None = None
    open: bool | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str | None = None


def _local_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def feedback_list(
    *,
    actor: User,
    filters: FeedbackFilters | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Feedback]:
    """Return the cases ``actor`` may see, filtered, with SLA flags as of ``now``.

    Each row carries ``contact_breached`` and ``reply_breached`` (SPEC §5:
    met late, or open past the deadline). Open cases come first, the most
    urgent deadline first; then the rest, newest first.
    """
    now = now or timezone.now()
    f = filters or FeedbackFilters()
    qs = (
        Feedback.objects.filter(feedback_visibility_q(actor))
        .select_related("owner", "client")
        .annotate(**sla.breach_annotations(now))
    )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.open is True:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.open is False:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.breached is True:
        qs = qs.filter(sla.contact_breach_q(now) | sla.reply_breach_q(now))
    elif f.breached is False:
        qs = qs.exclude(sla.contact_breach_q(now) | sla.reply_breach_q(now))
    if f.received_from:
        qs = qs.filter(received_at__gte=_local_start(f.received_from))
    if f.received_to:
        qs = qs.filter(
            received_at__lt=_local_start(f.received_to + dt.timedelta(days=1))
        )
    if f.q:
        text = f.q.strip()
        qs = qs.filter(
            Q(reference__icontains=text)
            | Q(name__icontains=text)
            | Q(content__icontains=text)
        )
    return qs.order_by("-received_at", "-pk")


def feedback_get(*, actor: User, pk: int) -> Feedback:
    """Return one case ``actor`` may see, or raise ``Feedback.DoesNotExist``."""
    return (
        Feedback.objects.filter(feedback_visibility_q(actor))
        .select_related("owner", "client", "recorded_by")
        .get(pk=pk)
    )


def feedback_history(*, feedback: Feedback) -> QuerySet[Any]:
    """Return the case's events, oldest first, with who acted."""
    return feedback.events.select_related("actor").order_by("at", "pk")


def specialists() -> QuerySet[User]:
    """Return the active client-service specialists (possible owners)."""
    return users_with_roles(Role.CLIENT_SERVICE).order_by("full_name", "username")


def escalation_list(*, actor: User, limit: int = 20) -> QuerySet[Escalation]:
    """Return the latest escalations of cases still open (director's inbox)."""
    if not actor.has_perm("feedback.view_escalations"):
        return Escalation.objects.none()
    return (
        Escalation.objects.filter(feedback__status__in=OPEN_STATUSES)
        .select_related("feedback", "feedback__owner")
        .order_by("-created_at", "-pk")[:limit]
    )


def open_counts(*, actor: User, now: dt.datetime | None = None) -> dict[str, int]:
    """Return the numbers shown above the case list."""
    now = now or timezone.now()
    qs = Feedback.objects.filter(feedback_visibility_q(actor))
    open_qs = qs.filter(status__in=OPEN_STATUSES)
    return open_qs.aggregate(
        open=Count("pk"),
        contact_overdue=Count(
            "pk", filter=Q(contacted_at__isnull=True, contact_due__lt=now)
        ),
        reply_overdue=Count("pk", filter=Q(replied_at__isnull=True, reply_due__lt=now)),
        unassigned=Count("pk", filter=Q(owner__isnull=True)),
    )


# --------------------------------------------------------------------------
# Quarterly summary
# --------------------------------------------------------------------------


def quarter_bounds(quarter: str) -> tuple[dt.datetime, dt.datetime]:
    """Return the firm-local start of ``quarter`` and of the next one."""
    year, number = quarter_parse(quarter)
    start = dt.date(year, 3 * number - 2, 1)
    end = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
    return _local_start(start), _local_start(end)


@dataclass
class CategoryRow:
    """One category's line of the quarterly summary."""

    code: str
    label: str
    count: int
    share: float
    measures: list[ImprovementMeasure] = field(default_factory=list)


@dataclass
class QuarterSummary:
    """The quarterly summary (SPEC §5): counts, SLA performance, problems."""

    quarter: str
    total: int
    categories: list[CategoryRow]
    contact_decided: int
    contact_on_time: int
    reply_decided: int
    reply_on_time: int
    resolved: int
    satisfaction_average: float | None
    satisfaction_count: int
    extended: int
    top: list[CategoryRow]
    measures: list[ImprovementMeasure]
    #: Cases of the quarter closed without resolution (duplicates, spam):
    #: left out of every other figure.
    dismissed: int = 0

    @property
    def contact_rate(self) -> float | None:
        """Return the share contacted within 24 hours, in percent."""
        return _pct(self.contact_on_time, self.contact_decided)

    @property
    def reply_rate(self) -> float | None:
        """Return the share replied within the working days, in percent."""
        return _pct(self.reply_on_time, self.reply_decided)


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


#: How many categories the summary names as "the most common problems".
TOP_PROBLEMS = 3


def quarterly_summary(
    *, actor: User, quarter: str, now: dt.datetime | None = None
) -> QuarterSummary:
    """Summarise the cases received in ``quarter`` (SPEC §5 quarterly summary).

    Counts by category; SLA performance as the share of cases whose clock
    is decided (met, or past its deadline) that met it on time — a case
    still inside its window counts in neither; the most common problems
    (the top categories with at least one case) with the improvement
    measures recorded for them; the average satisfaction of rated cases.
    Cases closed without resolution are only counted, apart.
    """
    now = now or timezone.now()
    start, end = quarter_bounds(quarter)
    year, number = quarter_parse(quarter)
    quarter = f"{year}Q{number}"
    received = Feedback.objects.filter(
        feedback_visibility_q(actor), received_at__gte=start, received_at__lt=end
    )
    # A duplicate or a message that was no feedback is no case: counted
    # apart, and left out of the categories and the clocks.
    dismissed = received.exclude(dismissed_as="").count()
    qs = received.filter(dismissed_as="")
    by_category = dict(
        qs.values_list("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    figures = qs.aggregate(
        total=Count("pk"),
        contact_decided=Count(
            "pk", filter=Q(contacted_at__isnull=False) | Q(contact_due__lt=now)
        ),
        contact_on_time=Count("pk", filter=Q(contacted_at__lte=F("contact_due"))),
        reply_decided=Count(
            "pk", filter=Q(replied_at__isnull=False) | Q(reply_due__lt=now)
        ),
        reply_on_time=Count("pk", filter=Q(replied_at__lte=F("reply_due"))),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        satisfaction_average=Avg("satisfaction"),
        satisfaction_count=Count("satisfaction"),
        extended=Count("pk", filter=Q(extended_working_days__gt=0)),
    )
    total = figures["total"] or 0
    measures = list(
        ImprovementMeasure.objects.filter(quarter=quarter)
        .select_related("owner", "recorded_by")
        .order_by("category", "recorded_at", "pk")
    )
    by_measure: dict[str, list[ImprovementMeasure]] = {}
    for item in measures:
        by_measure.setdefault(item.category, []).append(item)
    rows = [
        CategoryRow(
            code=value,
            label=str(label),
            count=by_category.get(value, 0),
            share=round(100.0 * by_category.get(value, 0) / total, 1) if total else 0.0,
            measures=by_measure.get(value, []),
        )
        for value, label in Category.choices
    ]
    top = sorted((r for r in rows if r.count), key=lambda r: (-r.count, r.code))
    average = figures["satisfaction_average"]
    return QuarterSummary(
        quarter=quarter,
        total=total,
        categories=rows,
        contact_decided=figures["contact_decided"],
        contact_on_time=figures["contact_on_time"],
        reply_decided=figures["reply_decided"],
        reply_on_time=figures["reply_on_time"],
        resolved=figures["resolved"],
        satisfaction_average=round(float(average), 2) if average is not None else None,
        satisfaction_count=figures["satisfaction_count"],
        extended=figures["extended"],
        top=top[:TOP_PROBLEMS],
        measures=measures,
        dismissed=dismissed,
    )
