"""Logging contacts: validation, flagged channels, attachments, visibility."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lexkeep.core.models import AuditEntry
from lexkeep.service import selectors
from lexkeep.service.models import Contact, Duty
from lexkeep.service.services import (
    AttachmentInput,
    contact_attachment_read,
    contact_log,
)
from tests.service.conftest import at, d

pytestmark = pytest.mark.django_db


def test_personal_channels_are_flagged_and_counted(firm, mk_client, log, sweep):
    client = mk_client("key")
    log(client, "personal_wechat", d("2026-03-02"))
    log(client, "personal_qq", d("2026-03-03"))
    ok = log(client, "phone", d("2026-03-04"))
    assert ok.compliant_channel
    flagged = selectors.contact_list(actor=firm["director"], compliant=False)
    assert {c.channel for c in flagged} == {"personal_wechat", "personal_qq"}
    summary = selectors.client_compliance(
        actor=firm["director"], client=client, today=d("2026-03-10")
    ).summary
    assert summary.non_compliant == 2
    board = selectors.compliance_dashboard(
        actor=firm["director"], today=d("2026-03-10")
    )
    assert board.firm.non_compliant == 2
    assert {r.key: r.non_compliant for r in board.tiers}["key"] == 2


def test_invalid_input_names_each_field(firm, mk_client, mk_matter):
    client = mk_client("key")
    other = mk_matter(mk_client("key"))
    with pytest.raises(ValidationError) as caught:
        contact_log(
            actor=firm["partner"],
            client=client,
            channel="carrier_pigeon",
            occurred_at=timezone.now() + dt.timedelta(days=1),
            summary=" ",
            matter=other,
            purpose="gossip",
            user=firm["archivist"],
        )
    assert set(caught.value.message_dict) == {
        "channel",
        "occurred_at",
        "summary",
        "matter",
        "purpose",
        "user",
    }


def test_attachment_encrypted_with_client_key_and_download_logged(firm, mk_client):
    client = mk_client("key")
    contact = contact_log(
        actor=firm["senior"],
        client=client,
        channel="email",
        occurred_at=at(d("2026-03-02")),
        summary="发送会议纪要",
        attachments=[AttachmentInput(name="纪要.txt", content="会议纪要".encode())],
    )
    attachment = contact.attachments.get()
    assert attachment.data_key.scope == f"clients.client:{client.pk}"
    from django.core.files.storage import default_storage

    with default_storage.open(attachment.blob, "rb") as fh:
        assert "会议纪要".encode() not in fh.read()
    data = contact_attachment_read(actor=firm["senior"], attachment=attachment)
    assert data.decode() == "会议纪要"
    assert AuditEntry.objects.filter(
        action="contact.attachment_downloaded", object_id=str(attachment.pk)
    ).exists()


@pytest.fixture
def cast(firm, mk_client, mk_matter, log, sweep):
    """Two clients: one the staff lawyer owns, one the senior handles a matter of."""
    own = mk_client("ordinary", owner=firm["staff"])
    other = mk_client("key", owner=firm["partner"])
    mk_matter(other, handling=[firm["senior"]], assistants=[firm["assistant"]])
    log(own, "phone", d("2026-03-02"))
    log(other, "phone", d("2026-03-02"))
    sweep(d("2026-03-02"))
    return own, other


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("director", {"own", "other"}),
        ("partner", {"own", "other"}),
        ("staff", {"own"}),
        ("senior", {"other"}),
        ("assistant", {"other"}),
        ("archivist", set()),
        ("client_service", set()),
        ("external", set()),
    ],
)
def test_contacts_are_visible_as_their_client(firm, cast, who, sees):
    own, other = cast
    names = {own.pk: "own", other.pk: "other"}
    seen = {names[c.client_id] for c in selectors.contact_list(actor=firm[who])}
    assert seen == sees
    duties_seen = {names[x.client_id] for x in selectors.duty_list(actor=firm[who])}
    assert duties_seen == sees


def test_roles_without_clients_may_not_log(firm, cast):
    own, _other = cast
    for who in ("archivist", "client_service", "external"):
        with pytest.raises(PermissionDenied):
            contact_log(
                actor=firm[who],
                client=own,
                channel="phone",
                occurred_at=at(d("2026-03-02")),
                summary="x",
            )
    with pytest.raises(PermissionDenied):  # a lawyer who does not see it
        contact_log(
            actor=firm["senior"],
            client=own,
            channel="phone",
            occurred_at=at(d("2026-03-02")),
            summary="x",
        )


def _expected(duties, today: dt.date, since: dt.date) -> dict[str, int]:
    """The dashboard's figures counted one duty at a time, as ComplianceRow
    defines them."""
    sunday = today + dt.timedelta(days=6 - today.weekday())
    row = dict.fromkeys(
        ("due_this_week", "overdue", "done_on_time", "done_late", "overdue_in_window"),
        0,
    )
    for duty in duties:
        in_window = since <= duty.due_date <= today
        if duty.status == "open" and today <= duty.due_date <= sunday:
            row["due_this_week"] += 1
        if duty.status == "overdue":
            row["overdue"] += 1
            row["overdue_in_window"] += in_window
        if duty.status == "done" and in_window:
            row["done_on_time" if duty.done_on <= duty.due_date else "done_late"] += 1
    return row


def _figures(row) -> dict[str, int]:
    return {
        name: getattr(row, name)
        for name in (
            "due_this_week",
            "overdue",
            "done_on_time",
            "done_late",
            "overdue_in_window",
        )
    }


def test_dashboard_figures_add_up_per_firm_tier_and_lawyer(
    firm, mk_client, mk_matter, log, sweep, django_assert_num_queries
):
    """Each figure of the firm, of each tier and of each lawyer equals the
    count of the duties that meet its definition: duties done on time and
    late, inside and before the window, overdue for long and lately, due
    this week and later."""
    clients = [
        mk_client("strategic", since=d("2026-01-01")),
        mk_client("key", since=d("2026-01-01")),
        mk_client("key", owner=firm["partner"], since=d("2026-01-01")),
        mk_client("ordinary", since=d("2026-01-01")),
    ]
    mk_matter(clients[3])
    for day in ("2026-01-05", "2026-02-02", "2026-03-02", "2026-04-01"):
        sweep(d(day))
    log(clients[0], "in_person", d("2026-01-10"))  # long before the window
    log(clients[1], "phone", d("2026-04-02"))  # on time, in the window
    log(clients[2], "phone", d("2026-04-20"))  # late, in the window
    log(clients[1], "email", d("2026-04-25"), purpose="email_summary")
    # Late for the call due 16 April; opens the window due Sunday 10 May.
    log(clients[1], "phone", d("2026-04-26"))
    today = d("2026-05-06")
    sweep(today)
    since = today - dt.timedelta(days=90)
    # policy, the actor's roles, duties, contacts, lawyers' names
    with django_assert_num_queries(5):
        board = selectors.compliance_dashboard(actor=firm["director"], today=today)
    duties = list(Duty.objects.select_related("client"))
    assert {duty.status for duty in duties} >= {"open", "overdue", "done"}
    assert _figures(board.firm) == _expected(duties, today, since)
    assert board.firm.done_on_time and board.firm.done_late and board.firm.overdue
    assert board.firm.due_this_week and board.firm.overdue_in_window
    for row in board.tiers:
        mine = [duty for duty in duties if duty.client.tier == row.key]
        assert _figures(row) == _expected(mine, today, since), row.key
    assert {row.key for row in board.lawyers} == {
        str(pk) for pk in {duty.responsible_id for duty in duties}
    }
    for row in board.lawyers:
        theirs = [duty for duty in duties if str(duty.responsible_id) == row.key]
        assert _figures(row) == _expected(theirs, today, since), row.label


def test_contact_list_is_newest_first_with_attachment_counts(firm, mk_client):
    """Newest first across days and within one (by time, then id), each with
    the number of its files; the related rows come in one query each for
    the page, whatever the number of contacts."""
    client = mk_client("key")
    other = mk_client("ordinary")
    logged = []
    for day, hour, who, files in (
        ("2026-03-02", 9, client, 0),
        ("2026-03-04", 16, other, 2),
        ("2026-03-04", 8, client, 1),
        ("2026-03-03", 23, client, 0),  # late in the evening, Beijing time
        ("2026-03-04", 16, client, 0),  # the same minute as another: by id
    ):
        logged.append(
            contact_log(
                actor=firm["partner"],
                client=who,
                channel="phone",
                occurred_at=at(d(day), hour),
                summary="沟通",
                attachments=[
                    AttachmentInput(name=f"{n}.txt", content=b"x") for n in range(files)
                ],
                today=d(day),
            )
        )
    expected = sorted(logged, key=lambda c: (c.occurred_at, c.pk), reverse=True)

    def page() -> tuple[list[Contact], list[tuple[str, str]], int]:
        with CaptureQueriesContext(connection) as ctx:
            listed = list(selectors.contact_list(actor=firm["director"])[:50])
            names = [(c.client.name, c.user.username) for c in listed]
        return listed, names, len(ctx.captured_queries)

    page()  # the director's roles are read once
    listed, names, queries = page()
    assert queries <= 4  # the contacts, then their clients, matters and users
    assert [c.pk for c in listed] == [c.pk for c in expected]
    assert [c.attachment_count for c in listed] == [
        c.attachments.count() for c in expected
    ]
    assert names[0] == (client.name, "partner")
    for n in range(20):
        contact_log(
            actor=firm["partner"],
            client=other,
            channel="email",
            occurred_at=at(d("2026-03-05"), 10),
            summary=f"第{n}次",
            today=d("2026-03-05"),
        )
    listed, _names, more = page()
    assert len(listed) == 25
    assert more == queries


def test_the_firms_log_filters_by_channel_purpose_and_direction(firm, mk_client):
    """The whole log, filtered by one channel, purpose or direction, lists
    exactly those contacts, newest first (each filter has an index by day)."""
    client, other = mk_client("key"), mk_client("ordinary")
    logged = [
        contact_log(
            actor=firm["partner"],
            client=who,
            channel=channel,
            purpose=purpose,
            direction=direction,
            occurred_at=at(d(day), 10),
            summary="沟通",
            today=d(day),
        )
        for day, who, channel, purpose, direction in (
            ("2026-03-02", client, "phone", "general", "out"),
            ("2026-03-05", other, "email", "fee_statement", "in"),
            ("2026-03-03", client, "personal_wechat", "general", "in"),
            ("2026-03-04", other, "phone", "fee_statement", "out"),
            ("2026-03-06", client, "email", "general", "out"),
        )
    ]
    for field, value in (
        ("channel", "phone"),
        ("channel", "email"),
        ("purpose", "fee_statement"),
        ("direction", "in"),
        ("direction", "out"),
    ):
        expected = sorted(
            (c for c in logged if getattr(c, field) == value),
            key=lambda c: c.occurred_at,
            reverse=True,
        )
        listed = selectors.contact_list(actor=firm["director"], **{field: value})
        assert [c.pk for c in listed] == [c.pk for c in expected], (field, value)
        assert expected
