"""Step 3 (cont.): satisfy owed duties with logged contacts (SPEC §4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import DateField, Exists, IntegerField, OuterRef, Q, Subquery

from lexkeep.service.choices import (
    CALENDAR_CADENCES,
    DutyScope,
    DutyStatus,
)
from lexkeep.service.models import Duty, DutyRule
from lexkeep.service.periods import calendar_period
from lexkeep.service.services.sweep.scope import matching_contacts, owed_duties


def derived_worth_matching(
    rule: DutyRule, *, derived_after: int, today: dt.date, written: int | None = None
) -> Q:
    """Return the duties of ``rule`` derived after id ``derived_after`` that a
    logged contact could satisfy (``written``: how many were, if known).

    A calendar duty derived now is of the current period, so only a client
    with a matching contact since the period began can have one done. On
    the first day of a period every client gets a new duty and hardly any
    contact is in the period yet: the match is then driven from those
    contacts instead of probing the contacts of every new duty. Which side
    is smaller is counted (each count stops at the other's size).
    """
    fresh = Q(pk__gt=derived_after)
    if rule.cadence not in CALENDAR_CADENCES:
        return fresh
    start = calendar_period(rule.cadence, today).start
    in_period = matching_contacts(rule, today=today).filter(occurred_on__gte=start)
    new_duties = (
        Duty.objects.filter(fresh, rule=rule).order_by().count()
        if written is None
        else written
    )
    if not new_duties:
        return fresh
    if in_period.order_by()[:new_duties].count() >= new_duties:
        return fresh
    return fresh & Q(client_id__in=in_period.order_by().values("client_id"))


def match_contacts(
    *,
    rules: Sequence[DutyRule],
    today: dt.date,
    client_ids: Sequence[int] | None = None,
    only: Q | None = None,
) -> int:
    """Satisfy owed duties with the earliest matching contact in their window.

    A contact matches when its channel is one of the rule's, its purpose is
    the rule's (if required), its matter is the duty's (matter duties), and
    its date lies in the window: from ``period_start``; for calendar periods
    no later than ``due_date`` (later contacts belong to the next period);
    for every-N-days and event duties any later day, which makes the duty
    done late. ``only`` narrows the duties looked at (the sweep passes the
    duties just derived and the clients with contacts logged since the last
    sweep). Return the number of duties satisfied.
    """
    satisfied = 0
    for rule in rules:
        contacts = matching_contacts(rule, today=today).filter(
            client_id=OuterRef("client_id"), occurred_on__gte=OuterRef("period_start")
        )
        if rule.cadence in CALENDAR_CADENCES:
            contacts = contacts.filter(occurred_on__lte=OuterRef("due_date"))
        if rule.scope == DutyScope.MATTER:
            contacts = contacts.filter(matter_id=OuterRef("matter_id"))
        first = contacts.order_by("occurred_at", "pk")
        owed = owed_duties(rule).filter(satisfied_by__isnull=True)
        if client_ids is not None:
            owed = owed.filter(client_id__in=client_ids)
        if only is not None:
            owed = owed.filter(only)
        satisfied += owed.filter(Exists(contacts)).update(
            status=DutyStatus.DONE,
            satisfied_by=Subquery(first.values("pk")[:1], output_field=IntegerField()),
            done_on=Subquery(first.values("occurred_on")[:1], output_field=DateField()),
        )
    return satisfied
