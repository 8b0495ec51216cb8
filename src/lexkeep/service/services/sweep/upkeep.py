"""Steps 1, 2 and 4 of the sweep: cancel, hand over, mark overdue.

Each step is a few UPDATEs joined to clients, matters and hearings,
whatever the number of duties; a step only touches rows still in the
state it changes, so running it twice changes nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from lexkeep.clients.models import Client
from lexkeep.matters.models import Hearing, Matter
from lexkeep.service.choices import (
    Cadence,
    DutyCondition,
    DutyEvent,
    DutyScope,
    DutyStatus,
)
from lexkeep.service.models import Duty, DutyRule
from lexkeep.service.services.sweep import sql
from lexkeep.service.services.sweep.changes import Changes
from lexkeep.service.services.sweep.scope import OWED


def _cancel(qs: QuerySet[Duty], *, today: dt.date, reason: str) -> int:
    return Duty.objects.filter(pk__in=qs.filter(OWED).values("pk")).update(
        status=DutyStatus.CANCELLED, cancelled_on=today, cancel_reason=reason
    )


def _moved_event() -> Q:
    hearing_day = sql.local_date("scheduled_at")
    moved_hearing = Q(rule__event=DutyEvent.HEARING) & (
        Q(hearing__isnull=True)
        | ~Exists(
            Hearing.objects.annotate(day=hearing_day).filter(
                pk=OuterRef("hearing_id"), day=OuterRef("event_on")
            )
        )
    )
    moved_filing = Q(rule__event=DutyEvent.FILING) & ~Exists(
        Matter.objects.filter(
            pk=OuterRef("matter_id"), filing_date=OuterRef("event_on")
        )
    )
    moved_judgment = Q(rule__event=DutyEvent.JUDGMENT) & ~Exists(
        Matter.objects.filter(
            pk=OuterRef("matter_id"), judgment_date=OuterRef("event_on")
        )
    )
    return Q(moved_hearing | moved_filing | moved_judgment)


def cancel_inapplicable(
    *,
    today: dt.date,
    client_ids: Sequence[int] | None = None,
    changes: Changes | None = None,
) -> int:
    """Cancel owed duties whose reason is gone; return how many.

    A tier change cancels (never deletes) the open duties of the old tier
    (SPEC §2.1, §2.2); the new tier's duties are derived from that day.
    With ``changes``, tiers, opt-outs and closings are checked only for the
    clients and matters changed since the last sweep (every change to them
    is recorded in their history); switched-off rules and moved events
    always.
    """
    base = Duty.objects.all()
    if client_ids is not None:
        base = base.filter(client_id__in=client_ids)
    rules = {rule.pk: rule for rule in DutyRule.objects.all()}
    by_client, by_matter = base, base
    if changes is not None and not changes.first:
        by_client = (
            base.filter(client_id__in=changes.clients())
            if changes.clients_changed
            else base.none()
        )
        by_matter = (
            base.filter(matter_id__in=changes.matters())
            if changes.matters_changed
            else base.none()
        )
    steps: list[tuple[QuerySet[Duty], str]] = [
        (base.filter(rule_id__in=[r.pk for r in rules.values() if not r.active]),
         "rule_off"),
        *[
            (by_client.filter(rule_id=r.pk).exclude(client__tier=r.tier),
             "tier_changed")
            for r in rules.values()
            if r.active and r.tier
        ],
        (
            by_client.filter(
                rule_id__in=[
                    r.pk
                    for r in rules.values()
                    if r.condition == DutyCondition.NEWS_ALLOWED
                ],
                client__news_opt_out=True,
            ),
            "opted_out",
        ),
        (
            by_matter.filter(
                rule_id__in=[
                    r.pk
                    for r in rules.values()
                    if r.condition == DutyCondition.OPEN_MATTER
                    and r.scope == DutyScope.MATTER
                ],
                matter__status=Matter.Status.CLOSED,
            ),
            "matter_closed",
        ),
        (
            base.filter(
                rule_id__in=[
                    r.pk for r in rules.values() if r.cadence == Cadence.EVENT
                ]
            ).filter(_moved_event()),
            "event_moved",
        ),
    ]  # fmt: skip
    return sum(
        _cancel(qs, today=today, reason=reason)
        for qs, reason in steps
        if not qs.query.is_empty()
    )


def refresh_responsible(
    *, client_ids: Sequence[int] | None = None, changes: Changes | None = None
) -> int:
    """Give owed duties to the client's relationship owner (SPEC §2.2).

    Matter duties of a client without an owner go to the matter's
    supervising lawyer. Three joined UPDATEs, whatever the number of rows;
    with ``changes``, only for the clients and matters changed since the
    last sweep.
    """
    owed = Duty.objects.filter(OWED)
    if client_ids is not None:
        owed = owed.filter(client_id__in=client_ids)
    if changes is not None and not changes.first:
        if not (changes.clients_changed or changes.matters_changed):
            return 0
        owed = owed.filter(
            Q(client_id__in=changes.clients()) | Q(matter_id__in=changes.matters())
        )
    owner = Subquery(
        Client.objects.filter(pk=OuterRef("client_id")).values("owner_id")[:1],
        output_field=IntegerField(),
    )
    supervisor = Subquery(
        Matter.objects.filter(pk=OuterRef("matter_id")).values("supervising_lawyer_id")[
            :1
        ],
        output_field=IntegerField(),
    )
    to_owner = owed.filter(client__owner__isnull=False).exclude(
        responsible_id=F("client__owner_id")
    )
    to_supervisor = owed.filter(
        client__owner__isnull=True, matter__isnull=False
    ).exclude(responsible_id=F("matter__supervising_lawyer_id"))
    changed = Duty.objects.filter(pk__in=to_owner.values("pk")).update(
        responsible_id=owner
    )
    changed += Duty.objects.filter(pk__in=to_supervisor.values("pk")).update(
        responsible_id=supervisor
    )
    changed += owed.filter(
        client__owner__isnull=True, matter__isnull=True, responsible__isnull=False
    ).update(responsible=None)
    return changed


def mark_overdue(*, today: dt.date, client_ids: Sequence[int] | None = None) -> int:
    """Mark open duties whose due date has passed as overdue (step 4)."""
    qs = Duty.objects.filter(status=DutyStatus.OPEN, due_date__lt=today)
    if client_ids is not None:
        qs = qs.filter(client_id__in=client_ids)
    return qs.update(status=DutyStatus.OVERDUE)
