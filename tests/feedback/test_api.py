"""The feedback API: public intake, cases, transitions, ledger, summary (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from lexkeep.core.models import AuditEntry
from lexkeep.feedback.models import Feedback, ImprovementMeasure
from lexkeep.feedback.services import feedback_transition
from tests.feedback.conftest import local

pytestmark = pytest.mark.django_db

BODY = {
    "name": "林女士",
    "contact": "lin@example.com",
    "content": "账单上的费用没有说明。",
    "expected_resolution": None,
    "category": "fees_unclear",
}


def post_public(client, body, ip="203.0.113.7"):
    return client.post(
        "/api/v1/public/feedback",
        data=json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def errors_of(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


class TestPublicEndpoint:
    def test_no_auth_needed_and_reference_returned(self, client, firm):
        response = post_public(client, BODY)
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["reference"].startswith("FK-")
        case = Feedback.objects.get(reference=data["reference"])
        assert case.channel == "web"
        assert case.contact == "lin@example.com"
        returned = dt.datetime.fromisoformat(data["contact_due"])
        assert abs(returned - case.contact_due) < dt.timedelta(milliseconds=1)

    def test_references_count_up(self, client, firm):
        first = post_public(client, BODY).json()["reference"]
        second = post_public(client, BODY).json()["reference"]
        assert int(second[-6:]) == int(first[-6:]) + 1

    def test_honeypot_rejects(self, client):
        response = post_public(client, {**BODY, "website": "http://spam"})
        assert response.status_code == 400
        assert "website" in errors_of(response)
        assert not Feedback.objects.exists()

    def test_rate_limit_per_address(self, client):
        for _ in range(5):
            assert post_public(client, BODY).status_code == 201
        response = post_public(client, BODY)
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert post_public(client, BODY, ip="198.51.100.9").status_code == 201

    def test_honeypot_hits_count_towards_the_limit(self, client):
        for _ in range(5):
            post_public(client, {**BODY, "website": "x"})
        assert post_public(client, BODY).status_code == 429

    def test_errors_name_each_field(self, client):
        response = post_public(
            client,
            {
                **BODY,
                "name": "",
                "contact": "not a phone",
                "content": "",
                "category": "nonsense",
                "expected_resolution": "2020-01-01",
            },
        )
        assert response.status_code == 400
        fields = set(errors_of(response))
        assert fields == {
            "name",
            "contact",
            "content",
            "category",
            "expected_resolution",
        }

    def test_schema_errors_are_422_naming_the_field(self, client):
        response = post_public(client, {**BODY, "expected_resolution": "soon"})
        assert response.status_code == 422
        assert "expected_resolution" in errors_of(response)

    def test_nothing_personal_in_the_audit_log(self, client):
        post_public(client, BODY)
        entry = AuditEntry.objects.get(action="feedback.received")
        text = json.dumps(entry.detail, ensure_ascii=False) + entry.actor_label
        assert "lin@example.com" not in text
        assert "林女士" not in text


class TestCases:
    def test_staff_entry_and_detail(self, api):
        cs = api("client_service")
        response = cs.post(
            "/api/v1/feedback",
            {
                **BODY,
                "channel": "phone",
                "contact": "13812345678",
                "received_at": "2026-09-30T10:00:00+08:00",
            },
        )
        assert response.status_code == 201, response.content
        data = response.json()
        expected = {
            "id",
            "reference",
            "name",
            "contact",
            "content",
            "expected_resolution",
            "received_at",
            "status",
            "contact_due",
            "reply_due",
        }
        assert expected <= set(data)
        assert data["status"] == "received"
        reply_due = dt.datetime.fromisoformat(data["reply_due"])
        assert reply_due.astimezone(local(2026, 1, 1).tzinfo).date() == dt.date(
            2026, 10, 10
        )
        assert data["contact"] == "13812345678"
        assert [e["action"] for e in data["events"]] == ["received", "assigned"]
        detail = cs.get(f"/api/v1/feedback/{data['id']}")
        assert detail.status_code == 200

    def test_staff_entry_in_the_future_is_refused(self, api):
        future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
        response = api("client_service").post(
            "/api/v1/feedback", {**BODY, "channel": "email", "received_at": future}
        )
        assert response.status_code == 400
        assert "received_at" in errors_of(response)

    def test_transition_and_409(self, api, make_case):
        case = make_case()
        cs = api("client_service")
        url = f"/api/v1/feedback/{case.pk}/transition"
        response = cs.post(url, {"action": "resolve", "note": "x"})
        assert response.status_code == 409
        assert response.json()["state"] == "received"
        response = cs.post(url, {"action": "contact", "note": "已联系"})
        assert response.status_code == 200
        assert response.json()["status"] == "contacted"
        assert response.json()["allowed_actions"] == ["dismiss", "propose"]
        response = cs.post(url, {"action": "propose"})
        assert response.status_code == 400
        assert "note" in errors_of(response)

    def test_dismissal_needs_its_reason(self, api, make_case):
        case = make_case()
        url = f"/api/v1/feedback/{case.pk}/transition"
        cs = api("client_service")
        response = cs.post(url, {"action": "dismiss", "note": "与前一件重复"})
        assert response.status_code == 400
        assert "dismissed_as" in errors_of(response)
        response = cs.post(
            url,
            {"action": "dismiss", "note": "与前一件重复", "dismissed_as": "duplicate"},
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["dismissed_as"]) == ("closed", "duplicate")
        assert body["allowed_actions"] == ["reopen"]
        assert body["contact_breached"] is False

    def test_extension(self, api, make_case):
        case = make_case()
        cs = api("client_service")
        url = f"/api/v1/feedback/{case.pk}/extension"
        response = cs.post(url, {"working_days": 2, "reason": ""})
        assert response.status_code == 400
        assert {"reason", "client_informed_at", "client_informed_via"} <= set(
            errors_of(response)
        )
        response = cs.post(
            url,
            {
                "working_days": 2,
                "reason": "等待鉴定意见",
                "client_informed_at": dt.datetime.now(dt.UTC).isoformat(),
                "client_informed_via": "phone",
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["new_reply_due"] > response.json()["previous_reply_due"]

    def test_reassign_by_patch(self, api, make_case, make_user):
        from lexkeep.accounts.models import Role

        other = make_user("cs2", Role.CLIENT_SERVICE)
        case = make_case()
        response = api("director").patch(
            f"/api/v1/feedback/{case.pk}",
            {"owner": other.pk, "category": "attitude"},
        )
        assert response.status_code == 200, response.content
        assert response.json()["owner"] == other.pk
        assert response.json()["category"] == "attitude"

    def test_list_filters(self, api, make_case):
        make_case(local(2026, 6, 1, 9, 0))
        make_case(category="quality")
        cs = api("client_service")
        assert cs.get("/api/v1/feedback").json()["count"] == 2
        assert cs.get("/api/v1/feedback", category="quality").json()["count"] == 1
        assert cs.get("/api/v1/feedback", breached="true").json()["count"] == 1
        response = cs.get("/api/v1/feedback", received_from="junk")
        assert response.status_code == 422


class TestVisibility:
    @pytest.mark.parametrize("who", ["client_service", "director", "partner"])
    def test_readers_see_every_case(self, api, make_case, who):
        case = make_case()
        assert api(who).get("/api/v1/feedback").json()["count"] == 1
        assert api(who).get(f"/api/v1/feedback/{case.pk}").status_code == 200

    @pytest.mark.parametrize(
        "who", ["senior", "staff", "assistant", "archivist", "external"]
    )
    def test_other_roles_see_none(self, api, make_case, who):
        case = make_case()
        assert api(who).get("/api/v1/feedback").json()["count"] == 0
        assert api(who).get(f"/api/v1/feedback/{case.pk}").status_code == 404

    def test_partner_sees_contact_masked(self, api, make_case):
        case = make_case()
        data = api("partner").get(f"/api/v1/feedback/{case.pk}").json()
        assert data["contact"] == "138****5678"

    @pytest.mark.parametrize("who", ["partner", "staff"])
    def test_only_handlers_create(self, api, who):
        response = api(who).post(
            "/api/v1/feedback",
            {**BODY, "channel": "phone", "received_at": "2026-09-30T10:00:00+08:00"},
        )
        assert response.status_code == 403


class TestLedgerAndSummary:
    def test_excel_export_is_logged(self, api, make_case):
        make_case()
        make_case(category="quality")
        response = api("partner").get(
            "/api/v1/feedback/ledger.xlsx", category="quality"
        )
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(book.active.values)
        assert len(rows) == 2
        assert rows[1][5] == "138****5678"  # partners get the contact masked
        entry = AuditEntry.objects.get(action="feedback.ledger_exported")
        assert entry.detail["rows"] == 1
        assert entry.detail["filters"] == {"category": "quality"}

    def test_export_holds_handling_outcome_and_satisfaction(self, api, make_case, firm):
        """The ledger 《客户反馈台账》 in Chinese: content, handling, outcome
        and the client's satisfaction (SPEC §5)."""
        cs = firm["client_service"]
        received = local(2026, 6, 1, 9, 0)
        case = make_case(received_at=received)
        for action, note, extra in (
            ("contact", "已致电林女士", {}),
            ("propose", "每周五书面通报进展", {}),
            ("resolve", "客户接受方案", {"satisfaction": 4}),
        ):
            case = feedback_transition(
                actor=cs, feedback=case, action=action, note=note, now=received, **extra
            )
        response = api("client_service").get(
            "/api/v1/feedback/ledger.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        headers, row = list(book.active.values)
        assert headers[0] == "受理编号"
        assert headers[-3:] == ("处理过程", "结果", "客户满意度（1–5）")
        assert row[0] == case.reference and row[6] == "三天没有人回复我的邮件。"
        assert "每周五书面通报进展" in row[-3]
        assert row[-2:] == ("客户接受方案", 4)

    def test_export_refused_to_other_roles(self, api):
        assert api("staff").get("/api/v1/feedback/ledger.xlsx").status_code == 403

    def test_summary(self, api, make_case, firm):
        cs = firm["client_service"]
        from lexkeep.feedback.services import feedback_transition

        a = make_case(local(2026, 10, 12, 9, 0), category="slow_communication")
        b = make_case(local(2026, 11, 2, 9, 0), category="slow_communication")
        make_case(local(2026, 11, 3, 9, 0), category="fees_unclear")  # no reply
        make_case(local(2026, 9, 30, 9, 0), category="quality")  # Q3
        # a: contacted within the hour, a solution the next day; b: contacted
        # on day 3, a solution on day 9 (due by the 3rd working day).
        for case, contact_at, reply_at in (
            (a, local(2026, 10, 12, 10, 0), local(2026, 10, 13, 9, 0)),
            (b, local(2026, 11, 5, 9, 0), local(2026, 11, 11, 9, 0)),
        ):
            for action, at in (("contact", contact_at), ("propose", reply_at)):
                case = feedback_transition(
                    actor=cs, feedback=case, action=action, note="x", now=at
                )
        response = api("client_service").post(
            "/api/v1/feedback/improvements",
            {"quarter": "2026q4", "category": "slow_communication", "measure": "周报"},
        )
        assert response.status_code == 201, response.content
        assert ImprovementMeasure.objects.get().quarter == "2026Q4"
        data = api("director").get("/api/v1/feedback/summary", quarter="2026Q4").json()
        assert data["total"] == 3
        counts = {row["category"]: row["count"] for row in data["by_category"]}
        assert counts["slow_communication"] == 2
        assert data["most_common"][0]["category"] == "slow_communication"
        assert data["most_common"][0]["measures"][0]["measure"] == "周报"
        assert data["contact_on_time"] == 1
        assert data["contact_decided"] == 3
        assert data["contact_within_24h_percent"] == pytest.approx(33.3)
        # Every reply clock of the quarter has run out: one met of three.
        assert (data["reply_on_time"], data["reply_decided"]) == (1, 3)
        assert data["reply_within_working_days_percent"] == pytest.approx(33.3)

    def test_summary_bad_quarter(self, api):
        response = api("director").get("/api/v1/feedback/summary", quarter="2026Q5")
        assert response.status_code == 400
        assert "quarter" in errors_of(response)


def test_openapi_lists_the_feedback_paths_and_the_public_one_needs_no_login(api):
    spec = api("director").get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/feedback"])
    for path in (
        "/api/v1/feedback/{feedback_id}/transition",
        "/api/v1/feedback/{feedback_id}/extension",
        "/api/v1/feedback/ledger.xlsx",
        "/api/v1/feedback/summary",
    ):
        assert path in paths
    assert paths["/api/v1/feedback"]["post"]["security"] == [{"BearerAuth": []}]
    public = paths["/api/v1/public/feedback"]
    assert list(public) == ["post"]
    assert not public["post"].get("security")
    # Closing without resolution: the reason on the move, the case and the summary.
    schemas = spec["components"]["schemas"]
    assert "dismissed_as" in schemas["TransitionIn"]["properties"]
    assert "dismissed_as" in schemas["FeedbackDetailOut"]["properties"]
    assert "dismissed" in schemas["SummaryOut"]["properties"]
