"""What changed since the last sweep, so a sweep touches only that.

Every change to a client or a matter goes through its service and leaves a
history row (django-simple-history, ``history_date`` indexed), and every
contact carries the time it was recorded (``recorded_at``, indexed) and is
never edited afterwards. So "changed since the last sweep" is "recorded
since the last sweep started", less :data:`OVERLAP` for a transaction that
began before that sweep and committed after it (on PostgreSQL a sweep does
not wait for other writers). The start of each sweep is stored on the
:class:`~lexkeep.service.models.ServicePolicy` row.

Every duty is matched against all contacts when it is derived, so a sweep
matches the duties it did not derive only for clients with contacts
recorded since the last sweep or dated after the day it checked — and all
owed duties of a rule the director changed since then. Tier, opt-out,
owner and closing changes are checked for the changed clients and matters
only. The first sweep checks all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from lexkeep.clients.models import Client
from lexkeep.matters.models import Matter
from lexkeep.service.models import Contact, DutyRule, ServicePolicy
from lexkeep.service.services.sweep.match import derived_worth_matching

#: A sweep looks back this far before the previous sweep's start.
OVERLAP = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Changes:
    """What changed on or after ``since`` (``None``: the first sweep, all)."""

    since: dt.datetime | None
    rematch: frozenset[int] = field(default_factory=frozenset)
    #: The day the last sweep checked (contacts dated later were not yet due).
    last_day: dt.date | None = None

    @classmethod
    def since_last_sweep(cls, policy: ServicePolicy, rules: list[DutyRule]) -> Changes:
        since = policy.swept_at - OVERLAP if policy.swept_at else None
        return cls(
            since=since,
            last_day=policy.swept_on,
            rematch=frozenset(
                r.pk for r in rules if since is None or r.updated_at >= since
            ),
        )

    @property
    def first(self) -> bool:
        return self.since is None

    def clients(self) -> QuerySet[Any]:
        """Ids of the clients changed since the last sweep."""
        return Client.history.filter(history_date__gte=self.since).values("id")

    def matters(self) -> QuerySet[Any]:
        """Ids of the matters changed since the last sweep."""
        return Matter.history.filter(history_date__gte=self.since).values("id")

    def new_contacts(self, today: dt.date) -> Q:
        """Contacts that can satisfy a duty now but could not at the last sweep.

        Those recorded since, and those dated after the last sweep's day up
        to ``today``: a contact imported ahead of its date (a meeting logged
        in advance) becomes a match only when its day comes.
        """
        new = Q(recorded_at__gte=self.since)
        if self.last_day is not None and self.last_day < today:
            new |= Q(occurred_on__gt=self.last_day, occurred_on__lte=today)
        return new

    @property
    def clients_changed(self) -> bool:
        return self.first or self.clients().exists()

    @property
    def matters_changed(self) -> bool:
        return self.first or self.matters().exists()

    def duties_to_match(
        self,
        rule: DutyRule,
        *,
        derived_after: int,
        today: dt.date,
        written: int | None = None,
    ) -> Q:
        """Return which owed duties of ``rule`` need matching.

        In a first sweep, or for a rule changed since the last, every owed
        duty written before this derivation; of those derived now, only
        the ones a contact could satisfy (:func:`.match.derived_worth_matching`).
        """
        fresh = derived_worth_matching(
            rule, derived_after=derived_after, today=today, written=written
        )
        if self.first or rule.pk in self.rematch:
            return fresh | Q(pk__lte=derived_after)
        contacts = Contact.objects.filter(self.new_contacts(today))
        if not contacts.exists():
            return fresh
        return fresh | Q(client_id__in=contacts.values("client_id"))
