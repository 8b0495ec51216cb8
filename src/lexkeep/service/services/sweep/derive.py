"""Step 3 of the sweep: derive the duties owed now (SPEC §2.2, §4).

One ``INSERT … SELECT`` per rule, whatever the number of clients: the
candidates (clients or matters without a live duty for the period) and
their correlated lookups (the day the client entered its tier, the last
duty done, the last matching contact) are read once into a materialised
common table; the period, due date, key and status of each new duty are
computed by the database. A duty whose window is already over when it is
derived is written as overdue (in the sweep, with the time of the overdue
reminder the same sweep sends). The boundaries are those of
:mod:`lexkeep.service.periods`; the keys are the same, so a live duty is
never written twice (the partial unique index ignores duplicates). Rows
are written in client order, so the duty indexes that lead with the client
grow in place instead of at random.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    Field,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django.utils import timezone

from lexkeep.clients.models import Client, TierChange
from lexkeep.matters.models import Hearing, Matter
from lexkeep.service.choices import (
    CALENDAR_CADENCES,
    LIVE_STATUSES,
    Cadence,
    DutyEvent,
    DutyScope,
    DutyStatus,
)
from lexkeep.service.models import Duty, DutyRule
from lexkeep.service.periods import calendar_period
from lexkeep.service.services.sweep import sql
from lexkeep.service.services.sweep.scope import (
    clients_for,
    live_duties,
    matching_contacts,
    matters_for,
    owed_duties,
)

# The SQL below is assembled from Django-compiled querysets and fixed
# fragments; integers are formatted by ``int()``; every value is a parameter.

#: Event duties are derived once their event is at most this many days
#: ahead (a hearing fixed two years out is picked up a year before).
EVENTS_AHEAD_DAYS = 366

#: Columns of a derived duty, in the order the selects below produce them.
_COLUMNS = (
    "client_id",
    "matter_id",
    "hearing_id",
    "rule_id",
    "period_key",
    "period_start",
    "due_date",
    "event_on",
    "status",
    "responsible_id",
    "cancel_reason",
    "created_at",
    "reminded_overdue_at",
)


def _latest(qs: QuerySet[Any], name: str, output: Field[Any, Any]) -> Subquery:
    """Return ``SELECT MAX(name) FROM qs`` as a correlated scalar subquery.

    A plain MAX (not ORDER BY … LIMIT 1) reads the last index entry and
    needs no sorter per row.
    """
    return Subquery(
        qs.order_by().annotate(latest=Func(F(name), function="MAX")).values("latest"),
        output_field=output,
    )


def _entered(client_ref: str) -> Subquery:
    """When the client of ``OuterRef(client_ref)`` last changed tier."""
    return _latest(
        TierChange.objects.filter(client_id=OuterRef(client_ref)),
        "changed_at",
        DateTimeField(),
    )


def _null_id() -> Cast:
    return Cast(Value(None), output_field=IntegerField())


def _no_date() -> Cast:
    return Cast(Value(None), output_field=DateField())


def _derive_calendar(
    rule: DutyRule,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None,
) -> int | None:
    """The current calendar period's duty of every client (or matter).

    Return the number written (``None`` if the driver cannot tell).
    """
    period = calendar_period(rule.cadence, today)
    label = period.key.split(":", 1)[1]
    live = live_duties(rule).filter(period_start=period.start)
    # On the first day of a period (and in a first sweep) no duty of the
    # period exists yet: one lookup spares one per client. It reads the
    # (status, due date) index, where the period's duties share one due
    # date; it names the live statuses rather than ``cancelled_on``, so the
    # unique index of live duties (every period of the rule) cannot serve
    # it. Only a shortcut: the unique index ignores any duty written twice.
    started = Duty.objects.filter(
        rule=rule,
        status__in=LIVE_STATUSES,
        due_date=period.due,
        period_start=period.start,
    ).exists()
    candidates: QuerySet[Any]
    if rule.scope == DutyScope.MATTER:
        candidates = matters_for(rule, client_ids)
        if started:
            candidates = candidates.exclude(
                Exists(live.filter(matter_id=OuterRef("pk")))
            )
        candidates = candidates.annotate(
            c_client=F("client_id"),
            c_matter=F("pk"),
            c_key=Concat(Cast("pk", CharField()), Value(f":{label}")),
            c_resp=Coalesce("client__owner_id", "supervising_lawyer_id"),
        )
    else:
        candidates = clients_for(rule, client_ids)
        if started:
            candidates = candidates.exclude(
                Exists(live.filter(client_id=OuterRef("pk"), period_key=period.key))
            )
        candidates = candidates.annotate(
            c_client=F("pk"),
            c_matter=_null_id(),
            c_key=Value(period.key),
            c_resp=F("owner_id"),
        )
    qs = (
        candidates.order_by("c_client")
        .annotate(
            c_hearing=_null_id(),
            c_rule=Value(rule.pk, output_field=IntegerField()),
            c_start=Value(period.start, output_field=DateField()),
            c_due=Value(period.due, output_field=DateField()),
            c_event=Value(None, output_field=DateField()),
            c_status=Value(DutyStatus.OPEN.value),
            c_reason=Value(""),
            c_created=Value(now, output_field=DateTimeField()),
            c_reminded=Value(None, output_field=DateTimeField()),
        )
        .values_list(
            "c_client",
            "c_matter",
            "c_hearing",
            "c_rule",
            "c_key",
            "c_start",
            "c_due",
            "c_event",
            "c_status",
            "c_resp",
            "c_reason",
            "c_created",
            "c_reminded",
        )
    )
    select, params = sql.compiled(qs)
    return sql.insert_duties(_COLUMNS, select, params)


def _derive_rolling(
    rule: DutyRule,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None,
    reminding_at: dt.datetime | None,
    first: bool,
) -> None:
    """The next every-N-days duty wherever none is owed (SPEC §4).

    Day 0 is the contact that satisfied the last duty done since the
    client entered its tier (or the matter was opened); before any, the
    latest matching contact since then; else that day itself. After a
    contact the window is days 1…N, otherwise days 0…N; due on day N.
    ``first``: the rule has no live duty yet (:func:`first_derivations`), so
    no client has one owed or done, and neither is looked up per client.
    """
    contacts = matching_contacts(rule, today=today)
    done = live_duties(rule).filter(done_on__isnull=False)
    pending = owed_duties(rule)
    candidates: QuerySet[Any]
    if rule.scope == DutyScope.MATTER:
        entered = sql.local_date(
            Coalesce(_entered("client_id"), F("client__created_at"))
        )
        candidates = matters_for(rule, client_ids)
        if not first:
            candidates = candidates.exclude(
                Exists(
                    pending.filter(
                        client_id=OuterRef("client_id"), matter_id=OuterRef("pk")
                    )
                )
            )
        candidates = candidates.annotate(
            c_client=F("client_id"),
            c_matter=F("pk"),
            c_resp=Coalesce("client__owner_id", "supervising_lawyer_id"),
            c_since=Greatest(entered, F("engagement_start")),
            c_done=_no_date()
            if first
            else _latest(done.filter(matter_id=OuterRef("pk")), "done_on", DateField()),
            # By the matter alone: a contact's matter is always of its
            # client (the contact service refuses any other) and a matter
            # never changes client, so the lookup stays in the contacts'
            # (matter, purpose, day, channel) index.
            c_contact=_latest(
                contacts.filter(matter_id=OuterRef("pk")), "occurred_on", DateField()
            ),
        )
    else:
        candidates = clients_for(rule, client_ids)
        if not first:
            candidates = candidates.exclude(
                Exists(pending.filter(client_id=OuterRef("pk")))
            )
        candidates = candidates.annotate(
            c_client=F("pk"),
            c_matter=_null_id(),
            c_resp=F("owner_id"),
            c_since=sql.local_date(Coalesce(_entered("pk"), F("created_at"))),
            c_done=_no_date()
            if first
            else _latest(done.filter(client_id=OuterRef("pk")), "done_on", DateField()),
            c_contact=_latest(
                contacts.filter(client_id=OuterRef("pk")), "occurred_on", DateField()
            ),
        )
    # Rows are written in client order (see the module docstring). Open
    # matters are put in that order as they are read: the (client, status)
    # index, scanned whole, yields it, and costs less than a lookup per
    # client of the tier followed by a sort (160,000 matters: a third less).
    # They are read back from the materialised table as they were written
    # (so SQLite and PostgreSQL do, though SQL does not promise it; only
    # the speed of the writing depends on it), so the select below does not
    # sort them again. A tier's clients are fewer: they are looked up by
    # tier and the select sorts them.
    if rule.scope == DutyScope.MATTER:
        candidates, order = candidates.order_by("c_client"), ""
    else:
        candidates, order = candidates.order_by(), " ORDER BY a.client_id"
    inner, inner_params = sql.compiled(
        candidates.values_list(
            "c_client", "c_matter", "c_resp", "c_since", "c_done", "c_contact"
        )
    )
    if rule.scope == DutyScope.MATTER:
        # Sampled statistics make the status look selective, and the
        # planner would read open matters by status and sort them; named,
        # the index does not hang on the statistics.
        inner = sql.indexed_by(inner, Matter._meta.db_table, "matter_client_status_idx")
    cte = (
        f"b (client_id, matter_id, resp, since, last_done, last_contact) "  # noqa: S608
        f"AS MATERIALIZED ({inner}), "
        "a AS (SELECT b.*, "
        "CASE WHEN b.last_done >= b.since THEN b.last_done "
        "WHEN b.last_contact >= b.since THEN b.last_contact "
        "ELSE b.since END AS anchor, "
        "CASE WHEN b.last_done >= b.since OR b.last_contact >= b.since "
        "THEN 1 ELSE 0 END AS after_contact FROM b)"
    )
    start = (
        f"CASE WHEN a.after_contact = 1 THEN {sql.add_days('a.anchor', 1)} "
        "ELSE a.anchor END"
    )
    due = sql.add_days("a.anchor", int(rule.interval_days or 0))
    key = f"{sql.int_text('COALESCE(a.matter_id, 0)')} || ':' || {sql.date_text(start)}"
    status, status_params = sql.status_by_due(due, today)
    stamp, stamp_params = sql.overdue_stamp(due, today, reminding_at)
    select = (
        f"SELECT a.client_id, a.matter_id, NULL, %s, {key}, {start}, {due}, NULL, "  # noqa: S608
        f"{status}, a.resp, '', %s, {stamp} FROM a{order}"
    )
    params = [rule.pk, *status_params, sql.datetime_param(now), *stamp_params]
    sql.insert_duties(_COLUMNS, select, params, cte=cte, cte_params=inner_params)


def _event_candidates(
    rule: DutyRule,
    *,
    today: dt.date,
    client_ids: Sequence[int] | None,
    lookback_days: int,
) -> QuerySet[Any]:
    """Matters (or hearings) with an event in range and no duty for it.

    The range runs from ``lookback_days`` back to :data:`EVENTS_AHEAD_DAYS`
    ahead: both ends bound the date index the lookup reads.
    """
    earliest = today - dt.timedelta(days=lookback_days)
    latest = today + dt.timedelta(days=EVENTS_AHEAD_DAYS)
    live = live_duties(rule)
    if rule.event == DutyEvent.HEARING:
        zone = timezone.get_current_timezone()
        hearings = Hearing.objects.annotate(day=sql.local_date("scheduled_at"))
        if rule.tier:
            # A test per hearing, not a join condition: joined, the tier
            # (four clients in five) would drive the plan, and every open
            # matter of the tier would be looked at for its hearings.
            hearings = hearings.filter(
                Exists(
                    Client.objects.filter(
                        pk=OuterRef("matter__client_id"), tier=rule.tier
                    )
                )
            )
        if client_ids is not None:
            hearings = hearings.filter(matter__client_id__in=client_ids)
        start_at = dt.datetime.combine(earliest, dt.time.min, tzinfo=zone)
        end_at = dt.datetime.combine(latest, dt.time.max, tzinfo=zone)
        return (
            hearings.filter(scheduled_at__gte=start_at, scheduled_at__lte=end_at)
            .exclude(
                Exists(live.filter(hearing_id=OuterRef("pk"), event_on=OuterRef("day")))
            )
            .order_by()
            .annotate(
                c_client=F("matter__client_id"),
                c_matter=F("matter_id"),
                c_hearing=F("pk"),
                c_resp=Coalesce(
                    "matter__client__owner_id", "matter__supervising_lawyer_id"
                ),
                c_engaged=F("matter__engagement_start"),
                c_event=F("day"),
            )
        )
    field = "filing_date" if rule.event == DutyEvent.FILING else "judgment_date"
    matters = Matter.objects.filter(**{f"{field}__range": (earliest, latest)})
    if rule.tier:
        # A test per matter, as for hearings: joined, the tier drives the
        # plan whenever it looks selective (no statistics yet, or sampled
        # ones) and every matter of the tier is read for its date.
        matters = matters.filter(
            Exists(Client.objects.filter(pk=OuterRef("client_id"), tier=rule.tier))
        )
    if client_ids is not None:
        matters = matters.filter(client_id__in=client_ids)
    return (
        matters.exclude(
            Exists(live.filter(matter_id=OuterRef("pk"), event_on=OuterRef(field)))
        )
        .order_by()
        .annotate(
            c_client=F("client_id"),
            c_matter=F("pk"),
            c_hearing=_null_id(),
            c_resp=Coalesce("client__owner_id", "supervising_lawyer_id"),
            c_engaged=F("engagement_start"),
            c_event=F(field),
        )
    )


def _derive_events(
    rule: DutyRule,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None,
    lookback_days: int,
    reminding_at: dt.datetime | None,
) -> None:
    """One duty per known event of a matter (SPEC §4, ordinary tier).

    Due ``offset_days`` after the event; the window opens ``window_days``
    before the due date, or with 0 on the matter's engagement start (never
    after the due date).
    """
    candidates = _event_candidates(
        rule, today=today, client_ids=client_ids, lookback_days=lookback_days
    )
    inner, inner_params = sql.compiled(
        candidates.values_list(
            "c_client", "c_matter", "c_hearing", "c_resp", "c_engaged", "c_event"
        )
    )
    cte = (
        "b (client_id, matter_id, hearing_id, resp, engaged, event_on) "
        f"AS MATERIALIZED ({inner})"
    )
    offset = int(rule.offset_days)
    window = int(rule.window_days)
    due = sql.add_days("b.event_on", offset)
    opens = sql.add_days("b.event_on", offset - window) if window else "b.engaged"
    start = f"CASE WHEN {opens} > {due} THEN {due} ELSE {opens} END"
    if rule.event == DutyEvent.HEARING:
        ref, ref_param = f"%s || {sql.int_text('b.hearing_id')}", f"{rule.event}:"
    else:
        ref, ref_param = "%s", str(rule.event)
    key = (
        f"{sql.int_text('b.matter_id')} || ':' || {ref} || ':' || "
        f"{sql.date_text('b.event_on')}"
    )
    status, status_params = sql.status_by_due(due, today)
    stamp, stamp_params = sql.overdue_stamp(due, today, reminding_at)
    select = (
        f"SELECT b.client_id, b.matter_id, b.hearing_id, %s, {key}, {start}, {due}, "  # noqa: S608
        f"b.event_on, {status}, b.resp, '', %s, {stamp} FROM b ORDER BY b.client_id"
    )
    params = [
        rule.pk,
        ref_param,
        *status_params,
        sql.datetime_param(now),
        *stamp_params,
    ]
    sql.insert_duties(_COLUMNS, select, params, cte=cte, cte_params=inner_params)


def first_derivations(rules: Sequence[DutyRule]) -> frozenset[int]:
    """Return the ids of the every-N-days ``rules`` with no live duty yet.

    Such a rule is derived for the first time (a first sweep, a rule just
    switched on): no client has a duty of it owed or done, and a duty
    derived now cannot be satisfied yet. Its window starts after the
    latest matching contact (or at the tier day, before which there is
    none), and no contact is dated after today. One lookup per rule, at
    the head of the live duties' unique index.
    """
    rolling = [r.pk for r in rules if r.cadence == Cadence.EVERY_N_DAYS]
    if not rolling:
        return frozenset()
    live = Duty.objects.filter(rule_id=OuterRef("pk"), cancelled_on__isnull=True)
    used = set(
        DutyRule.objects.filter(Exists(live), pk__in=rolling).values_list(
            "pk", flat=True
        )
    )
    return frozenset(pk for pk in rolling if pk not in used)


@dataclass(frozen=True)
class Derived:
    """What :func:`derive_duties` did."""

    #: The every-N-days rules derived for the first time
    #: (:func:`first_derivations`): none of their new duties can be done yet.
    firsts: frozenset[int]
    #: Duties written per calendar rule, as the driver counted them.
    written: dict[int, int]


def derive_duties(
    *,
    rules: Sequence[DutyRule],
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None = None,
    lookback_days: int = 30,
    reminding_at: dt.datetime | None = None,
) -> Derived:
    """Derive the duties owed on ``today`` for ``rules``.

    A duty derived already overdue carries ``reminding_at`` as the time of
    its overdue reminder when the caller sends that reminder in the same
    transaction (the sweep: :func:`~lexkeep.service.services.reminders.
    send_reminders` lists the duties it derived overdue); otherwise it is
    left for the next sweep's reminder. A calendar duty is of the current
    period, never overdue when derived.
    """
    firsts = first_derivations(rules)
    written: dict[int, int] = {}
    for rule in rules:
        if rule.cadence in CALENDAR_CADENCES:
            count = _derive_calendar(rule, today=today, now=now, client_ids=client_ids)
            if count is not None:
                written[rule.pk] = count
        elif rule.cadence == Cadence.EVERY_N_DAYS:
            _derive_rolling(
                rule,
                today=today,
                now=now,
                client_ids=client_ids,
                reminding_at=reminding_at,
                first=rule.pk in firsts,
            )
        elif rule.cadence == Cadence.EVENT:
            _derive_events(
                rule,
                today=today,
                now=now,
                client_ids=client_ids,
                lookback_days=lookback_days,
                reminding_at=reminding_at,
            )
    return Derived(firsts=firsts, written=written)
