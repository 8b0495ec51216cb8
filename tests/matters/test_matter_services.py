"""Matter services: opening, changing, key dates, fees, closing (SPEC §3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lexkeep.clients.models import Client
from lexkeep.core.exceptions import InvalidTransition
from lexkeep.core.fields import blind_index_for
from lexkeep.core.models import AuditEntry
from lexkeep.matters.models import ConflictCheck, Matter
from lexkeep.matters.services import (
    fee_receipt_record,
    matter_close,
    matter_hearing_add,
    matter_hearing_remove,
    matter_key_dates_set,
    matter_open,
    matter_party_add,
    matter_party_remove,
    matter_update,
)
from tests.matters.conftest import a_credit_code, an_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(mk_client, firm) -> Client:
    return mk_client("北京市星河科技有限公司", owner=firm["senior"])


def open_kwargs(firm, client, check, **overrides):
    kwargs = dict(
        actor=firm["senior"],
        client=client,
        name="星河科技诉某公司买卖合同纠纷",
        case_number="(2026)京0105民初123号",
        domain="litigation",
        sub_domain="civil",
        handling_lawyers=[firm["staff"]],
        supervising_lawyer=firm["senior"],
        assistants=[firm["assistant"]],
        engagement_start=dt.date(2026, 1, 5),
        engagement_end=dt.date(2026, 12, 31),
        agreed_fee=Decimal("50000.00"),
        conflict_check=check,
        description="",
    )
    kwargs.update(overrides)
    return kwargs


def field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


class TestMatterOpen:
    def test_opens_with_a_clear_check_and_records_parties(self, firm, acme, mk_check):
        check = mk_check(by=firm["senior"])
        matter = matter_open(
            **open_kwargs(
                firm,
                acme,
                check,
                parties=[
                    {"role": "counterparty", "name": "某某贸易有限公司"},
                    {
                        "role": "related",
                        "name": "张三",
                        "id_number": an_id_number(5),
                    },
                ],
            )
        )
        assert matter.status == Matter.Status.OPEN
        assert list(matter.handling_lawyers.all()) == [firm["staff"]]
        assert list(matter.assistants.all()) == [firm["assistant"]]
        check.refresh_from_db()
        assert check.client == acme
        related = matter.parties.get(role="related")
        assert related.id_number_index == blind_index_for(
            Client, "id_number", an_id_number(5)
        )
        assert AuditEntry.objects.filter(action="matter.opened").exists()
        assert matter.history_entries.count() == 1

    def test_refused_without_a_check(self, firm, acme):
        with pytest.raises(ValidationError) as exc:
            matter_open(**open_kwargs(firm, acme, None))
        assert "conflict_check" in field_errors(exc)

    @pytest.mark.parametrize(
        "decision", [ConflictCheck.Decision.PENDING, ConflictCheck.Decision.DECLINED]
    )
    def test_refused_with_a_pending_or_declined_check(
        self, firm, acme, mk_check, decision
    ):
        with pytest.raises(ValidationError) as exc:
            matter_open(**open_kwargs(firm, acme, mk_check(decision)))
        assert field_errors(exc) == {"conflict_check"}

    def test_waived_check_needs_the_consent_document(self, firm, acme, mk_check):
        check = mk_check(ConflictCheck.Decision.WAIVED)
        with pytest.raises(ValidationError) as exc:
            matter_open(**open_kwargs(firm, acme, check))
        assert field_errors(exc) == {"conflict_check"}

    def test_a_check_serves_one_matter(self, firm, acme, mk_check):
        check = mk_check()
        matter_open(**open_kwargs(firm, acme, check))
        with pytest.raises(ValidationError) as exc:
            matter_open(**open_kwargs(firm, acme, check, case_number=""))
        assert field_errors(exc) == {"conflict_check"}

    def test_check_for_another_client_is_refused(self, firm, acme, mk_check, mk_client):
        other = mk_client("另一家公司", owner=firm["senior"])
        with pytest.raises(ValidationError) as exc:
            matter_open(**open_kwargs(firm, acme, mk_check(client=other)))
        assert field_errors(exc) == {"conflict_check"}

    @pytest.mark.parametrize(
        ("domain", "sub_domain"),
        [
            ("litigation", "mna"),
            ("litigation", ""),
            ("counsel", "civil"),
            ("non_litigation", "criminal"),
        ],
    )
    def test_sub_domain_must_belong_to_domain(
        self, firm, acme, mk_check, domain, sub_domain
    ):
        with pytest.raises(ValidationError) as exc:
            matter_open(
                **open_kwargs(
                    firm, acme, mk_check(), domain=domain, sub_domain=sub_domain
                )
            )
        assert field_errors(exc) == {"sub_domain"}

    def test_counsel_without_sub_domain_opens(self, firm, acme, mk_check):
        matter = matter_open(
            **open_kwargs(firm, acme, mk_check(), domain="counsel", sub_domain="")
        )
        assert matter.domain == "counsel"

    def test_people_must_hold_the_right_roles(self, firm, acme, mk_check):
        with pytest.raises(ValidationError) as exc:
            matter_open(
                **open_kwargs(
                    firm,
                    acme,
                    mk_check(),
                    handling_lawyers=[firm["assistant"]],
                    supervising_lawyer=firm["archivist"],
                    assistants=[firm["staff"]],
                )
            )
        assert field_errors(exc) == {
            "handling_lawyers",
            "supervising_lawyer",
            "assistants",
        }

    def test_partner_may_handle(self, firm, acme, mk_check):
        matter = matter_open(
            **open_kwargs(
                firm,
                acme,
                mk_check(),
                actor=firm["partner"],
                handling_lawyers=[firm["partner"]],
                supervising_lawyer=firm["partner"],
            )
        )
        assert matter.supervising_lawyer == firm["partner"]

    def test_engagement_end_and_fee(self, firm, acme, mk_check):
        with pytest.raises(ValidationError) as exc:
            matter_open(
                **open_kwargs(
                    firm,
                    acme,
                    mk_check(),
                    engagement_end=dt.date(2025, 1, 1),
                    agreed_fee=Decimal("-1"),
                )
            )
        assert field_errors(exc) == {"engagement_end", "agreed_fee"}

    def test_duplicate_case_number_names_the_field(
        self, firm, acme, mk_check, mk_matter
    ):
        mk_matter(acme, case_number="(2026)京0105民初123号")
        with pytest.raises(ValidationError) as exc:
            matter_open(**open_kwargs(firm, acme, mk_check()))
        assert field_errors(exc) == {"case_number"}

    def test_bad_party_id_number_names_the_party(self, firm, acme, mk_check):
        with pytest.raises(ValidationError) as exc:
            matter_open(
                **open_kwargs(
                    firm,
                    acme,
                    mk_check(),
                    parties=[{"role": "counterparty", "name": "X", "id_number": "123"}],
                )
            )
        assert field_errors(exc) == {"parties[0].id_number"}

    @pytest.mark.parametrize(
        "role", ["assistant", "archivist", "client_service", "external"]
    )
    def test_only_lawyers_partners_director_open(self, firm, acme, mk_check, role):
        with pytest.raises(PermissionDenied):
            matter_open(**open_kwargs(firm, acme, mk_check(), actor=firm[role]))

    def test_lawyer_cannot_open_for_a_client_they_cannot_see(
        self, firm, mk_client, mk_check
    ):
        stranger = mk_client("陌生客户有限公司")
        with pytest.raises(ValidationError) as exc:
            matter_open(**open_kwargs(firm, stranger, mk_check()))
        assert "client" in field_errors(exc)


class TestMatterChanges:
    def test_update_keeps_history_and_checks_rules(self, firm, acme, mk_matter):
        matter = mk_matter(acme)
        matter_update(
            actor=firm["staff"],
            matter=matter,
            data={"name": "新名称", "agreed_fee": Decimal("80000")},
        )
        matter.refresh_from_db()
        assert matter.name == "新名称"
        assert matter.history_entries.count() >= 1
        with pytest.raises(ValidationError) as exc:
            matter_update(
                actor=firm["staff"], matter=matter, data={"sub_domain": "tax"}
            )
        assert set(exc.value.message_dict) == {"sub_domain"}
        with pytest.raises(ValidationError):
            matter_update(actor=firm["staff"], matter=matter, data={"status": "closed"})

    def test_only_its_lawyers_and_partners_change_a_matter(
        self, firm, acme, mk_matter, make_user
    ):
        matter = mk_matter(acme, assistants=[firm["assistant"]])
        other = make_user("other_lawyer", "lawyer")
        for user in (other, firm["assistant"], firm["archivist"]):
            with pytest.raises(PermissionDenied):
                matter_update(actor=user, matter=matter, data={"name": "x"})
        matter_update(actor=firm["director"], matter=matter, data={"name": "y"})

    def test_key_dates_must_agree(self, firm, acme, mk_matter):
        matter = mk_matter(acme)
        matter_key_dates_set(
            actor=firm["staff"],
            matter=matter,
            dates={
                "filing_date": dt.date(2026, 2, 1),
                "judgment_date": dt.date(2026, 6, 1),
                "judgment_effective_date": dt.date(2026, 6, 16),
            },
        )
        matter.refresh_from_db()
        assert matter.judgment_effective_date == dt.date(2026, 6, 16)
        cases = [
            (
                {"judgment_effective_date": dt.date(2026, 5, 1)},
                "judgment_effective_date",
            ),
            ({"judgment_date": dt.date(2026, 1, 1)}, "judgment_date"),
            ({"business_end_date": dt.date(2025, 12, 1)}, "business_end_date"),
            ({"counsel_end_date": dt.date(2026, 7, 1)}, "counsel_end_date"),
            (
                {"judgment_date": None, "judgment_effective_date": dt.date(2026, 7, 1)},
                "judgment_effective_date",
            ),
        ]
        for dates, field in cases:
            fresh = Matter.objects.get(pk=matter.pk)
            with pytest.raises(ValidationError) as exc:
                matter_key_dates_set(actor=firm["staff"], matter=fresh, dates=dates)
            assert field in exc.value.message_dict, dates

    def test_end_dates_follow_the_lifecycle(self, firm, acme, mk_matter):
        """The business end is recorded by closing; no future judgments; a
        filed volume's retention dates are fixed (SPEC §3, §7.3)."""
        from lexkeep.matters.services import matter_close

        matter = mk_matter(acme)
        with pytest.raises(ValidationError) as exc:
            matter_key_dates_set(
                actor=firm["staff"],
                matter=matter,
                dates={"business_end_date": timezone.localdate()},
            )
        assert "business_end_date" in exc.value.message_dict
        future = timezone.localdate() + dt.timedelta(days=30)
        with pytest.raises(ValidationError) as exc:
            matter_key_dates_set(
                actor=firm["staff"], matter=matter, dates={"judgment_date": future}
            )
        assert "judgment_date" in exc.value.message_dict
        matter_close(
            actor=firm["partner"],
            matter=matter,
            business_end_date=matter.engagement_start,
        )
        matter.refresh_from_db()
        archive = matter.archive
        archive.filed_on = timezone.localdate()
        archive.save(update_fields=["filed_on"])
        matter = Matter.objects.get(pk=matter.pk)
        with pytest.raises(ValidationError) as exc:
            matter_key_dates_set(
                actor=firm["staff"],
                matter=matter,
                dates={"business_end_date": timezone.localdate()},
            )
        assert "business_end_date" in exc.value.message_dict

    def test_non_litigation_has_no_judgment(self, firm, acme, mk_matter):
        matter = mk_matter(acme, domain="non_litigation", sub_domain="mna")
        with pytest.raises(ValidationError) as exc:
            matter_key_dates_set(
                actor=firm["staff"],
                matter=matter,
                dates={"judgment_date": dt.date(2026, 3, 1)},
            )
        assert "judgment_date" in exc.value.message_dict

    def test_parties_and_hearings(self, firm, acme, mk_matter):
        matter = mk_matter(acme)
        party = matter_party_add(
            actor=firm["staff"],
            matter=matter,
            role="counterparty",
            name="上海市某某贸易有限公司",
            credit_code=a_credit_code(7),
        )
        assert party.name_normalized == "某某贸易"
        with pytest.raises(ValidationError) as exc:
            matter_party_add(
                actor=firm["staff"],
                matter=matter,
                role="counterparty",
                name="X",
                credit_code="91110000600037341A",
            )
        assert set(exc.value.message_dict) == {"credit_code"}
        with pytest.raises(ValidationError) as exc:
            matter_party_add(actor=firm["staff"], matter=matter, role="judge", name="X")
        assert set(exc.value.message_dict) == {"role"}
        matter_party_remove(actor=firm["staff"], party=party)
        assert not matter.parties.exists()
        when = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
        hearing = matter_hearing_add(
            actor=firm["staff"], matter=matter, scheduled_at=when, location="朝阳法院"
        )
        matter_hearing_add(
            actor=firm["staff"],
            matter=matter,
            scheduled_at=when + dt.timedelta(days=30),
        )
        assert matter.hearings.count() == 2
        matter_hearing_remove(actor=firm["staff"], hearing=hearing)
        assert matter.hearings.count() == 1


class TestFees:
    def test_amount_must_be_positive(self, firm, acme, mk_matter):
        matter = mk_matter(acme)
        for amount in (Decimal("0"), Decimal("-5")):
            with pytest.raises(ValidationError) as exc:
                fee_receipt_record(
                    actor=firm["staff"],
                    matter=matter,
                    amount=amount,
                    received_on=dt.date(2026, 2, 1),
                )
            assert set(exc.value.message_dict) == {"amount"}
        with pytest.raises(ValidationError) as exc:
            fee_receipt_record(
                actor=firm["staff"],
                matter=matter,
                amount=Decimal("1"),
                received_on=timezone.localdate() + dt.timedelta(days=2),
            )
        assert set(exc.value.message_dict) == {"received_on"}

    def test_receipt_recomputes_the_tier(self, firm, acme, mk_matter):
        matter = mk_matter(acme)
        fee_receipt_record(
            actor=firm["staff"],
            matter=matter,
            amount=Decimal("1200000.00"),
            received_on=timezone.localdate(),
            note="首期",
        )
        acme.refresh_from_db()
        assert acme.tier == "strategic"
        assert AuditEntry.objects.filter(action="matter.fee_recorded").exists()


class TestClose:
    def test_close_records_business_end_then_refuses_again(self, firm, acme, mk_matter):
        matter = mk_matter(acme)
        end = dt.date(2026, 3, 1)
        matter_close(actor=firm["staff"], matter=matter, business_end_date=end)
        matter.refresh_from_db()
        assert matter.status == Matter.Status.CLOSED
        assert matter.business_end_date == end
        assert matter.counsel_end_date is None
        assert AuditEntry.objects.filter(
            action="matter.closed", object_id=str(matter.pk)
        ).exists()
        with pytest.raises(InvalidTransition):
            matter_close(actor=firm["staff"], matter=matter, business_end_date=end)
        with pytest.raises(InvalidTransition):
            matter_update(actor=firm["staff"], matter=matter, data={"name": "x"})

    def test_counsel_close_records_termination(self, firm, acme, mk_matter):
        matter = mk_matter(acme, domain="counsel", sub_domain="")
        matter_close(
            actor=firm["staff"], matter=matter, business_end_date=dt.date(2026, 3, 1)
        )
        matter.refresh_from_db()
        assert matter.counsel_end_date == dt.date(2026, 3, 1)

    def test_business_end_not_before_start_nor_future(self, firm, acme, mk_matter):
        matter = mk_matter(acme)
        with pytest.raises(ValidationError):
            matter_close(
                actor=firm["staff"],
                matter=matter,
                business_end_date=dt.date(2025, 1, 1),
            )
        with pytest.raises(ValidationError):
            matter_close(
                actor=firm["staff"],
                matter=matter,
                business_end_date=timezone.localdate() + dt.timedelta(days=1),
            )
        matter.refresh_from_db()
        assert matter.status == Matter.Status.OPEN

    def test_assistant_cannot_close(self, firm, acme, mk_matter):
        matter = mk_matter(acme, assistants=[firm["assistant"]])
        with pytest.raises(PermissionDenied):
            matter_close(
                actor=firm["assistant"],
                matter=matter,
                business_end_date=dt.date(2026, 3, 1),
            )
