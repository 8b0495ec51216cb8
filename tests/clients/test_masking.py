"""Masking and unmasked views of sensitive data (SPEC §6)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from lexkeep.clients.masking import mask_bank_account, mask_id_number
from lexkeep.clients.models import Client
from lexkeep.clients.services import client_sensitive_reveal, client_update
from lexkeep.core.models import AuditEntry
from tests.clients.conftest import consent_input, next_resident_id


def test_mask_id_number():
    assert mask_id_number("110101199003074518") == "1101**********4518"
    assert mask_id_number("") == ""


def test_mask_bank_account_keeps_last_four():
    assert mask_bank_account("6222 0212 3456 7890") == "************7890"
    assert mask_bank_account("") == ""


@pytest.fixture
def sensitive_client(make_individual, make_matter, firm):
    """A client with an ID number, a matter handled by the senior lawyer with
    the assistant assisting, owned by nobody in particular."""
    client = make_individual(id_number=next_resident_id(), consent=consent_input())
    client_update(
        actor=firm["partner"],
        client=client,
        changes={"bank_account": "6222021234567890123"},
    )
    make_matter(client, handling=[firm["senior"]], assistants=[firm["assistant"]])
    return Client.objects.get(pk=client.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("director", True),
        ("partner", True),
        ("senior", True),  # handles a matter of the client
        ("staff", False),  # a lawyer with no relation to the client
        ("assistant", False),  # assists, but never sees it unmasked
        ("archivist", False),
        ("client_service", False),
        ("external", False),
    ],
)
@pytest.mark.parametrize("field", ["id_number", "bank_account"])
def test_who_may_see_unmasked_and_each_view_is_logged(
    sensitive_client, firm, role, allowed, field
):
    before = AuditEntry.objects.filter(action="client.sensitive_viewed").count()
    if allowed:
        value = client_sensitive_reveal(
            actor=firm[role], client=sensitive_client, field=field
        )
        assert value == getattr(sensitive_client, field)
        entry = AuditEntry.objects.filter(action="client.sensitive_viewed").last()
        assert entry.actor_id == firm[role].pk
        assert entry.object_id == str(sensitive_client.pk)
        assert entry.detail == {"field": field}
        assert value not in str(entry.detail)
        assert (
            before + 1
            == AuditEntry.objects.filter(action="client.sensitive_viewed").count()
        )
    else:
        with pytest.raises(PermissionDenied):
            client_sensitive_reveal(
                actor=firm[role], client=sensitive_client, field=field
            )
        assert (
            before
            == AuditEntry.objects.filter(action="client.sensitive_viewed").count()
        )


@pytest.mark.django_db
def test_owner_lawyer_may_see_unmasked(make_individual, firm):
    client = make_individual(
        actor=firm["staff"], id_number=next_resident_id(), consent=consent_input()
    )
    assert client_sensitive_reveal(
        actor=firm["staff"], client=client, field="id_number"
    )


@pytest.mark.django_db
def test_two_views_two_entries(sensitive_client, firm):
    for _ in range(2):
        client_sensitive_reveal(
            actor=firm["partner"], client=sensitive_client, field="id_number"
        )
    assert AuditEntry.objects.filter(action="client.sensitive_viewed").count() == 2
