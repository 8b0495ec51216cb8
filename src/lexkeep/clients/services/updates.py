"""Triggered updates: major changes recorded within 2 working days (SPEC §2.4).

When a major change happens (contact details, legal representative, a
change to the engaged matter), the handling lawyer records it within **2
working days** of the day it happened: it is due on
``add_working_days(occurred_on, 2)`` (the day of the change never counts;
statutory holidays and 调休 make-up days count correctly) and is flagged
``late`` if the firm-local day it was recorded is after that.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.clients.models import Client, ClientUpdate
from lexkeep.core.audit import audit_log
from lexkeep.core.workdays import add_working_days

#: Working days the standard allows for recording a major change (SPEC §2.4).
UPDATE_WORKING_DAYS = 2


@transaction.atomic
def client_update_record(
    *,
    actor: User,
    client: Client,
    kind: str,
    description: str,
    occurred_on: dt.date,
    matter: object | None = None,
    now: dt.datetime | None = None,
) -> ClientUpdate:
    """Record a major change of ``client`` and whether it came late (SPEC §2.4).

    ``occurred_on`` may not lie after the recording day; ``matter``, when
    given, must be one of the client's matters. ``now`` defaults to the
    current time (tests pass it).
    """
    if not actor.has_perm("clients.change_client", client):
        raise PermissionDenied(_("You may not record changes for this client."))
    recorded_at = now or timezone.now()
    recorded_on = timezone.localdate(recorded_at)
    errors: dict[str, list[str]] = {}
    if occurred_on > recorded_on:
        errors["occurred_on"] = [_("A change cannot have happened in the future.")]
    if matter is not None and getattr(matter, "client_id", None) != client.pk:
        errors["matter"] = [_("The matter is not one of this client's matters.")]
    if errors:
        raise ValidationError(errors)
    due_on = add_working_days(occurred_on, UPDATE_WORKING_DAYS)
    update = ClientUpdate(
        client=client,
        matter=matter,  # type: ignore[misc]
        kind=kind,
        description=(description or "").strip(),
        occurred_on=occurred_on,
        due_on=due_on,
        recorded_at=recorded_at,
        late=recorded_on > due_on,
        recorded_by=actor,
    )
    update.full_clean()
    update.save()
    audit_log(
        action="client.major_change_recorded",
        actor=actor,
        object_type="clients.client",
        object_id=client.pk,
        detail={"update": update.pk, "kind": kind, "late": update.late},
    )
    return update
