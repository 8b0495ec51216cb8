"""Conflict-of-interest check (利益冲突检索; SPEC §2.4, issue 3 §6)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lexkeep.clients.conflicts import (
    conflict_check_decide,
    conflict_check_hits_for,
    conflict_check_run,
    conflict_check_waiver_read,
)
from lexkeep.core.exceptions import InvalidTransition
from lexkeep.core.models import AuditEntry
from lexkeep.matters.models import ConflictCheck, FeeReceipt, MatterParty
from tests.matters.conftest import (  # noqa: F401 - fixtures
    a_credit_code,
    an_id_number,
    api_as_fixture,
    mk_check_fixture,
    mk_client_fixture,
    mk_matter_fixture,
)

pytestmark = pytest.mark.django_db


def reasons_of(check: ConflictCheck) -> list[tuple[str, str, list[str]]]:
    return [(h["kind"], h["matched_name"], h["reasons"]) for h in check.hits]


class TestMatching:
    def test_normalised_exact_name_hits(self, firm, mk_client):
        client = mk_client("北京市星河科技有限公司", owner=firm["senior"])
        check = conflict_check_run(actor=firm["senior"], name="星河科技股份有限公司")
        assert len(check.hits) == 1
        hit = check.hits[0]
        assert hit["kind"] == "client" and hit["client_id"] == client.pk
        assert hit["reason"] == "exact_name" and hit["score"] == 1.0
        assert hit["restricted"] is False
        assert check.decision == ConflictCheck.Decision.PENDING
        assert AuditEntry.objects.filter(action="conflict_check.run").exists()

    def test_near_name_hits_but_unrelated_does_not(self, firm, mk_client):
        mk_client("星河科技发展有限公司", owner=firm["senior"])
        mk_client("星河数码科技有限公司", owner=firm["senior"])
        mk_client("长城汽车股份有限公司", owner=firm["senior"])
        check = conflict_check_run(actor=firm["senior"], name="深圳市星河科技有限公司")
        names = {h["matched_name"]: h for h in check.hits}
        assert set(names) == {"星河科技发展有限公司"}
        hit = names["星河科技发展有限公司"]
        assert hit["reason"] == "similar_name" and 0.8 <= hit["score"] < 1

    def test_english_names_fold_case_and_suffix(self, firm, mk_client):
        mk_client("Star River Technology Co., Ltd.", owner=firm["senior"])
        check = conflict_check_run(
            actor=firm["senior"], name="STAR RIVER TECHNOLOGY LIMITED"
        )
        assert [h["reason"] for h in check.hits] == ["exact_name"]

    def test_credit_code_hits_under_another_name(self, firm, mk_client):
        code = a_credit_code(11)
        mk_client("甲公司", credit_code=code, owner=firm["senior"])
        check = conflict_check_run(
            actor=firm["senior"], name="完全不同的名字", credit_code=code
        )
        assert reasons_of(check) == [("client", "甲公司", ["credit_code"])]

    def test_id_number_hits_through_blind_index_and_is_never_stored(
        self, firm, mk_client
    ):
        number = an_id_number(21)
        mk_client(
            "王五", client_type="individual", id_number=number, owner=firm["senior"]
        )
        check = conflict_check_run(
            actor=firm["senior"],
            name="某公司",
            parties=[{"name": "王伍", "role": "counterparty", "id_number": number}],
        )
        assert reasons_of(check) == [("client", "王五", ["id_number"])]
        stored = (
            ConflictCheck.objects.filter(pk=check.pk)
            .values_list("hits", "parties", "subject_id_index")
            .get()
        )
        assert number not in json.dumps(stored, ensure_ascii=False)
        assert number[-8:] not in json.dumps(stored, ensure_ascii=False)

    def test_counterparty_and_related_party_of_matters(
        self, firm, mk_client, mk_matter
    ):
        client = mk_client("客户甲有限公司", owner=firm["senior"])
        matter = mk_matter(client, handling=[firm["senior"]])
        code = a_credit_code(31)
        MatterParty.objects.create(
            matter=matter,
            role="counterparty",
            name="乙方贸易有限公司",
            name_normalized="乙方贸易",
        )
        MatterParty.objects.create(
            matter=matter,
            role="related",
            name="丙方实业有限公司",
            name_normalized="丙方实业",
            credit_code=code,
        )
        check = conflict_check_run(
            actor=firm["senior"],
            name="乙方贸易股份有限公司",
            parties=[{"name": "其他", "role": "related", "credit_code": code}],
        )
        kinds = {(h["kind"], h["matter_id"], h["reason"]) for h in check.hits}
        assert kinds == {
            ("counterparty", matter.pk, "exact_name"),
            ("related_party", matter.pk, "credit_code"),
        }

    def test_the_client_itself_is_not_a_hit(self, firm, mk_client):
        client = mk_client("星河科技有限公司", owner=firm["senior"])
        check = conflict_check_run(
            actor=firm["senior"], name="星河科技有限公司", client=client
        )
        assert check.hits == []

    def test_bad_input_names_the_field(self, firm):
        with pytest.raises(ValidationError) as exc:
            conflict_check_run(
                actor=firm["senior"],
                name="",
                credit_code="123",
                parties=[{"name": "x", "role": "judge", "id_number": "1"}],
            )
        assert set(exc.value.message_dict) == {
            "name",
            "credit_code",
            "parties[0].role",
            "parties[0].id_number",
        }

    @pytest.mark.parametrize("role", ["assistant", "archivist", "external"])
    def test_who_may_run(self, firm, role):
        with pytest.raises(PermissionDenied):
            conflict_check_run(actor=firm[role], name="某公司")


class TestRestricted:
    def test_hit_on_an_invisible_matter_is_restricted_not_dropped(
        self, firm, mk_client, mk_matter
    ):
        client = mk_client("秘密客户有限公司", owner=firm["senior"])
        matter = mk_matter(client, handling=[firm["senior"]])
        MatterParty.objects.create(
            matter=matter,
            role="counterparty",
            name="对方集团有限公司",
            name_normalized="对方",
        )
        check = conflict_check_run(
            actor=firm["staff"],
            name="新客户",
            parties=[{"name": "对方集团有限公司", "role": "counterparty"}],
        )
        assert len(check.hits) == 1 and check.hits[0]["restricted"] is True
        shown = conflict_check_hits_for(actor=firm["staff"], check=check)
        assert shown[0]["restricted"] is True
        assert "partner" in shown[0]["message"] or "合伙人" in shown[0]["message"]
        text = json.dumps(shown, ensure_ascii=False)
        assert "对方集团有限公司" not in text.replace(
            '"searched_name": "对方集团有限公司"', ""
        )
        assert "matched_name" not in shown[0] and "matter_id" not in shown[0]
        full = conflict_check_hits_for(actor=firm["partner"], check=check)
        assert full[0]["matched_name"] == "对方集团有限公司"
        assert full[0]["matter_id"] == matter.pk

    def test_invisible_client_hit_is_restricted(self, firm, mk_client):
        mk_client("星河科技有限公司", owner=firm["senior"])
        check = conflict_check_run(actor=firm["staff"], name="星河科技有限公司")
        shown = conflict_check_hits_for(actor=firm["staff"], check=check)
        assert [h["restricted"] for h in shown] == [True]
        assert "matched_name" not in shown[0]


class TestFormerClientAdverse:
    def _setup(self, firm, mk_client, mk_matter, *, ended_days_ago, fee_days_ago):
        today = timezone.localdate()
        client = mk_client("老客户有限公司", owner=firm["senior"])
        matter = mk_matter(
            client,
            engagement_start=today - dt.timedelta(days=900),
            status="closed",
            business_end_date=today - dt.timedelta(days=ended_days_ago),
        )
        FeeReceipt.objects.create(
            matter=matter,
            amount=Decimal("1000"),
            received_on=today - dt.timedelta(days=fee_days_ago),
        )
        return conflict_check_run(
            actor=firm["partner"],
            name="新客户",
            parties=[{"name": "老客户有限公司", "role": "counterparty"}],
        )

    def test_flagged_within_a_year(self, firm, mk_client, mk_matter):
        check = self._setup(
            firm, mk_client, mk_matter, ended_days_ago=200, fee_days_ago=400
        )
        assert [h["former_client_adverse"] for h in check.hits] == [True]

    def test_flagged_by_a_recent_fee(self, firm, mk_client, mk_matter):
        check = self._setup(
            firm, mk_client, mk_matter, ended_days_ago=500, fee_days_ago=100
        )
        assert [h["former_client_adverse"] for h in check.hits] == [True]

    def test_not_flagged_after_a_year(self, firm, mk_client, mk_matter):
        check = self._setup(
            firm, mk_client, mk_matter, ended_days_ago=400, fee_days_ago=380
        )
        assert [h["former_client_adverse"] for h in check.hits] == [False]

    def test_current_client_as_counterparty_is_flagged_not_as_related(
        self, firm, mk_client, mk_matter
    ):
        client = mk_client("现客户有限公司", owner=firm["senior"])
        mk_matter(client)
        check = conflict_check_run(
            actor=firm["partner"],
            name="新客户",
            parties=[
                {"name": "现客户有限公司", "role": "counterparty"},
                {"name": "现客户有限公司", "role": "related"},
            ],
        )
        flags = sorted(
            (h["searched_role"], h["former_client_adverse"]) for h in check.hits
        )
        assert flags == [("counterparty", True), ("related", False)]


class TestDecision:
    def test_clear_without_hits_by_the_searcher(self, firm):
        check = conflict_check_run(actor=firm["staff"], name="全新客户")
        check = conflict_check_decide(
            actor=firm["staff"], check=check, decision="clear"
        )
        assert check.decision == "clear" and check.decided_by == firm["staff"]
        with pytest.raises(InvalidTransition):
            conflict_check_decide(actor=firm["staff"], check=check, decision="declined")
        assert AuditEntry.objects.filter(action="conflict_check.decided").count() == 1

    def test_clear_despite_hits_needs_a_partner_and_a_note(self, firm, mk_client):
        mk_client("星河科技发展有限公司", owner=firm["staff"])
        check = conflict_check_run(actor=firm["staff"], name="星河科技")
        assert check.hits
        with pytest.raises(PermissionDenied):
            conflict_check_decide(actor=firm["staff"], check=check, decision="clear")
        with pytest.raises(ValidationError) as exc:
            conflict_check_decide(actor=firm["partner"], check=check, decision="clear")
        assert set(exc.value.message_dict) == {"note"}
        check = conflict_check_decide(
            actor=firm["partner"], check=check, decision="clear", note="不同主体"
        )
        assert check.decision == "clear"

    def test_waiver_needs_the_document_and_stores_it_encrypted(
        self, firm, mk_client, settings
    ):
        mk_client("星河科技有限公司", owner=firm["senior"])
        check = conflict_check_run(actor=firm["senior"], name="星河科技")
        with pytest.raises(ValidationError) as exc:
            conflict_check_decide(actor=firm["partner"], check=check, decision="waived")
        assert "waiver_document" in exc.value.message_dict
        document = b"%PDF-1.4 informed consent signed by the client"
        check = conflict_check_decide(
            actor=firm["partner"],
            check=check,
            decision="waived",
            note="客户书面同意",
            waiver_document=document,
            waiver_document_name="consent.pdf",
        )
        assert check.decision == "waived"
        assert check.waiver_document_key.scope == f"matters.conflict:{check.pk}"
        from django.core.files.storage import default_storage

        with default_storage.open(check.waiver_document_blob, "rb") as fh:
            assert b"informed consent" not in fh.read()
        assert (
            conflict_check_waiver_read(actor=firm["partner"], check=check) == document
        )

    def test_lawyer_may_not_waive_and_anyone_may_decline(self, firm):
        check = conflict_check_run(actor=firm["staff"], name="某客户")
        with pytest.raises(PermissionDenied):
            conflict_check_decide(
                actor=firm["staff"],
                check=check,
                decision="waived",
                waiver_document=b"x",
                waiver_document_name="x.pdf",
            )
        check = conflict_check_decide(
            actor=firm["staff"], check=check, decision="declined"
        )
        assert check.decision == "declined"

    def test_other_lawyer_may_not_decide(self, firm):
        check = conflict_check_run(actor=firm["staff"], name="某客户")
        with pytest.raises(PermissionDenied):
            conflict_check_decide(actor=firm["senior"], check=check, decision="clear")


class TestApi:
    def test_run_view_decide_and_conflict(self, firm, mk_client, mk_matter, api_as):
        client = mk_client("秘密客户有限公司", owner=firm["senior"])
        matter = mk_matter(client, handling=[firm["senior"]])
        MatterParty.objects.create(
            matter=matter,
            role="counterparty",
            name="对方有限公司",
            name_normalized="对方",
        )
        staff = api_as("staff")
        response = staff.post(
            "/api/v1/conflict-checks",
            {
                "name": "新客户",
                "parties": [{"name": "对方有限公司", "role": "counterparty"}],
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["hit_count"] == 1
        assert body["hits"][0]["restricted"] is True
        assert body["hits"][0]["matched_name"] is None
        check_id = body["id"]
        assert staff.get(f"/api/v1/conflict-checks/{check_id}").status_code == 200
        assert (
            api_as("assistant").get(f"/api/v1/conflict-checks/{check_id}").status_code
            == 404
        )
        listing = staff.get("/api/v1/conflict-checks").json()
        assert listing["count"] == 1 and listing["items"][0]["id"] == check_id

        partner = api_as("partner")
        detail = partner.get(f"/api/v1/conflict-checks/{check_id}").json()
        assert detail["hits"][0]["matched_name"] == "对方有限公司"
        url = f"/api/v1/conflict-checks/{check_id}/decision"
        missing = partner.multipart(url, {"decision": "waived"})
        assert missing.status_code == 400
        assert "waiver_document" in {e["field"] for e in missing.json()["errors"]}
        upload = SimpleUploadedFile("consent.pdf", b"%PDF signed", "application/pdf")
        done = partner.multipart(
            url, {"decision": "waived", "note": "同意", "waiver_document": upload}
        )
        assert done.status_code == 200, done.content
        assert done.json()["decision"] == "waived"
        assert done.json()["waiver_document_name"] == "consent.pdf"
        again = partner.multipart(url, {"decision": "declined"})
        assert again.status_code == 409
        download = partner.get(f"/api/v1/conflict-checks/{check_id}/waiver-document")
        assert download.status_code == 200 and download.content == b"%PDF signed"

    def test_bad_input_is_400_naming_fields(self, firm, api_as):
        response = api_as("staff").post(
            "/api/v1/conflict-checks", {"name": "x", "credit_code": "bad"}
        )
        assert response.status_code == 400
        assert {e["field"] for e in response.json()["errors"]} == {"credit_code"}
