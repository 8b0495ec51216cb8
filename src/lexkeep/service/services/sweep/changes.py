"""What changed since the last sweep, so a sweep touches only that.

Contacts are never edited once logged, and every change to a client or a
matter goes through its service and leaves a history row (django-simple-
history), so three ever-growing ids say what is new since the last sweep:
the last contact, client history row and matter history row it saw. They
are stored on the :class:`~lexkeep.service.models.ServicePolicy` row.

Every duty is matched against all contacts when it is derived, so a sweep
matches the duties it did not derive only for clients with contacts
logged since the last sweep — and all owed duties of a rule the director
changed since then. Tier, opt-out, owner and closing changes are checked
for the changed clients and matters only. The first sweep checks all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q, QuerySet

from lexkeep.clients.models import Client
from lexkeep.matters.models import Matter
from lexkeep.service.models import Contact, DutyRule, ServicePolicy


def _top(qs: QuerySet[Any], name: str) -> int:
    return int(qs.aggregate(top=Max(name))["top"] or 0)


@dataclass(frozen=True)
class Marks:
    """The last contact, client history row and matter history row seen."""

    contact: int = 0
    client_history: int = 0
    matter_history: int = 0

    @classmethod
    def current(cls) -> Marks:
        return cls(
            contact=_top(Contact.objects.all(), "pk"),
            client_history=_top(Client.history.all(), "history_id"),
            matter_history=_top(Matter.history.all(), "history_id"),
        )

    @classmethod
    def stored(cls, policy: ServicePolicy) -> Marks | None:
        if policy.swept_at is None:
            return None
        return cls(
            contact=policy.contacts_swept_through,
            client_history=policy.clients_swept_through,
            matter_history=policy.matters_swept_through,
        )

    def store(self, policy: ServicePolicy, *, at: dt.datetime) -> None:
        ServicePolicy.objects.filter(pk=policy.pk).update(
            contacts_swept_through=self.contact,
            clients_swept_through=self.client_history,
            matters_swept_through=self.matter_history,
            swept_at=at,
        )


@dataclass(frozen=True)
class Changes:
    """The changes between the ``last`` sweep's marks and ``now``."""

    last: Marks | None
    now: Marks
    rematch: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def since(cls, policy: ServicePolicy, rules: list[DutyRule]) -> Changes:
        last = Marks.stored(policy)
        swept_at = policy.swept_at
        return cls(
            last=last,
            now=Marks.current(),
            rematch=frozenset(
                r.pk for r in rules if swept_at is None or r.updated_at >= swept_at
            ),
        )

    @property
    def first(self) -> bool:
        return self.last is None

    @property
    def clients_changed(self) -> bool:
        return self.last is None or self.now.client_history > self.last.client_history

    @property
    def matters_changed(self) -> bool:
        return self.last is None or self.now.matter_history > self.last.matter_history

    def clients(self) -> QuerySet[Any]:
        """Ids of the clients changed since the last sweep."""
        low = self.last.client_history if self.last else 0
        return Client.history.filter(
            history_id__gt=low, history_id__lte=self.now.client_history
        ).values("id")

    def matters(self) -> QuerySet[Any]:
        """Ids of the matters changed since the last sweep."""
        low = self.last.matter_history if self.last else 0
        return Matter.history.filter(
            history_id__gt=low, history_id__lte=self.now.matter_history
        ).values("id")

    def duties_to_match(self, rule: DutyRule, *, derived_after: int) -> Q | None:
        """Return which owed duties of ``rule`` need matching (None: all)."""
        if self.first or rule.pk in self.rematch:
            return None
        assert self.last is not None  # noqa: S101 - not the first sweep
        fresh = Q(pk__gt=derived_after)
        if self.now.contact <= self.last.contact:
            return fresh
        clients = Contact.objects.filter(
            pk__gt=self.last.contact, pk__lte=self.now.contact
        ).values("client_id")
        return fresh | Q(client_id__in=clients)
