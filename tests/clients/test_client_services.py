"""Client register services (SPEC §2.1, §2.3, §2.4, §6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from lexkeep.clients.models import Client, ClientDomain, TierChange
from lexkeep.clients.selectors import client_history
from lexkeep.clients.services import (
    client_create,
    client_update,
    consent_record,
    consent_withdraw,
)
from lexkeep.core.audit import audit_verify
from lexkeep.core.fields import blind_index_for
from lexkeep.core.models import AuditEntry
from tests.clients.conftest import consent_input, credit_code, next_resident_id


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Messages are checked by their English ids."""


pytestmark = pytest.mark.django_db


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def _sensitive_consent(client, actor, **kw):
    data = {
        "purpose": "engagement",
        "scope": "ID number",
        "use": "court filings",
        "signed_on": dt.date(2026, 1, 5),
    }
    data.update(kw)
    return consent_record(actor=actor, client=client, kind="sensitive", **data)


class TestCreate:
    def test_individual_needs_name_gender_phone_address(self, firm):
        with pytest.raises(ValidationError) as exc:
            client_create(actor=firm["partner"], name="", client_type="individual")
        assert _fields(exc) >= {"name", "gender", "phone", "address"}

    def test_enterprise_needs_its_information_and_kind(self, firm):
        with pytest.raises(ValidationError) as exc:
            client_create(actor=firm["partner"], name="星河", client_type="enterprise")
        assert _fields(exc) >= {
            "credit_code",
            "legal_representative",
            "registered_address",
            "phone",
            "enterprise_kind",
        }

    def test_government_has_no_enterprise_kind(self, make_enterprise):
        with pytest.raises(ValidationError) as exc:
            make_enterprise(client_type="government", enterprise_kind="llc")
        assert _fields(exc) == {"enterprise_kind"}

    def test_individual_cannot_have_credit_code(self, make_individual):
        with pytest.raises(ValidationError) as exc:
            make_individual(credit_code=credit_code())
        assert "credit_code" in _fields(exc)

    def test_bad_identifiers_name_their_fields(self, make_enterprise):
        with pytest.raises(ValidationError) as exc:
            make_enterprise(credit_code="91110000100000000I", phone="12345")
        assert _fields(exc) == {"credit_code", "phone"}

    def test_domains_and_sub_domains_are_checked(self, make_individual):
        with pytest.raises(ValidationError) as exc:
            make_individual(domains=[("litigation", "mna")])
        assert "domains" in _fields(exc)
        with pytest.raises(ValidationError):
            make_individual(domains=[("nonsense", "")])
        client = make_individual(
            domains=[("litigation", "civil"), {"domain": "counsel", "sub_domain": ""}]
        )
        assert set(
            ClientDomain.objects.filter(client=client).values_list(
                "domain", "sub_domain"
            )
        ) == {("litigation", "civil"), ("counsel", "")}

    def test_normalised_name_kept_places_stripped_except_government(
        self, make_enterprise
    ):
        company = make_enterprise(name="北京市星河科技有限公司")
        assert company.name_normalized == "星河科技"
        government = make_enterprise(
            name="上海市人民政府", client_type="government", enterprise_kind=""
        )
        assert government.name_normalized.startswith("上海")

    def test_lawyer_creating_becomes_owner_and_initial_tier_recorded(self, firm):
        client = client_create(
            actor=firm["staff"],
            name="王五",
            client_type="individual",
            gender="female",
            phone="13900001111",
            address="北京",
        )
        assert client.owner == firm["staff"]
        assert client.tier == "ordinary"
        change = TierChange.objects.get(client=client)
        assert change.source == "initial" and change.changed_by == firm["staff"]

    @pytest.mark.parametrize(
        "role", ["assistant", "archivist", "client_service", "external"]
    )
    def test_only_lawyers_and_leadership_register_clients(self, firm, role):
        with pytest.raises(PermissionDenied):
            client_create(
                actor=firm[role],
                name="X",
                client_type="individual",
                gender="male",
                phone="13800000000",
                address="a",
            )

    def test_created_is_audited_without_values(self, make_individual):
        client = make_individual()
        entry = AuditEntry.objects.filter(action="client.created").last()
        assert entry.object_id == str(client.pk)
        assert client.phone not in str(entry.detail)
        assert audit_verify().ok


class TestDuplicates:
    def test_same_credit_code_refused(self, make_enterprise):
        code = credit_code("91110000100000001")
        make_enterprise(credit_code=code)
        with pytest.raises(ValidationError) as exc:
            make_enterprise(credit_code=code.lower())
        assert _fields(exc) == {"credit_code"}
        assert "Another client" in exc.value.message_dict["credit_code"][0]

    def test_same_id_number_refused_through_blind_index(self, make_individual):
        number = next_resident_id()
        first = make_individual(id_number=number, consent=consent_input())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id_number, id_number_index FROM clients_client WHERE id = %s",
                [first.pk],
            )
            raw_value, index = cursor.fetchone()
        # Not in the database in plaintext; its keyed hash is.
        assert number not in raw_value
        assert index == blind_index_for(Client, "id_number", number)
        with pytest.raises(ValidationError) as exc:
            make_individual(id_number=number, consent=consent_input())
        assert _fields(exc) == {"id_number"}

    def test_update_to_existing_credit_code_refused(self, make_enterprise, firm):
        a = make_enterprise()
        b = make_enterprise()
        with pytest.raises(ValidationError) as exc:
            client_update(
                actor=firm["partner"], client=b, changes={"credit_code": a.credit_code}
            )
        assert _fields(exc) == {"credit_code"}


class TestSensitiveData:
    def test_id_number_refused_without_consent(self, make_individual):
        with pytest.raises(ValidationError) as exc:
            make_individual(id_number=next_resident_id())
        assert _fields(exc) == {"id_number"}
        assert "separate written consent" in exc.value.message_dict["id_number"][0]

    def test_bank_account_refused_without_consent(self, make_individual, firm):
        client = make_individual()
        with pytest.raises(ValidationError) as exc:
            client_update(
                actor=firm["partner"],
                client=client,
                changes={"bank_account": "6222021234567890123"},
            )
        assert _fields(exc) == {"bank_account"}

    def test_general_consent_is_not_enough(self, make_individual, firm):
        client = make_individual()
        consent_record(
            actor=firm["partner"],
            client=client,
            kind="general",
            purpose="p",
            scope="s",
            use="u",
            signed_on=dt.date(2026, 1, 5),
        )
        with pytest.raises(ValidationError):
            client_update(
                actor=firm["partner"],
                client=client,
                changes={"id_number": next_resident_id()},
            )

    def test_create_then_consent_then_id_number(self, make_individual, firm):
        client = make_individual()
        _sensitive_consent(client, firm["partner"])
        number = next_resident_id()
        client_update(
            actor=firm["partner"], client=client, changes={"id_number": number}
        )
        assert Client.objects.get(pk=client.pk).id_number == number

    def test_create_with_consent_in_one_call(self, make_individual):
        number = next_resident_id()
        client = make_individual(id_number=number, consent=consent_input())
        client.refresh_from_db()
        assert client.id_number == number
        assert client.consents.get().kind == "sensitive"

    def test_refused_after_withdrawal(self, make_individual, firm):
        client = make_individual(id_number=next_resident_id(), consent=consent_input())
        consent_withdraw(
            actor=firm["partner"],
            consent=client.consents.get(),
            withdrawn_on=dt.date(2026, 2, 1),
        )
        client.refresh_from_db()
        with pytest.raises(ValidationError) as exc:
            client_update(
                actor=firm["partner"],
                client=client,
                changes={"id_number": next_resident_id()},
            )
        assert _fields(exc) == {"id_number"}

    def test_unrelated_update_allowed_while_id_on_record(self, make_individual, firm):
        client = make_individual(id_number=next_resident_id(), consent=consent_input())
        client_update(actor=firm["partner"], client=client, changes={"address": "上海"})
        assert Client.objects.get(pk=client.pk).address == "上海"


class TestUpdate:
    def test_owner_and_tier_go_through_their_own_services(self, make_individual, firm):
        client = make_individual()
        with pytest.raises(ValidationError) as exc:
            client_update(
                actor=firm["partner"],
                client=client,
                changes={"owner": firm["staff"], "tier": "key"},
            )
        assert _fields(exc) == {"owner", "tier"}

    def test_lawyer_who_does_not_see_client_cannot_change_it(
        self, make_individual, firm
    ):
        client = make_individual()
        with pytest.raises(PermissionDenied):
            client_update(actor=firm["staff"], client=client, changes={"address": "x"})

    def test_update_audited_with_field_names_only(self, make_individual, firm):
        client = make_individual()
        client_update(
            actor=firm["partner"], client=client, changes={"phone": "13911112222"}
        )
        entry = AuditEntry.objects.filter(action="client.updated").last()
        assert entry.detail == {"fields": ["phone"]}


class TestHistory:
    def test_history_has_old_new_who_when(self, make_individual, firm):
        client = make_individual(phone="13800001111")
        client_update(
            actor=firm["director"], client=client, changes={"phone": "13800002222"}
        )
        rows = [
            r
            for r in client_history(actor=firm["partner"], client=client)
            if r.field == "phone"
        ]
        assert [(r.old, r.new) for r in rows] == [
            (None, "13800001111"),
            ("13800001111", "13800002222"),
        ]
        assert rows[1].changed_by == firm["director"].pk
        assert rows[1].changed_at is not None

    def test_history_masks_sensitive_values(self, make_individual, firm):
        first, second = next_resident_id(), next_resident_id()
        client = make_individual(id_number=first, consent=consent_input())
        client_update(
            actor=firm["partner"], client=client, changes={"id_number": second}
        )
        rows = [
            r
            for r in client_history(actor=firm["partner"], client=client)
            if r.field == "id_number"
        ]
        assert rows[-1].old == first[:4] + "*" * 10 + first[-4:]
        assert rows[-1].new == second[:4] + "*" * 10 + second[-4:]
        text = repr(client_history(actor=firm["partner"], client=client))
        assert first not in text and second not in text

    def test_history_not_visible_to_outsiders(self, make_individual, firm):
        client = make_individual()
        with pytest.raises(Client.DoesNotExist):
            client_history(actor=firm["staff"], client=client)
