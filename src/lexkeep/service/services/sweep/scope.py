"""Which clients, matters, duties and contacts a duty rule concerns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q, QuerySet

from lexkeep.clients.models import Client
from lexkeep.matters.models import Matter
from lexkeep.service.choices import DutyCondition
from lexkeep.service.models import Contact, Duty, DutyRule


def live_duties(rule: DutyRule) -> QuerySet[Duty]:
    """Return the duties of ``rule`` that are not cancelled.

    Filtered on ``cancelled_on`` (set exactly when a duty is cancelled, a
    check constraint says so): the condition of the partial unique index
    on (client, rule, period), which can then serve the lookup.
    """
    return Duty.objects.filter(rule=rule, cancelled_on__isnull=True)


#: Owed duties (open or overdue), as the partial index of owed duties
#: states it: a duty is done exactly when it has ``done_on`` and cancelled
#: exactly when it has ``cancelled_on`` (check constraints on the table).
OWED = Q(done_on__isnull=True, cancelled_on__isnull=True)


def owed_duties(rule: DutyRule) -> QuerySet[Duty]:
    """Return the duties of ``rule`` still owed (open or overdue)."""
    return Duty.objects.filter(OWED, rule=rule)


def _conditions(rule: DutyRule, prefix: str = "") -> dict[str, object]:
    lookups: dict[str, object] = {}
    if rule.tier:
        lookups[f"{prefix}tier"] = rule.tier
    if rule.condition == DutyCondition.NEWS_ALLOWED:
        lookups[f"{prefix}news_opt_out"] = False
    return lookups


def clients_for(rule: DutyRule, client_ids: Sequence[int] | None) -> QuerySet[Client]:
    """Return the clients ``rule`` applies to (tier, condition), maybe some only."""
    qs = Client.objects.filter(**_conditions(rule))
    if rule.condition == DutyCondition.OPEN_MATTER:
        qs = qs.filter(
            Exists(
                Matter.objects.filter(
                    client_id=OuterRef("pk"), status=Matter.Status.OPEN
                )
            )
        )
    if client_ids is not None:
        qs = qs.filter(pk__in=client_ids)
    return qs.order_by()


def matters_for(rule: DutyRule, client_ids: Sequence[int] | None) -> QuerySet[Matter]:
    """Return the matters a matter-scoped ``rule`` applies to."""
    qs = Matter.objects.filter(**_conditions(rule, "client__"))
    if rule.condition == DutyCondition.OPEN_MATTER:
        qs = qs.filter(status=Matter.Status.OPEN)
    if client_ids is not None:
        qs = qs.filter(client_id__in=client_ids)
    return qs.order_by()


def matching_contacts(rule: DutyRule, *, today: dt.date) -> QuerySet[Contact]:
    """Return contacts that can satisfy a duty of ``rule`` (not yet by window).

    Channel among the rule's channels, purpose if the rule requires one,
    and a date no later than ``today``.
    """
    qs = Contact.objects.filter(channel__in=list(rule.channels), occurred_on__lte=today)
    if rule.required_purpose:
        qs = qs.filter(purpose=rule.required_purpose)
    return qs
