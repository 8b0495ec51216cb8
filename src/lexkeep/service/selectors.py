"""Reads of contacts, duties and compliance, with the visibility filter applied.

Contacts and duties are visible exactly when their client is
(:func:`~lexkeep.clients.visibility.client_visibility_q`, SPEC §1, §4);
something that exists but is not visible raises ``DoesNotExist`` like a
missing one (the API answers 404). Lists and dashboards run a constant
number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from lexkeep.accounts.models import User
from lexkeep.clients.models import Client
from lexkeep.clients.visibility import client_visibility_q, sees_everything
from lexkeep.service.choices import PENDING_STATUSES, DutyStatus
from lexkeep.service.models import (
    Contact,
    ContactAttachment,
    Duty,
    DutyDocument,
    DutyRule,
    Notification,
)
from lexkeep.service.periods import week_end
from lexkeep.service.services.sweep import service_policy_get
from lexkeep.service.services.sweep.scope import OWED


def _serves(actor: User) -> bool:
    return bool(actor.has_perm("service.view_dashboard"))


def _visible_clients(actor: User) -> QuerySet[Client]:
    return Client.objects.filter(client_visibility_q(actor))


def _restrict(qs: QuerySet[Any], actor: User) -> QuerySet[Any]:
    if not _serves(actor):
        return qs.none()
    if sees_everything(actor):
        return qs
    return qs.filter(client__in=_visible_clients(actor).values("pk"))


# --------------------------------------------------------------------------
# Contacts


def contact_list(
    *,
    actor: User,
    client: int | None = None,
    matter: int | None = None,
    channel: str | None = None,
    compliant: bool | None = None,
    direction: str | None = None,
    purpose: str | None = None,
    user: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Contact]:
    """Return the contacts ``actor`` may see, newest first, filtered."""
    qs = _restrict(Contact.objects.all(), actor)
    if client is not None:
        qs = qs.filter(client_id=client)
    if matter is not None:
        qs = qs.filter(matter_id=matter)
    if channel:
        qs = qs.filter(channel=channel)
    if compliant is not None:
        qs = qs.filter(compliant_channel=compliant)
    if direction:
        qs = qs.filter(direction=direction)
    if purpose:
        qs = qs.filter(purpose=purpose)
    if user is not None:
        qs = qs.filter(user_id=user)
    if since is not None:
        qs = qs.filter(occurred_on__gte=since)
    if until is not None:
        qs = qs.filter(occurred_on__lte=until)
    # Newest first, by day and then time (a contact's day is the local date
    # of its time, so the order is the same): the day index gives the
    # order, and only the page is read. Its related rows and attachment
    # counts come for the page, not joined and grouped for every match.
    attachments = (
        ContactAttachment.objects.filter(contact_id=OuterRef("pk"))
        .order_by()
        .values("contact_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.prefetch_related("client", "matter", "user")
        .annotate(
            attachment_count=Coalesce(
                Subquery(attachments, output_field=IntegerField()), 0
            )
        )
        .order_by("-occurred_on", "-occurred_at", "-pk")
    )


def contact_get(*, actor: User, pk: int) -> Contact:
    """Return contact ``pk`` if ``actor`` may see it, else ``DoesNotExist``."""
    return (
        _restrict(Contact.objects.all(), actor)
        .select_related("client", "matter", "user", "recorded_by")
        .prefetch_related("attachments", "satisfied_duties__rule")
        .get(pk=pk)
    )


def attachment_get(*, actor: User, contact: int, pk: int) -> ContactAttachment:
    """Return an attachment of a contact ``actor`` may see."""
    visible = _restrict(Contact.objects.all(), actor).filter(pk=contact)
    return ContactAttachment.objects.select_related(
        "contact", "contact__client", "data_key"
    ).get(pk=pk, contact__in=visible)


# --------------------------------------------------------------------------
# Duties


def duty_list(
    *,
    actor: User,
    status: str | None = None,
    tier: str | None = None,
    user: int | None = None,
    client: int | None = None,
    kind: str | None = None,
    mine: bool = False,
    due_before: dt.date | None = None,
    due_after: dt.date | None = None,
) -> QuerySet[Duty]:
    """Return the duties ``actor`` may see, by due date, filtered.

    ``status`` is a duty status or ``pending`` (open or overdue); ``mine``
    keeps the duties ``actor`` is responsible for.
    """
    qs = _restrict(Duty.objects.all(), actor)
    if status == "pending":
        qs = qs.filter(status__in=PENDING_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if tier:
        qs = qs.filter(client__tier=tier)
    if user is not None:
        qs = qs.filter(responsible_id=user)
    if mine:
        qs = qs.filter(responsible_id=actor.pk)
    if client is not None:
        qs = qs.filter(client_id=client)
    if kind:
        rules = list(DutyRule.objects.filter(kind=kind).values_list("pk", flat=True))
        qs = qs.filter(rule_id__in=rules)
        if status == "pending":
            # Owed duties stated by their dates too (the same rows, check
            # constraints say), so the index of owed duties by rule serves.
            qs = qs.filter(OWED)
    if due_before is not None:
        qs = qs.filter(due_date__lte=due_before)
    if due_after is not None:
        qs = qs.filter(due_date__gte=due_after)
    # Related rows are fetched for the page once it is cut, not joined: a
    # join would be made for every matching duty before the sort picks the
    # page (seconds for all owed duties of a large firm; milliseconds so).
    return qs.prefetch_related(
        "client", "matter", "rule", "responsible", "satisfied_by"
    ).order_by("due_date", "pk")


def duty_get(*, actor: User, pk: int) -> Duty:
    """Return duty ``pk`` if ``actor`` may see it, else ``Duty.DoesNotExist``."""
    return (
        _restrict(Duty.objects.all(), actor)
        .select_related(
            "client",
            "client__owner",
            "matter",
            "hearing",
            "rule",
            "responsible",
            "satisfied_by",
            "satisfied_by__user",
            "done_by",
        )
        .get(pk=pk)
    )


def duty_document_get(*, actor: User, duty: int, pk: int) -> DutyDocument:
    """Return a document of a duty ``actor`` may see."""
    visible = _restrict(Duty.objects.all(), actor).filter(pk=duty)
    return DutyDocument.objects.select_related("duty", "data_key").get(
        pk=pk, duty__in=visible
    )


def duty_rule_list() -> QuerySet[DutyRule]:
    """Return every duty rule in display order."""
    return DutyRule.objects.order_by("position", "pk")


# --------------------------------------------------------------------------
# Compliance (SPEC §4 "the system shows each client's compliance and who is
# overdue")


@dataclass(frozen=True)
class ComplianceRow:
    """Compliance figures of one group (a lawyer, a tier, the firm, a client).

    ``due_this_week``: open duties due from today to Sunday. ``overdue``:
    duties past their due date and not done. ``done_on_time`` and
    ``done_late``: duties due in the dashboard window (default the last 90
    days) done by / after their due date. ``non_compliant``: contacts over
    personal WeChat or QQ in the same window. ``rate``: on time ÷ (on time
    + late + overdue) in the window, in percent, or None with nothing due.
    """

    key: str
    label: str
    due_this_week: int = 0
    overdue: int = 0
    done_on_time: int = 0
    done_late: int = 0
    non_compliant: int = 0
    overdue_in_window: int = 0

    @property
    def rate(self) -> int | None:
        total = self.done_on_time + self.done_late + self.overdue_in_window
        return round(100 * self.done_on_time / total) if total else None


def _duty_kinds(today: dt.date, since: dt.date) -> tuple[Q, Q, Q]:
    """Return the duties the figures count: open and due this week; overdue;
    done and due in the window. Each is one range of the (status, due date)
    index."""
    return (
        Q(status=DutyStatus.OPEN, due_date__gte=today, due_date__lte=week_end(today)),
        Q(status=DutyStatus.OVERDUE),
        Q(status=DutyStatus.DONE, due_date__gte=since, due_date__lte=today),
    )


def _duty_counts(today: dt.date, since: dt.date) -> dict[str, Any]:
    due_this_week, overdue, done = _duty_kinds(today, since)
    in_window = Q(due_date__gte=since, due_date__lte=today)
    return {
        "due_this_week": Count("pk", filter=due_this_week),
        "overdue": Count("pk", filter=overdue),
        "done_on_time": Count("pk", filter=done & Q(done_on__lte=F("due_date"))),
        "done_late": Count("pk", filter=done & Q(done_on__gt=F("due_date"))),
        "overdue_in_window": Count("pk", filter=overdue & in_window),
    }


def _window(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=int(service_policy_get().dashboard_window_days))


def _row(
    key: str, label: str, counts: dict[str, Any], non_compliant: int
) -> ComplianceRow:
    return ComplianceRow(
        key=key,
        label=label,
        due_this_week=counts.get("due_this_week", 0),
        overdue=counts.get("overdue", 0),
        done_on_time=counts.get("done_on_time", 0),
        done_late=counts.get("done_late", 0),
        overdue_in_window=counts.get("overdue_in_window", 0),
        non_compliant=non_compliant,
    )


@dataclass(frozen=True)
class ClientCompliance:
    """A client's service compliance, for its page (SPEC §4)."""

    client_id: int
    summary: ComplianceRow
    last_contact_on: dt.date | None
    next_due: list[Duty] = field(default_factory=list)
    overdue: list[Duty] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``overdue``, ``due`` (something due this week) or ``ok``."""
        if self.summary.overdue:
            return "overdue"
        if self.summary.due_this_week:
            return "due"
        return "ok"


def client_compliance(
    *, actor: User, client: Client, today: dt.date | None = None
) -> ClientCompliance:
    """Return ``client``'s compliance summary; ``DoesNotExist`` if not visible.

    Five queries: the figures, the non-compliant contacts, the last contact,
    the next owed duties and the overdue ones.
    """
    if not actor.has_perm("service.view_duty", client):
        raise Client.DoesNotExist("not visible")
    day = today or timezone.localdate()
    since = _window(day)
    duties = Duty.objects.filter(client_id=client.pk)
    counts = duties.aggregate(**_duty_counts(day, since))
    contacts = Contact.objects.filter(client_id=client.pk)
    non_compliant = contacts.filter(
        compliant_channel=False, occurred_on__gte=since, occurred_on__lte=day
    ).count()
    last = contacts.aggregate(last=Max("occurred_on"))["last"]
    owed = duties.select_related("rule", "matter")
    return ClientCompliance(
        client_id=client.pk,
        summary=_row(str(client.pk), client.name, counts, non_compliant),
        last_contact_on=last,
        next_due=list(owed.filter(status=DutyStatus.OPEN).order_by("due_date")[:5]),
        overdue=list(owed.filter(status=DutyStatus.OVERDUE).order_by("due_date")),
    )


@dataclass(frozen=True)
class Dashboard:
    """Compliance firm-wide, per tier and per lawyer (SPEC §4)."""

    today: dt.date
    since: dt.date
    firm: ComplianceRow
    tiers: list[ComplianceRow]
    lawyers: list[ComplianceRow]


def compliance_dashboard(*, actor: User, today: dt.date | None = None) -> Dashboard:
    """Return the compliance dashboard over the duties ``actor`` may see.

    The director and partners see the whole firm; a lawyer or assistant
    the clients they see. Three queries, whatever the number of duties.
    """
    from lexkeep.clients.choices import Tier

    day = today or timezone.localdate()
    since = _window(day)
    duties = _restrict(Duty.objects.all(), actor)
    contacts = _restrict(Contact.objects.all(), actor).filter(
        compliant_channel=False, occurred_on__gte=since, occurred_on__lte=day
    )
    counts = _duty_counts(day, since)
    # One pass over the duties that can count, grouped by tier and lawyer;
    # the firm, tier and lawyer rows are sums of those groups.
    due_this_week, overdue, done = _duty_kinds(day, since)
    relevant = due_this_week | overdue | done
    firm: dict[str, int] = defaultdict(int)
    by_tier: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_user: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        duties.filter(relevant)
        .values("client__tier", "responsible_id")
        .annotate(**counts)
        .order_by()
    ):
        tier, user_id = row.pop("client__tier"), row.pop("responsible_id")
        for name, value in row.items():
            firm[name] += value
            by_tier[tier][name] += value
            if user_id is not None:
                by_user[user_id][name] += value
    nc_tier: dict[str, int] = defaultdict(int)
    nc_user: dict[int, int] = defaultdict(int)
    for tier, user_id, n in (
        contacts.values_list("client__tier", "user_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        nc_tier[tier] += n
        nc_user[user_id] += n
    people = {
        u.pk: u.display_name
        for u in User.objects.filter(pk__in=set(by_user) | set(nc_user))
    }
    lawyers = sorted(
        (
            _row(
                str(pk),
                people.get(pk, str(pk)),
                by_user.get(pk, {}),
                nc_user.get(pk, 0),
            )
            for pk in set(by_user) | set(nc_user)
        ),
        key=lambda r: (-r.overdue, -r.due_this_week, r.label),
    )
    return Dashboard(
        today=day,
        since=since,
        firm=_row("firm", "", firm, sum(nc_tier.values())),
        tiers=[
            _row(
                t.value, str(t.label), by_tier.get(t.value, {}), nc_tier.get(t.value, 0)
            )
            for t in Tier
        ],
        lawyers=lawyers,
    )


# --------------------------------------------------------------------------
# Notifications


def notification_list(
    *, user: User, unread_only: bool = False
) -> QuerySet[Notification]:
    """Return ``user``'s notifications, newest first."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def notification_unread_count(*, user: User) -> int:
    """Return how many of ``user``'s notifications are unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
