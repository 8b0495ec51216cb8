"""The sweep that derives and checks service duties (SPEC §2.2, §4).

Set-based: every step is one statement (or a few) per
:class:`~lexkeep.service.models.DutyRule`, whatever the number of clients;
no query is issued per client and no row is computed in Python.
Idempotent: a live duty is unique per (client, rule, period), inserts
ignore conflicts, and a step only touches rows still in the state it
changes, so a second run creates nothing.

One run, for ``today``:

1. cancel owed duties that no longer apply: the rule was switched off, the
   client's tier changed (duties of the old tier), the client opted out of
   firm news, the matter closed (weekly notices), or the event moved or
   vanished (a changed filing, hearing or judgment date) — :mod:`.upkeep`;
2. hand owed duties to the client's current relationship owner;
3. derive the duties owed now (the current calendar period; the next
   every-N-days window; each known event — :mod:`.derive`) and match
   logged contacts to owed duties (:mod:`.match`), repeating while
   matching restarts a clock;
4. remind responsible users once before a duty falls due and once when it
   is overdue, turning owed duties past their due date overdue in the same
   write (:mod:`lexkeep.service.services.reminders`).

A sweep looks again only at what changed since the last one
(:mod:`.changes`).

The exact boundaries of each cadence are stated in
:mod:`lexkeep.service.periods`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import nullcontext

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from lexkeep.service.choices import Cadence
from lexkeep.service.models import Duty, DutyRule, ServicePolicy
from lexkeep.service.services.sweep import sql
from lexkeep.service.services.sweep.changes import Changes
from lexkeep.service.services.sweep.derive import derive_duties
from lexkeep.service.services.sweep.match import match_contacts
from lexkeep.service.services.sweep.scope import matching_contacts
from lexkeep.service.services.sweep.upkeep import (
    cancel_inapplicable,
    mark_overdue,
    refresh_responsible,
)

__all__ = [
    "MAX_ROUNDS",
    "Changes",
    "active_rules",
    "advance",
    "cancel_inapplicable",
    "derive_duties",
    "mark_overdue",
    "match_contacts",
    "matching_contacts",
    "refresh_responsible",
    "service_policy_get",
    "sweep_duties",
]

#: A sweep repeats derive-and-match at most this often; a later sweep goes on.
MAX_ROUNDS = 12
#: SQLite page cache of the sweep's connection while it runs (KiB): the
#: duty indexes it writes stay in memory instead of being read back.
SWEEP_CACHE_KIB = 128 * 1024
#: The duty indexes a first sweep keeps while it writes its rows; it builds
#: the others once they are written. Kept: the unique index of live duties
#: (which keeps a duty from being written twice) and the owed duties'
#: (rule, client, matter) index, which matching reads; and three partial
#: indexes that a new row hardly enters (duties with a hearing, satisfied
#: duties, overdue ones not yet reminded), where building would cost a pass
#: over the whole table each.
KEPT_WHILE_FILLING = frozenset(
    {
        "unique_live_duty_per_period",
        "service_duty_owed_idx",
        "service_duty_hearing_idx",
        "service_duty_satisfied_idx",
        "service_duty_unreminded_idx",
    }
)


def service_policy_get() -> ServicePolicy:
    """Return the firm's service policy, creating it with the defaults once."""
    policy = ServicePolicy.objects.order_by("pk").first()
    if policy is None:
        policy, _created = ServicePolicy.objects.get_or_create(pk=1)
    return policy


def active_rules() -> list[DutyRule]:
    """Return the rules in force, in their display order."""
    return list(DutyRule.objects.filter(active=True).order_by("position", "pk"))


def _last_duty_id() -> int:
    return int(Duty.objects.aggregate(top=Max("pk"))["top"] or 0)


def advance(
    *,
    rules: Sequence[DutyRule],
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None = None,
    lookback_days: int = 30,
    changes: Changes | None = None,
    reminding_at: dt.datetime | None = None,
) -> tuple[int, int]:
    """Derive and match until no clock restarts; return (satisfied, rounds).

    Without ``changes`` every owed duty (of ``client_ids``) is matched;
    with them, only the duties derived here and those they name. After the
    first round only every-N-days rules go on, and only their new duties
    are matched: a satisfied duty opens the next window, and another round
    runs only if one was. ``reminding_at``: see :func:`.derive.derive_duties`.
    """
    satisfied = 0
    rounds = 0
    rolling = [r for r in rules if r.cadence == Cadence.EVERY_N_DAYS]
    current = list(rules)
    while rounds < MAX_ROUNDS:
        before = _last_duty_id()
        derived = derive_duties(
            rules=current,
            today=today,
            now=now,
            client_ids=client_ids,
            lookback_days=lookback_days,
            reminding_at=reminding_at,
        )
        reopening = 0
        for rule in current:
            if rule.pk in derived.firsts:
                # Derived for the first time: none of its duties can be done.
                continue
            if rounds == 0 and changes is None:
                only = None
            elif rounds == 0 and changes is not None:
                only = changes.duties_to_match(
                    rule,
                    derived_after=before,
                    today=today,
                    written=derived.written.get(rule.pk),
                )
            else:
                only = Q(pk__gt=before)
            matched = match_contacts(
                rules=[rule], today=today, client_ids=client_ids, only=only
            )
            satisfied += matched
            if rule.cadence == Cadence.EVERY_N_DAYS:
                reopening += matched
        rounds += 1
        # Only a satisfied every-N-days duty opens a new window.
        if not reopening:
            break
        current = rolling
    return satisfied, rounds


def sweep_duties(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Derive and check every service duty now; return what changed.

    Runs every 30 minutes as a Huey task and on demand (``lexkeep sweep``).
    Set-based and idempotent, as the module docstring states.
    """
    from lexkeep.service.services.reminders import send_reminders

    # The cache and the foreign key pragma are set outside the transaction,
    # so a failing sweep rolls back and still restores the connection's.
    with (
        sql.page_cache(SWEEP_CACHE_KIB),
        sql.references_by_construction(),
        transaction.atomic(),
    ):
        return _sweep(today=today, now=now, send_reminders=send_reminders)


def _sweep(
    *,
    today: dt.date | None,
    now: dt.datetime | None,
    send_reminders: Callable[..., dict[str, int]],
) -> dict[str, int]:
    started = timezone.now()
    now = now or started
    today = today or timezone.localdate(now)
    policy = ServicePolicy.objects.select_for_update().get(pk=service_policy_get().pk)
    rules = active_rules()
    changes = Changes.since_last_sweep(policy, rules)
    first_new = _last_duty_id()
    # Into an empty duty table (a firm's first sweep), the large indexes
    # that no step of the derivation reads are built once the rows are
    # written.
    filling = (
        sql.indexes_built_after(Duty._meta.db_table, keep=KEPT_WHILE_FILLING)
        if not first_new
        else nullcontext()
    )
    with filling:
        cancelled = cancel_inapplicable(today=today, changes=changes)
        reassigned = refresh_responsible(changes=changes)
        satisfied, rounds = advance(
            rules=rules,
            today=today,
            now=now,
            lookback_days=policy.event_lookback_days,
            changes=changes,
            reminding_at=now,
        )
    created = Duty.objects.filter(pk__gt=first_new).count()
    # Turns what fell due overdue and reminds, in one write per duty; the
    # duties derived overdue above were stamped when written.
    reminders = send_reminders(
        today=today, now=now, policy=policy, derived_after=first_new
    )
    ServicePolicy.objects.filter(pk=policy.pk).update(swept_at=started, swept_on=today)
    return {
        "created": created,
        "cancelled": cancelled,
        "reassigned": reassigned,
        "satisfied": satisfied,
        "rounds": rounds,
        **reminders,
    }
