"""Logging contacts: validation, flagged channels, attachments, visibility."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lexkeep.core.models import AuditEntry
from lexkeep.service import selectors
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
