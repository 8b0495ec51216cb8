"""Writes on service duties: marking done by a contact, and the rules as data.

A duty's lifecycle is one table (:data:`DUTY_LIFECYCLE`): an open duty
becomes overdue after its due date; an open or overdue duty becomes done
when a contact satisfies it, or cancelled when its reason is gone. Done and
cancelled are final.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.core.audit import audit_log
from lexkeep.core.exceptions import Lifecycle
from lexkeep.service.choices import CALENDAR_CADENCES, Cadence, DutyScope, DutyStatus
from lexkeep.service.models import Contact, Duty, DutyRule, ServicePolicy
from lexkeep.service.services.sweep import advance, mark_overdue, service_policy_get

DUTY_LIFECYCLE = Lifecycle(
    "duty",
    {
        DutyStatus.OPEN: {
            "complete": DutyStatus.DONE,
            "overdue": DutyStatus.OVERDUE,
            "cancel": DutyStatus.CANCELLED,
        },
        DutyStatus.OVERDUE: {
            "complete": DutyStatus.DONE,
            "cancel": DutyStatus.CANCELLED,
        },
        DutyStatus.DONE: {},
        DutyStatus.CANCELLED: {},
    },
)

#: Fields of a rule the director may change.
RULE_FIELDS = (
    "interval_days",
    "offset_days",
    "window_days",
    "channels",
    "purpose_required",
    "active",
)


@transaction.atomic
def duty_complete(
    *,
    actor: User,
    duty: Duty,
    contact: Contact,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Duty:
    """Mark ``duty`` done by linking a logged ``contact`` (SPEC §4).

    For a contact logged without the duty's purpose (a fee statement sent
    as a "general" email). The contact must be of the same client (and of
    the duty's matter for a matter duty), over one of the rule's channels,
    and dated in the duty's window (from its start; for a calendar period
    no later than its last day). An every-N-days duty restarts its clock
    at the contact, as when the contact matched by itself.
    """
    if not actor.has_perm("service.complete_duty", duty.client):
        raise PermissionDenied(_("You may not mark this duty done."))
    DUTY_LIFECYCLE.next_state(duty.status, "complete")
    rule = duty.rule
    errors: list[str] = []
    if contact.client_id != duty.client_id:
        errors.append(_("The contact is with another client."))
    elif rule.scope == DutyScope.MATTER and contact.matter_id != duty.matter_id:
        errors.append(_("The contact is not about this duty's matter."))
    if contact.channel not in rule.channels:
        errors.append(_("This duty is not satisfied over this channel."))
    if contact.occurred_on < duty.period_start:
        errors.append(_("The contact took place before the duty's period."))
    elif rule.cadence in CALENDAR_CADENCES and contact.occurred_on > duty.due_date:
        errors.append(_("The contact took place after the duty's period."))
    if errors:
        raise ValidationError({"contact": errors})
    duty.status = DUTY_LIFECYCLE.next_state(duty.status, "complete")
    duty.satisfied_by = contact
    duty.done_on = contact.occurred_on
    duty.done_by = actor
    duty.full_clean()
    duty.save()
    audit_log(
        action="duty.completed",
        actor=actor,
        object_type="service.duty",
        object_id=duty.pk,
        detail={"client": duty.client_id, "contact": contact.pk},
        request=request,
    )
    if rule.cadence == Cadence.EVERY_N_DAYS:
        day = today or timezone.localdate()
        advance(
            rules=[rule],
            today=day,
            now=timezone.now(),
            client_ids=[duty.client_id],
            lookback_days=service_policy_get().event_lookback_days,
        )
        mark_overdue(today=day, client_ids=[duty.client_id])
    return duty


@transaction.atomic
def duty_rule_update(*, actor: User, rule: DutyRule, **changes: Any) -> DutyRule:
    """Change a duty rule (director only); the next sweep applies it.

    Only the numbers, channels, purpose requirement and whether the rule
    is active may change; the standard's kinds and cadences stay.
    """
    if not actor.has_perm("service.change_dutyrule"):
        raise PermissionDenied(_("Only the director may change the duty rules."))
    unknown = sorted(set(changes) - set(RULE_FIELDS))
    if unknown:
        raise ValidationError(
            {name: [_("This field cannot be changed.")] for name in unknown}
        )
    previous = {name: getattr(rule, name) for name in changes}
    for name, value in changes.items():
        setattr(rule, name, value)
    if rule.cadence == Cadence.EVERY_N_DAYS and not rule.interval_days:
        raise ValidationError({"interval_days": [_("Give the number of days.")]})
    rule.updated_by = actor
    rule.full_clean()
    rule.save()
    audit_log(
        action="duty_rule.updated",
        actor=actor,
        object_type="service.dutyrule",
        object_id=rule.pk,
        detail={"code": rule.code, "previous": previous, "changes": changes},
    )
    return rule


@transaction.atomic
def service_policy_update(
    *,
    actor: User,
    reminder_days_before: int,
    event_lookback_days: int,
    dashboard_window_days: int,
) -> ServicePolicy:
    """Change the service engine's tunable numbers (director only)."""
    if not actor.has_perm("service.change_dutyrule"):
        raise PermissionDenied(_("Only the director may change the service policy."))
    policy = service_policy_get()
    policy.reminder_days_before = reminder_days_before
    policy.event_lookback_days = event_lookback_days
    policy.dashboard_window_days = dashboard_window_days
    policy.full_clean()
    policy.save()
    audit_log(
        action="service_policy.updated",
        actor=actor,
        object_type="service.servicepolicy",
        object_id=policy.pk,
        detail={
            "reminder_days_before": reminder_days_before,
            "event_lookback_days": event_lookback_days,
            "dashboard_window_days": dashboard_window_days,
        },
    )
    return policy
