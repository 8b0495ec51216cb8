"""Consent records and withdrawal (SPEC §6; PIPL Art. 15, 28-29, 47)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from lexkeep.clients.exceptions import ConsentAlreadyWithdrawn
from lexkeep.clients.models import Client
from lexkeep.clients.services import (
    ERASED_ON_WITHDRAWAL,
    client_sensitive_reveal,
    consent_document_read,
    consent_record,
    consent_withdraw,
)
from lexkeep.core.models import AuditEntry
from tests.clients.conftest import consent_input, next_resident_id

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 signed consent of the client " * 10


def _record(client, actor, **kw):
    data = {
        "kind": "sensitive",
        "purpose": "engagement",
        "scope": "ID number",
        "use": "court filings",
        "signed_on": dt.date(2026, 1, 5),
    }
    data.update(kw)
    return consent_record(actor=actor, client=client, **data)


def test_purpose_scope_use_are_required(make_individual, firm):
    client = make_individual()
    with pytest.raises(ValidationError) as exc:
        _record(client, firm["partner"], purpose="", scope=" ", use="")
    assert set(exc.value.message_dict) >= {"purpose", "scope", "use"}


def test_signed_in_the_future_refused(make_individual, firm):
    client = make_individual()
    with pytest.raises(ValidationError) as exc:
        _record(client, firm["partner"], signed_on=dt.date(2999, 1, 1))
    assert "signed_on" in exc.value.message_dict


def test_document_stored_encrypted_and_read_back_with_audit(make_individual, firm):
    client = make_individual()
    consent = _record(
        client, firm["partner"], document=PDF, document_name="consent.pdf"
    )
    assert consent.document_key.scope == f"clients.client:{client.pk}"
    with default_storage.open(consent.document_blob, "rb") as fh:
        stored = fh.read()
    assert b"signed consent" not in stored
    assert consent_document_read(actor=firm["partner"], consent=consent) == PDF
    entry = AuditEntry.objects.filter(action="consent.document_viewed").last()
    assert entry.actor_id == firm["partner"].pk
    assert entry.object_id == str(consent.pk)


def test_document_not_readable_by_assistant(make_individual, make_matter, firm):
    client = make_individual()
    make_matter(client, assistants=[firm["assistant"]])
    consent = _record(client, firm["partner"], document=PDF)
    with pytest.raises(PermissionDenied):
        consent_document_read(actor=firm["assistant"], consent=consent)


def test_withdrawal_erases_sensitive_values_everywhere(make_individual, firm):
    number = next_resident_id()
    client = make_individual(id_number=number, consent=consent_input())
    consent = client.consents.get()
    consent_withdraw(
        actor=firm["partner"],
        consent=consent,
        withdrawn_on=dt.date(2026, 2, 1),
        note="client asked",
    )
    client = Client.objects.get(pk=client.pk)
    assert client.id_number == "" and client.id_number_index == ""
    past = list(client.history_entries.values_list("id_number", "bank_account"))
    assert len(past) >= 2
    assert all(values == ("", "") for values in past)
    latest = client.history_entries.order_by("-history_date").first()
    assert latest.history_change_reason == ERASED_ON_WITHDRAWAL
    assert latest.history_user == firm["partner"]
    entry = AuditEntry.objects.filter(action="consent.withdrawn").last()
    assert entry.detail["erased_fields"] == ["id_number"]
    consent.refresh_from_db()
    assert consent.withdrawn_on == dt.date(2026, 2, 1)


def test_after_withdrawal_nobody_sees_unmasked(make_individual, firm):
    client = make_individual(id_number=next_resident_id(), consent=consent_input())
    consent_withdraw(
        actor=firm["partner"],
        consent=client.consents.get(),
        withdrawn_on=dt.date(2026, 2, 1),
    )
    client = Client.objects.get(pk=client.pk)
    with pytest.raises(PermissionDenied):
        client_sensitive_reveal(
            actor=firm["director"], client=client, field="id_number"
        )


def test_withdrawing_twice_is_a_state_conflict(make_individual, firm):
    client = make_individual()
    consent = _record(client, firm["partner"])
    consent_withdraw(
        actor=firm["partner"], consent=consent, withdrawn_on=dt.date(2026, 2, 1)
    )
    with pytest.raises(ConsentAlreadyWithdrawn):
        consent_withdraw(
            actor=firm["partner"], consent=consent, withdrawn_on=dt.date(2026, 2, 2)
        )


def test_withdrawal_before_signing_refused(make_individual, firm):
    client = make_individual()
    consent = _record(client, firm["partner"])
    with pytest.raises(ValidationError) as exc:
        consent_withdraw(
            actor=firm["partner"], consent=consent, withdrawn_on=dt.date(2025, 1, 1)
        )
    assert "withdrawn_on" in exc.value.message_dict


def test_a_second_active_sensitive_consent_keeps_the_value(make_individual, firm):
    number = next_resident_id()
    client = make_individual(id_number=number, consent=consent_input())
    _record(client, firm["partner"], signed_on=dt.date(2026, 1, 10))
    consent_withdraw(
        actor=firm["partner"],
        consent=client.consents.order_by("signed_on").first(),
        withdrawn_on=dt.date(2026, 2, 1),
    )
    assert Client.objects.get(pk=client.pk).id_number == number


def test_general_consent_withdrawal_keeps_sensitive_value(make_individual, firm):
    number = next_resident_id()
    client = make_individual(id_number=number, consent=consent_input())
    general = _record(client, firm["partner"], kind="general")
    consent_withdraw(
        actor=firm["partner"], consent=general, withdrawn_on=dt.date(2026, 2, 1)
    )
    assert Client.objects.get(pk=client.pk).id_number == number
