"""The sweep that derives and checks service duties (SPEC §2.2, §4).

Set-based: every step is one query (or a few chunked statements) per
:class:`~lexkeep.service.models.DutyRule`, whatever the number of clients;
no query is issued per client. Idempotent: a live duty is unique per
(client, rule, period), inserts ignore conflicts, and a step only touches
rows still in the state it changes, so a second run creates nothing.

One run, for ``today``:

1. cancel owed duties that no longer apply: the rule was switched off, the
   client's tier changed (duties of the old tier), the client opted out of
   firm news, the matter closed (weekly notices), or the event moved or
   vanished (a changed filing, hearing or judgment date);
2. hand owed duties to the client's current relationship owner;
3. derive the duties owed now (the current calendar period; the next
   every-N-days window; each known event) and match logged contacts to
   owed duties, repeating while matching restarts a clock;
4. mark owed duties past their due date as overdue;
5. remind responsible users once before a duty falls due and once when it
   is overdue (:mod:`lexkeep.service.services.reminders`).

The exact boundaries of each cadence are stated in
:mod:`lexkeep.service.periods`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from lexkeep.clients.models import Client, TierChange
from lexkeep.matters.models import Hearing, Matter
from lexkeep.service.choices import (
    CALENDAR_CADENCES,
    PENDING_STATUSES,
    Cadence,
    DutyCondition,
    DutyEvent,
    DutyScope,
    DutyStatus,
)
from lexkeep.service.models import Contact, Duty, DutyRule, ServicePolicy
from lexkeep.service.periods import (
    Period,
    calendar_period,
    event_period,
    rolling_period,
)

#: Rows written per INSERT statement when rows are computed in Python.
CHUNK = 5000
#: A sweep repeats derive-and-match at most this often; a later sweep goes on.
MAX_ROUNDS = 12

_INSERT_COLUMNS = (
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


def _local_date(value: dt.datetime | dt.date | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return timezone.localtime(value).date()
    return value


# --------------------------------------------------------------------------
# Writing rows


def _insert_sql(columns: Sequence[str], source: str) -> str:
    table = connection.ops.quote_name(Duty._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "sqlite":
        return f"INSERT OR IGNORE INTO {table} ({cols}) {source}"
    return f"INSERT INTO {table} ({cols}) {source} ON CONFLICT DO NOTHING"


def _insert_rows(rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert computed duty rows in chunks, ignoring live duplicates."""
    placeholders = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    sql = _insert_sql(_INSERT_COLUMNS, f"VALUES ({placeholders})")
    chunk: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)


def _row(
    *,
    rule: DutyRule,
    client_id: int,
    period: Period,
    responsible_id: int | None,
    now: dt.datetime,
    matter_id: int | None = None,
    hearing_id: int | None = None,
    event_on: dt.date | None = None,
) -> tuple[Any, ...]:
    ops = connection.ops
    return (
        client_id,
        matter_id,
        hearing_id,
        rule.pk,
        period.key,
        ops.adapt_datefield_value(period.start),
        ops.adapt_datefield_value(period.due),
        ops.adapt_datefield_value(event_on),
        DutyStatus.OPEN,
        responsible_id,
        "",
        ops.adapt_datetimefield_value(now),
    )


# --------------------------------------------------------------------------
# Which clients and matters a rule applies to


def _live_duties(rule: DutyRule) -> QuerySet[Duty]:
    return Duty.objects.filter(rule=rule).exclude(status=DutyStatus.CANCELLED)


def _clients_for(rule: DutyRule, client_ids: Sequence[int] | None) -> QuerySet[Client]:
    qs = Client.objects.all()
    if rule.tier:
        qs = qs.filter(tier=rule.tier)
    if rule.condition == DutyCondition.NEWS_ALLOWED:
        qs = qs.filter(news_opt_out=False)
    elif rule.condition == DutyCondition.OPEN_MATTER:
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


def _matters_for(rule: DutyRule, client_ids: Sequence[int] | None) -> QuerySet[Matter]:
    qs = Matter.objects.all()
    if rule.tier:
        qs = qs.filter(client__tier=rule.tier)
    if rule.condition == DutyCondition.NEWS_ALLOWED:
        qs = qs.filter(client__news_opt_out=False)
    elif rule.condition == DutyCondition.OPEN_MATTER:
        qs = qs.filter(status=Matter.Status.OPEN)
    if client_ids is not None:
        qs = qs.filter(client_id__in=client_ids)
    return qs.order_by()


def _tier_since() -> Subquery:
    return Subquery(
        TierChange.objects.filter(client_id=OuterRef("pk"))
        .order_by("-changed_at", "-pk")
        .values("changed_at")[:1],
        output_field=DateTimeField(),
    )


def matching_contacts(rule: DutyRule, *, today: dt.date) -> QuerySet[Contact]:
    """Return contacts that can satisfy a duty of ``rule`` (not yet by window).

    Channel among the rule's channels, purpose if the rule requires one,
    and a date no later than ``today``.
    """
    qs = Contact.objects.filter(channel__in=list(rule.channels), occurred_on__lte=today)
    if rule.required_purpose:
        qs = qs.filter(purpose=rule.required_purpose)
    return qs


# --------------------------------------------------------------------------
# Step 1 and 2: cancel what no longer applies, hand duties to the owner


def _cancel(qs: QuerySet[Duty], *, today: dt.date, reason: str) -> int:
    return Duty.objects.filter(
        pk__in=qs.filter(status__in=PENDING_STATUSES).values("pk")
    ).update(status=DutyStatus.CANCELLED, cancelled_on=today, cancel_reason=reason)


def cancel_inapplicable(
    *, today: dt.date, client_ids: Sequence[int] | None = None
) -> int:
    """Cancel owed duties whose reason is gone; return how many.

    A tier change cancels (never deletes) the open duties of the old tier
    (SPEC §2.1, §2.2); the new tier's duties are derived from that day.
    """
    base = Duty.objects.all()
    if client_ids is not None:
        base = base.filter(client_id__in=client_ids)
    hearing_day = TruncDate("scheduled_at", tzinfo=timezone.get_current_timezone())
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
    steps: list[tuple[QuerySet[Duty], str]] = [
        (base.filter(rule__active=False), "rule_off"),
        (
            base.exclude(rule__tier="").exclude(rule__tier=F("client__tier")),
            "tier_changed",
        ),
        (
            base.filter(
                rule__condition=DutyCondition.NEWS_ALLOWED, client__news_opt_out=True
            ),
            "opted_out",
        ),
        (
            base.filter(
                rule__condition=DutyCondition.OPEN_MATTER,
                rule__scope=DutyScope.MATTER,
                matter__status=Matter.Status.CLOSED,
            ),
            "matter_closed",
        ),
        (
            base.filter(rule__cadence=Cadence.EVENT).filter(
                moved_hearing | moved_filing | moved_judgment
            ),
            "event_moved",
        ),
    ]
    return sum(_cancel(qs, today=today, reason=reason) for qs, reason in steps)


def refresh_responsible(*, client_ids: Sequence[int] | None = None) -> int:
    """Give owed duties to the client's relationship owner (SPEC §2.2).

    Matter duties of a client without an owner go to the matter's
    supervising lawyer. Three joined UPDATEs, whatever the number of rows.
    """
    owed = Duty.objects.filter(status__in=PENDING_STATUSES)
    if client_ids is not None:
        owed = owed.filter(client_id__in=client_ids)
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


# --------------------------------------------------------------------------
# Step 3: derive owed duties


def _derive_calendar_clients(
    rule: DutyRule,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None,
) -> None:
    """INSERT … SELECT the current calendar period's duty of every client."""
    period = calendar_period(rule.cadence, today)
    qs = (
        _clients_for(rule, client_ids)
        .exclude(
            Exists(
                _live_duties(rule).filter(
                    client_id=OuterRef("pk"), period_key=period.key
                )
            )
        )
        .annotate(
            v_rule=Value(rule.pk, output_field=IntegerField()),
            v_key=Value(period.key),
            v_start=Value(period.start, output_field=DateField()),
            v_due=Value(period.due, output_field=DateField()),
            v_status=Value(DutyStatus.OPEN.value),
            v_reason=Value(""),
            v_created=Value(now, output_field=DateTimeField()),
        )
        .values_list(
            "pk",
            "v_rule",
            "v_key",
            "v_start",
            "v_due",
            "v_status",
            "owner_id",
            "v_reason",
            "v_created",
        )
    )
    sql, params = qs.query.sql_with_params()
    columns = (
        "client_id",
        "rule_id",
        "period_key",
        "period_start",
        "due_date",
        "status",
        "responsible_id",
        "cancel_reason",
        "created_at",
    )
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(columns, sql), params)


def _derive_calendar_matters(
    rule: DutyRule,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None,
) -> None:
    rows = (
        _matters_for(rule, client_ids)
        .values_list("pk", "client_id", "client__owner_id", "supervising_lawyer_id")
        .iterator(chunk_size=CHUNK)
    )

    def computed() -> Iterator[tuple[Any, ...]]:
        for matter_id, client_id, owner_id, supervisor_id in rows:
            period = calendar_period(rule.cadence, today, matter_id=matter_id)
            yield _row(
                rule=rule,
                client_id=client_id,
                matter_id=matter_id,
                period=period,
                responsible_id=owner_id or supervisor_id,
                now=now,
            )

    _insert_rows(computed())


def _anchor(
    *, since: dt.date, last_done: dt.date | None, last_contact: dt.date | None
) -> tuple[dt.date, bool]:
    """Return day 0 of the next every-N-days window and whether it is a contact.

    The clock restarts at the contact that satisfied the last duty; before
    any duty was done since ``since`` (tier entered, matter opened), at the
    latest matching contact on or after ``since``; else at ``since``.
    """
    if last_done is not None and last_done >= since:
        return last_done, True
    if last_contact is not None and last_contact >= since:
        return last_contact, True
    return since, False


def _derive_rolling(
    rule: DutyRule,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None,
) -> None:
    """Derive the next every-N-days duty where none is owed (SPEC §4)."""
    interval = int(rule.interval_days or 0)
    contacts = matching_contacts(rule, today=today)
    done = Duty.objects.filter(rule=rule, status=DutyStatus.DONE)
    pending = Duty.objects.filter(rule=rule, status__in=PENDING_STATUSES)
    if rule.scope == DutyScope.MATTER:
        matters = (
            _matters_for(rule, client_ids)
            .exclude(Exists(pending.filter(matter_id=OuterRef("pk"))))
            .annotate(
                since=Subquery(
                    TierChange.objects.filter(client_id=OuterRef("client_id"))
                    .order_by("-changed_at", "-pk")
                    .values("changed_at")[:1],
                    output_field=DateTimeField(),
                ),
                last_done=Subquery(
                    done.filter(matter_id=OuterRef("pk"))
                    .order_by("-done_on")
                    .values("done_on")[:1],
                    output_field=DateField(),
                ),
                last_contact=Subquery(
                    contacts.filter(
                        client_id=OuterRef("client_id"), matter_id=OuterRef("pk")
                    )
                    .order_by("-occurred_on")
                    .values("occurred_on")[:1],
                    output_field=DateField(),
                ),
            )
            .values_list(
                "pk",
                "client_id",
                "client__owner_id",
                "supervising_lawyer_id",
                "client__created_at",
                "since",
                "engagement_start",
                "last_done",
                "last_contact",
            )
            .iterator(chunk_size=CHUNK)
        )

        def from_matters() -> Iterator[tuple[Any, ...]]:
            for (
                matter_id,
                client_id,
                owner_id,
                supervisor_id,
                created_at,
                since,
                engaged,
                last_done,
                last_contact,
            ) in matters:
                start = max(_local_date(since or created_at) or engaged, engaged)
                anchor, from_contact = _anchor(
                    since=start,
                    last_done=_local_date(last_done),
                    last_contact=_local_date(last_contact),
                )
                yield _row(
                    rule=rule,
                    client_id=client_id,
                    matter_id=matter_id,
                    period=rolling_period(
                        anchor=anchor,
                        interval_days=interval,
                        from_contact=from_contact,
                        matter_id=matter_id,
                    ),
                    responsible_id=owner_id or supervisor_id,
                    now=now,
                )

        _insert_rows(from_matters())
        return
    clients = (
        _clients_for(rule, client_ids)
        .exclude(Exists(pending.filter(client_id=OuterRef("pk"))))
        .annotate(
            since=_tier_since(),
            last_done=Subquery(
                done.filter(client_id=OuterRef("pk"))
                .order_by("-done_on")
                .values("done_on")[:1],
                output_field=DateField(),
            ),
            last_contact=Subquery(
                contacts.filter(client_id=OuterRef("pk"))
                .order_by("-occurred_on")
                .values("occurred_on")[:1],
                output_field=DateField(),
            ),
        )
        .values_list(
            "pk", "owner_id", "created_at", "since", "last_done", "last_contact"
        )
        .iterator(chunk_size=CHUNK)
    )

    def from_clients() -> Iterator[tuple[Any, ...]]:
        for client_id, owner_id, created_at, since, last_done, last_contact in clients:
            start = _local_date(since or created_at) or today
            anchor, from_contact = _anchor(
                since=start,
                last_done=_local_date(last_done),
                last_contact=_local_date(last_contact),
            )
            yield _row(
                rule=rule,
                client_id=client_id,
                period=rolling_period(
                    anchor=anchor, interval_days=interval, from_contact=from_contact
                ),
                responsible_id=owner_id,
                now=now,
            )

    _insert_rows(from_clients())


def _derive_events(
    rule: DutyRule,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None,
    lookback_days: int,
) -> None:
    """Derive one duty per known event of a matter (SPEC §4, ordinary tier)."""
    earliest = today - dt.timedelta(days=lookback_days)
    live = _live_duties(rule)
    if rule.event == DutyEvent.HEARING:
        zone = timezone.get_current_timezone()
        hearings = Hearing.objects.annotate(day=TruncDate("scheduled_at", tzinfo=zone))
        if rule.tier:
            hearings = hearings.filter(matter__client__tier=rule.tier)
        if client_ids is not None:
            hearings = hearings.filter(matter__client_id__in=client_ids)
        start_at = dt.datetime.combine(earliest, dt.time.min, tzinfo=zone)
        rows = (
            hearings.filter(scheduled_at__gte=start_at)
            .exclude(
                Exists(live.filter(hearing_id=OuterRef("pk"), event_on=OuterRef("day")))
            )
            .order_by()
            .values_list(
                "pk",
                "matter_id",
                "matter__client_id",
                "matter__client__owner_id",
                "matter__supervising_lawyer_id",
                "matter__engagement_start",
                "scheduled_at",
            )
            .iterator(chunk_size=CHUNK)
        )

        def from_hearings() -> Iterator[tuple[Any, ...]]:
            for (
                hearing_id,
                matter_id,
                client_id,
                owner,
                supervisor,
                engaged,
                at,
            ) in rows:
                day = _local_date(at)
                assert day is not None  # noqa: S101 - scheduled_at is required
                yield _row(
                    rule=rule,
                    client_id=client_id,
                    matter_id=matter_id,
                    hearing_id=hearing_id,
                    event_on=day,
                    period=event_period(
                        event=rule.event,
                        event_on=day,
                        offset_days=rule.offset_days,
                        window_days=rule.window_days,
                        engagement_start=engaged,
                        matter_id=matter_id,
                        hearing_id=hearing_id,
                    ),
                    responsible_id=owner or supervisor,
                    now=now,
                )

        _insert_rows(from_hearings())
        return
    field = "filing_date" if rule.event == DutyEvent.FILING else "judgment_date"
    matters = Matter.objects.filter(**{f"{field}__gte": earliest})
    if rule.tier:
        matters = matters.filter(client__tier=rule.tier)
    if client_ids is not None:
        matters = matters.filter(client_id__in=client_ids)
    matter_rows = (
        matters.exclude(
            Exists(live.filter(matter_id=OuterRef("pk"), event_on=OuterRef(field)))
        )
        .order_by()
        .values_list(
            "pk",
            "client_id",
            "client__owner_id",
            "supervising_lawyer_id",
            "engagement_start",
            field,
        )
        .iterator(chunk_size=CHUNK)
    )

    def from_matters() -> Iterator[tuple[Any, ...]]:
        for matter_id, client_id, owner, supervisor, engaged, day in matter_rows:
            yield _row(
                rule=rule,
                client_id=client_id,
                matter_id=matter_id,
                event_on=day,
                period=event_period(
                    event=rule.event,
                    event_on=day,
                    offset_days=rule.offset_days,
                    window_days=rule.window_days,
                    engagement_start=engaged,
                    matter_id=matter_id,
                ),
                responsible_id=owner or supervisor,
                now=now,
            )

    _insert_rows(from_matters())


def derive_duties(
    *,
    rules: Sequence[DutyRule],
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None = None,
    lookback_days: int = 30,
) -> None:
    """Derive the duties owed on ``today`` for ``rules`` (step 3)."""
    for rule in rules:
        if rule.cadence in CALENDAR_CADENCES:
            if rule.scope == DutyScope.MATTER:
                _derive_calendar_matters(
                    rule, today=today, now=now, client_ids=client_ids
                )
            else:
                _derive_calendar_clients(
                    rule, today=today, now=now, client_ids=client_ids
                )
        elif rule.cadence == Cadence.EVERY_N_DAYS:
            _derive_rolling(rule, today=today, now=now, client_ids=client_ids)
        elif rule.cadence == Cadence.EVENT:
            _derive_events(
                rule,
                today=today,
                now=now,
                client_ids=client_ids,
                lookback_days=lookback_days,
            )


# --------------------------------------------------------------------------
# Step 3 (cont.): match contacts to owed duties


def match_contacts(
    *,
    rules: Sequence[DutyRule],
    today: dt.date,
    client_ids: Sequence[int] | None = None,
) -> int:
    """Satisfy owed duties with the earliest matching contact in their window.

    A contact matches when its channel is one of the rule's, its purpose is
    the rule's (if required), its matter is the duty's (matter duties), and
    its date lies in the window: from ``period_start``; for calendar periods
    no later than ``due_date`` (later contacts belong to the next period);
    for every-N-days and event duties any later day, which makes the duty
    done late. Return the number of duties satisfied.
    """
    for rule in rules:
        contacts = matching_contacts(rule, today=today).filter(
            client_id=OuterRef("client_id"), occurred_on__gte=OuterRef("period_start")
        )
        if rule.cadence in CALENDAR_CADENCES:
            contacts = contacts.filter(occurred_on__lte=OuterRef("due_date"))
        if rule.scope == DutyScope.MATTER:
            contacts = contacts.filter(matter_id=OuterRef("matter_id"))
        owed = Duty.objects.filter(
            rule=rule, status__in=PENDING_STATUSES, satisfied_by__isnull=True
        )
        if client_ids is not None:
            owed = owed.filter(client_id__in=client_ids)
        owed.filter(Exists(contacts)).update(
            satisfied_by=Subquery(
                contacts.order_by("occurred_at", "pk").values("pk")[:1],
                output_field=IntegerField(),
            )
        )
    finished = Duty.objects.filter(
        status__in=PENDING_STATUSES, satisfied_by__isnull=False
    )
    if client_ids is not None:
        finished = finished.filter(client_id__in=client_ids)
    return finished.update(
        status=DutyStatus.DONE,
        done_on=Subquery(
            Contact.objects.filter(pk=OuterRef("satisfied_by_id")).values(
                "occurred_on"
            )[:1],
            output_field=DateField(),
        ),
    )


def mark_overdue(*, today: dt.date, client_ids: Sequence[int] | None = None) -> int:
    """Mark open duties whose due date has passed as overdue (step 4)."""
    qs = Duty.objects.filter(status=DutyStatus.OPEN, due_date__lt=today)
    if client_ids is not None:
        qs = qs.filter(client_id__in=client_ids)
    return qs.update(status=DutyStatus.OVERDUE)


def advance(
    *,
    rules: Sequence[DutyRule],
    today: dt.date,
    now: dt.datetime,
    client_ids: Sequence[int] | None = None,
    lookback_days: int = 30,
) -> tuple[int, int]:
    """Derive and match until no clock restarts; return (satisfied, rounds)."""
    satisfied = 0
    rounds = 0
    rolling = [r for r in rules if r.cadence == Cadence.EVERY_N_DAYS]
    current = list(rules)
    while rounds < MAX_ROUNDS:
        rounds += 1
        derive_duties(
            rules=current,
            today=today,
            now=now,
            client_ids=client_ids,
            lookback_days=lookback_days,
        )
        matched = match_contacts(rules=current, today=today, client_ids=client_ids)
        satisfied += matched
        if not matched or not rolling:
            break
        # Only every-N-days rules start a new window when one is satisfied.
        current = rolling
    return satisfied, rounds


@transaction.atomic
def sweep_duties(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Derive and check every service duty now; return what changed.

    Runs every 30 minutes as a Huey task and on demand (``lexkeep sweep``).
    Set-based and idempotent, as the module docstring states.
    """
    from lexkeep.service.services.reminders import send_reminders

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    policy = service_policy_get()
    rules = active_rules()
    before = Duty.objects.count()
    cancelled = cancel_inapplicable(today=today)
    reassigned = refresh_responsible()
    satisfied, rounds = advance(
        rules=rules, today=today, now=now, lookback_days=policy.event_lookback_days
    )
    overdue = mark_overdue(today=today)
    created = Duty.objects.count() - before
    reminders = send_reminders(today=today, now=now, policy=policy)
    return {
        "created": created,
        "cancelled": cancelled,
        "reassigned": reassigned,
        "satisfied": satisfied,
        "overdue": overdue,
        "rounds": rounds,
        **reminders,
    }
