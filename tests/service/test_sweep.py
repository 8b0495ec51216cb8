"""The sweep: idempotent, set-based, re-derives on tier change, reminds once."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count

from lexkeep.clients.models import TierChange
from lexkeep.clients.services import client_tier_override
from lexkeep.service.models import Duty, Notification
from lexkeep.service.services.sweep import KEPT_WHILE_FILLING, sql
from tests.service.conftest import at, d, duties, live

pytestmark = pytest.mark.django_db


def _firm_of(n, mk_client, mk_matter, hearing):
    for i in range(n):
        tier = ("strategic", "key", "ordinary")[i % 3]
        client = mk_client(tier, since=d("2026-01-01"))
        if tier == "ordinary":
            matter = mk_matter(client, filing_date=d("2026-03-20"))
            hearing(matter, d("2026-03-25"))


def test_running_twice_creates_nothing_twice(mk_client, mk_matter, hearing, log, sweep):
    _firm_of(6, mk_client, mk_matter, hearing)
    first = sweep(d("2026-03-16"))
    rows = list(Duty.objects.order_by("pk").values_list("pk", "status", "period_key"))
    notes = Notification.objects.count()
    assert first["created"] == len(rows) > 0
    second = sweep(d("2026-03-16"))
    assert second["created"] == 0
    assert second["overdue"] == 0 and second["notifications"] == 0
    assert (
        list(Duty.objects.order_by("pk").values_list("pk", "status", "period_key"))
        == rows
    )
    assert Notification.objects.count() == notes
    # Per client, rule and period, at most one live duty.
    assert Duty.objects.exclude(status="cancelled").count() == len(
        set(
            Duty.objects.exclude(status="cancelled").values_list(
                "client", "rule", "period_key"
            )
        )
    )


@pytest.mark.parametrize("clients", [3, 30])
def test_query_count_does_not_grow_with_clients(
    clients, mk_client, mk_matter, hearing, sweep, django_assert_max_num_queries
):
    _firm_of(clients, mk_client, mk_matter, hearing)
    # The first (into an empty duty table) also drops four indexes and
    # builds them again.
    with django_assert_max_num_queries(100):
        sweep(d("2026-03-16"))
    with django_assert_max_num_queries(90):
        sweep(d("2026-03-31"))


def test_tier_change_cancels_old_duties_and_derives_from_that_day(
    firm, mk_client, log, sweep
):
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-03-02"))
    key_pending = {
        x.rule.code for x in Duty.objects.filter(client=client).exclude(status="done")
    }
    assert "key-call" in key_pending
    client_tier_override(
        actor=firm["partner"], client=client, tier="strategic", reason="品牌影响"
    )
    TierChange.objects.filter(client=client, new_tier="strategic").update(
        changed_at=at(d("2026-03-10"), 15)
    )
    log(client, "phone", d("2026-03-09"))  # before the change: the old tier's
    result = sweep(d("2026-03-10"))
    # The call of 9 March, while still key, met the key call; the rest of
    # the key duties (email summary, report, survey) are cancelled.
    assert duties(client, "key-call")[-1].status == "done"
    assert result["cancelled"] == 3
    cancelled = Duty.objects.filter(client=client, status="cancelled")
    assert {x.rule.tier for x in cancelled} == {"key"}
    assert set(cancelled.values_list("cancel_reason", flat=True)) == {"tier_changed"}
    assert duties(client, "firm-news")[0].status == "open"  # every tier: kept
    (contact,) = live(client, "strategic-contact")
    assert (contact.period_start, contact.due_date) == (
        d("2026-03-10"),
        d("2026-03-24"),
    )
    assert live(client, "strategic-meeting")[0].period_key == "0:2026-03"
    assert live(client, "strategic-symposium")[0].due_date == d("2026-03-31")
    assert (
        Duty.objects.filter(client=client, rule__tier="key").count()
        == len(cancelled)
        + Duty.objects.filter(client=client, rule__tier="key", status="done").count()
    )


def test_responsible_follows_the_owner(firm, mk_client, sweep):
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-03-02"))
    client.owner = firm["partner"]
    client.save()
    result = sweep(d("2026-03-03"))
    assert result["reassigned"] > 0
    assert set(
        Duty.objects.filter(client=client, status="open").values_list(
            "responsible", flat=True
        )
    ) == {firm["partner"].pk}


def test_reminders_are_sent_once(
    firm, mk_client, sweep, django_capture_on_commit_callbacks
):
    senior = firm["senior"]
    senior.email = "senior@firm.example"
    senior.save()
    client = mk_client("key", since=d("2026-01-01"))
    with django_capture_on_commit_callbacks(execute=True):
        sweep(d("2026-01-13"))  # key call due 01-15: within 2 days
    assert len(mail.outbox) == 1
    assert "senior@firm.example" in mail.outbox[0].to
    assert client.name in mail.outbox[0].body
    note = Notification.objects.get(user=senior)
    assert note.kind == "due_soon" and "service:duties" not in note.url
    with django_capture_on_commit_callbacks(execute=True):
        sweep(d("2026-01-14"))
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        sweep(d("2026-01-16"))  # now overdue: one more
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(user=senior, kind="overdue").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        sweep(d("2026-01-17"))
    assert len(mail.outbox) == 2


def test_no_reminder_three_days_ahead(
    firm, mk_client, sweep, django_capture_on_commit_callbacks
):
    firm["senior"].email = "senior@firm.example"
    firm["senior"].save()
    mk_client("key", since=d("2026-01-01"))
    with django_capture_on_commit_callbacks(execute=True):
        sweep(d("2026-01-12"))  # key call due 01-15: 3 days ahead
    assert mail.outbox == []


def test_lexkeep_sweep_command_runs_the_registry(mk_client, capsys):
    mk_client("key", since=d("2026-01-01"))
    call_command("sweep", "--today", "2026-02-02")
    out = capsys.readouterr().out
    assert "lexkeep.service.tasks.sweep_duties" in out and "created=" in out
    # The feedback clocks are swept in the same run (SPEC §5).
    assert "lexkeep.feedback.tasks.sweep_feedback" in out
    assert "contact_breaches=" in out
    call_command("sweep", "--today", "2026-02-02", "--json")
    assert '"created": 0' in capsys.readouterr().out


@pytest.mark.parametrize(
    ("status", "dates"),
    [
        ("cancelled", {}),
        ("open", {"cancelled_on": dt.date(2026, 2, 1)}),
        ("done", {}),
        ("overdue", {"done_on": dt.date(2026, 2, 1)}),
    ],
)
def test_a_duty_is_done_or_cancelled_exactly_when_it_has_that_date(
    mk_client, sweep, status, dates
):
    """The sweep finds owed duties by their done and cancellation dates (the
    indexes a duty turning overdue leaves alone), so the table refuses a
    status without its date and a date without its status."""
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-01-02"))
    duty = Duty.objects.filter(client=client).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Duty.objects.filter(pk=duty.pk).update(status=status, **dates)


def test_an_overdue_reminder_lists_the_earliest_duties_and_counts_all(
    firm, mk_client, django_capture_on_commit_callbacks
):
    """One email per user: its 20 earliest overdue duties by due date, in that
    order, and the number of all of them — those turning overdue now and
    those derived overdue alike."""
    from lexkeep.service.models import DutyRule, ServicePolicy
    from lexkeep.service.services.reminders import LISTED_PER_EMAIL, send_reminders

    senior = firm["senior"]
    senior.email = "senior@firm.example"
    senior.save()
    rule = DutyRule.objects.get(code="key-call")
    count = LISTED_PER_EMAIL + 5
    days = [d("2026-01-01") + dt.timedelta(days=7 * i) for i in range(count)]
    clients = [mk_client("key", name=f"逾期客户{i:02d}有限公司") for i in range(count)]
    # Written in an order unlike the due dates: late ones first; two of
    # them already overdue (derived after their window).
    for i in reversed(range(count)):
        Duty.objects.create(
            client=clients[i],
            rule=rule,
            period_key=f"0:{days[i]}",
            period_start=days[i],
            due_date=days[i],
            status="overdue" if i in (1, 3) else "open",
            responsible=senior,
        )
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminders(
            today=d("2026-12-31"),
            now=at(d("2026-12-31")),
            policy=ServicePolicy.objects.get(),
        )
    assert result["overdue"] == result["reminded_overdue"] == count
    (email,) = mail.outbox
    body = email.body
    listed = [
        f"逾期客户{i:02d}有限公司" for i in range(count) if f"逾期客户{i:02d}" in body
    ]
    assert listed == [f"逾期客户{i:02d}有限公司" for i in range(LISTED_PER_EMAIL)]
    assert [body.index(name) for name in listed] == sorted(
        body.index(name) for name in listed
    )
    assert str(count) in body.splitlines()[0]


def test_a_duty_derived_overdue_is_reminded_by_the_sweep_that_derives_it(
    firm, mk_client, mk_matter, sweep, django_capture_on_commit_callbacks
):
    """A sweep that finds a window already over writes the duty overdue and
    lists it in that sweep's overdue reminder, once; a duty derived late but
    done late by a contact in the same sweep is not listed."""
    from lexkeep.service.models import Contact

    senior = firm["senior"]
    senior.email = "senior@firm.example"
    senior.save()
    late = mk_client("key", since=d("2026-01-01"), name="迟到客户有限公司")
    ordinary = mk_client("ordinary", since=d("2026-01-01"), owner=senior)
    matter = mk_matter(ordinary, judgment_date=d("2026-03-01"))  # explain by 03-04
    # Logged after the window closed, straight to the table (an import).
    Contact.objects.create(
        client=ordinary,
        matter=matter,
        channel="phone",
        purpose="judgment_explanation",
        user=senior,
        occurred_at=at(d("2026-03-06")),
        occurred_on=d("2026-03-06"),
        summary="判决说明",
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(d("2026-03-10"))
    (call,) = duties(late, "key-call")
    assert call.status == "overdue" and call.due_date == d("2026-01-15")
    (explained,) = duties(ordinary, "ordinary-judgment-explanation")
    assert explained.status == "done" and explained.done_on == d("2026-03-06")
    overdue = Duty.objects.filter(status="overdue", responsible=senior)
    assert result["overdue"] == result["reminded_overdue"] == overdue.count() > 0
    assert set(overdue.values_list("reminded_overdue_at", flat=True)) == {
        at(d("2026-03-10"), 8)
    }
    (note,) = Notification.objects.filter(user=senior, kind="overdue")
    assert str(overdue.count()) in note.text
    (email,) = [m for m in mail.outbox if "逾期" in m.subject or "overdue" in m.subject]
    assert late.name in email.body
    assert "判决说明" not in email.body
    with django_capture_on_commit_callbacks(execute=True):
        again = sweep(d("2026-03-10"))
        later = sweep(d("2026-03-11"))
    assert again["reminded_overdue"] == later["reminded_overdue"] == 0
    assert Notification.objects.filter(user=senior, kind="overdue").count() == 1


def test_duties_derived_overdue_are_counted_and_ranked_per_user(
    firm, mk_client, sweep, django_capture_on_commit_callbacks
):
    """A first sweep that derives many duties overdue reminds each user once:
    the number of that user's duties, and the earliest ones by due date,
    in that order; another user's duties stay out of it."""
    from lexkeep.service.services.reminders import LISTED_PER_EMAIL

    senior, partner = firm["senior"], firm["partner"]
    for user in (senior, partner):
        user.email = f"{user.username}@firm.example"
        user.save()
    count = LISTED_PER_EMAIL + 5
    # Created latest tier day first, so ids run against the due dates.
    for i in reversed(range(count)):
        mk_client(
            "key",
            since=d("2026-01-01") + dt.timedelta(days=i),
            owner=senior,
            name=f"逾期客户{i:02d}有限公司",
        )
    for _ in range(3):
        mk_client("strategic", since=d("2026-01-01"), owner=partner)
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(d("2026-03-01"))
    overdue = dict(
        Duty.objects.filter(status="overdue")
        .values_list("responsible")
        .annotate(n=Count("pk"))
        .values_list("responsible", "n")
    )
    assert overdue == {senior.pk: count, partner.pk: 3}
    assert result["reminded_overdue"] == count + 3
    mails = {m.to[0]: m.body for m in mail.outbox if "逾期" in m.subject}
    body = mails[senior.email]
    assert str(count) in body.splitlines()[0]
    listed = [f"逾期客户{i:02d}有限公司" for i in range(count)]
    shown = [name for name in listed if name in body]
    assert shown == listed[:LISTED_PER_EMAIL]
    assert [body.index(n) for n in shown] == sorted(body.index(n) for n in shown)
    assert "逾期客户" not in mails[partner.email]
    assert "3" in mails[partner.email].splitlines()[0]


def test_a_duty_derived_overdue_outside_a_sweep_waits_for_the_next_sweep(
    firm, mk_client, mk_matter, log, sweep, django_capture_on_commit_callbacks
):
    """Logging a contact derives the client's duties at once, but only a
    sweep reminds: a duty it derived overdue is reminded by the next sweep."""
    senior = firm["senior"]
    senior.email = "senior@firm.example"
    senior.save()
    client = mk_client("ordinary", since=d("2026-01-01"), owner=senior)
    told, untold = mk_matter(client), mk_matter(client)
    # A progress notice on one matter: the weekly notice of the other, owed
    # since the first week of the year, is derived overdue.
    log(client, "phone", d("2026-03-10"), purpose="progress_notice", matter=told)
    (notice,) = Duty.objects.filter(
        matter=untold, rule__code="ordinary-progress-notice"
    )
    assert notice.status == "overdue" and notice.reminded_overdue_at is None
    assert not Notification.objects.filter(kind="overdue").exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(d("2026-03-11"))
    notice.refresh_from_db()
    assert notice.reminded_overdue_at is not None
    assert result["reminded_overdue"] == Duty.objects.filter(status="overdue").count()
    (email,) = mail.outbox
    assert client.name in email.body


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's foreign key pragma; PostgreSQL checks every reference",
)
def test_a_sweep_writes_only_sound_references_and_restores_the_checks(
    mk_client, mk_matter, hearing, sweep
):
    """On SQLite the sweep skips the per-row foreign key lookups (its rows
    reference what they were read from); every reference it wrote is sound,
    and the connection checks again afterwards, also after a failed sweep."""
    # The standard's rules, as their migration seeds them (a transactional
    # test that ran before may have emptied the tables).
    from django.apps import apps

    importlib.import_module("lexkeep.service.migrations.0002_default_duty_rules").seed(
        apps, None
    )
    _firm_of(6, mk_client, mk_matter, hearing)
    first = sweep(d("2026-03-16"))
    assert first["created"] > 0
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert cursor.execute("PRAGMA foreign_key_check").fetchall() == []
        cursor.execute(
            "CREATE TEMP TRIGGER refuse_duty BEFORE INSERT ON service_duty "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    mk_client("strategic", since=d("2026-03-01"))
    before = Duty.objects.count()
    try:
        with pytest.raises(DatabaseError):
            sweep(d("2026-03-17"))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_duty")
    assert Duty.objects.count() == before
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA foreign_keys").fetchone() == (1,)


def _duty_indexes() -> list[tuple[str, str]]:
    """The duty table's indexes (name, SQL), in the order SQLite keeps them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'service_duty' ORDER BY rowid"
        )
        return list(cursor.fetchall())


def _duty_statistics() -> set[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'service_duty'"
        )
        return set(cursor.fetchall())


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite builds the duty indexes after a first sweep's rows",
)


@sqlite_only
def test_a_first_sweep_builds_the_duty_indexes_again_as_they_were(
    mk_client, mk_matter, hearing, sweep
):
    """Into an empty duty table the sweep writes its rows first and builds
    the indexes no derivation reads afterwards: the same indexes, in the
    same order, holding every duty, with the planner statistics they had."""
    _firm_of(6, mk_client, mk_matter, hearing)
    indexes = _duty_indexes()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1
        cursor.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
            [
                ("service_duty", name, f"1000 {i + 2}")
                for i, (name, _sql) in enumerate(indexes)
            ],
        )
    statistics = _duty_statistics()
    seen: list[str] = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        first = sweep(d("2026-03-16"))
    assert first["created"] > 0
    dropped = [sql for sql in seen if sql.startswith("DROP INDEX")]
    assert len(dropped) == len(indexes) - len(KEPT_WHILE_FILLING)
    # The ones kept stay as they were; the others are built again in the
    # order they had, after them.
    kept = [index for index in indexes if index[0] in KEPT_WHILE_FILLING]
    rebuilt = [index for index in indexes if index[0] not in KEPT_WHILE_FILLING]
    assert _duty_indexes() == kept + rebuilt
    assert _duty_statistics() == statistics
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    # A later sweep writes into the indexes as they are.
    seen.clear()
    mk_client("key", since=d("2026-03-01"))
    with connection.execute_wrapper(record):
        assert sweep(d("2026-03-17"))["created"] > 0
    assert not [sql for sql in seen if sql.startswith(("DROP", "CREATE"))]


@sqlite_only
def test_a_failed_first_sweep_leaves_the_duty_indexes(
    mk_client, mk_matter, hearing, sweep
):
    """The indexes are dropped inside the sweep's transaction: a sweep that
    fails after dropping them leaves them all, and no duty."""
    _firm_of(6, mk_client, mk_matter, hearing)
    indexes = _duty_indexes()
    with connection.cursor() as cursor:
        # Refuses the weekly progress notices, written after other rules'.
        cursor.execute(
            "CREATE TEMP TRIGGER refuse_notice BEFORE INSERT ON service_duty "
            "WHEN NEW.matter_id IS NOT NULL AND NEW.event_on IS NULL "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    try:
        with pytest.raises(DatabaseError):
            sweep(d("2026-03-16"))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_notice")
    assert not Duty.objects.exists()
    assert _duty_indexes() == indexes
    assert sweep(d("2026-03-16"))["created"] > 0


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_indexes_are_dropped_only_inside_a_transaction():
    from lexkeep.service.services.sweep.sql import indexes_built_after

    indexes = _duty_indexes()
    with pytest.raises(RuntimeError), indexes_built_after("service_duty", keep=()):
        pass
    assert _duty_indexes() == indexes


@sqlite_only
def test_the_planner_has_its_statistics_back_after_a_first_sweep(
    mk_client, mk_matter, hearing, sweep
):
    """The statistics put back are read again by the planner, not only
    stored: with them, SQLite plans by the selective index, not by the one
    built last."""
    _firm_of(6, mk_client, mk_matter, hearing)
    status = sql.index_on(Duty, "status", "due_date")
    responsible = sql.index_on(Duty, "responsible", "due_date")
    query = (
        "EXPLAIN QUERY PLAN SELECT id FROM service_duty "
        "WHERE status = 'open' AND responsible_id = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1
        cursor.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
            [
                ("service_duty", status, "1000000 1 1"),
                ("service_duty", responsible, "1000000 100000 1"),
            ],
        )
        cursor.execute("ANALYZE sqlite_schema")  # the planner reads them
        cursor.execute(query)
        assert status in str(cursor.fetchall())
    sweep(d("2026-03-16"))
    with connection.cursor() as cursor:
        cursor.execute(query)
        plan = str(cursor.fetchall())
        cursor.execute("DELETE FROM sqlite_stat1")
        cursor.execute("ANALYZE sqlite_schema")
    assert status in plan, plan
