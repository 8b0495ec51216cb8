"""Pages: the public form without login, staff pages per role (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lexkeep.core.models import AuditEntry
from lexkeep.feedback.models import Feedback, Status
from tests.feedback.conftest import local
from tests.web.helpers import sign_in

pytestmark = pytest.mark.django_db

PUBLIC = {
    "name": "林女士",
    "contact": "13812345678",
    "category": "slow_communication",
    "content": "我的案子一周没有进展通知。",
    "expected_resolution": "",
    "website": "",
}


def signed_in(user) -> HttpClient:
    return sign_in(HttpClient(), user)


class TestPublicForm:
    def test_form_opens_without_login(self, client):
        response = client.get("/public/feedback/")
        assert response.status_code == 200
        assert b'name="website"' in response.content

    def test_submit_shows_reference_on_thank_you_page(self, client, firm):
        response = client.post("/public/feedback/", PUBLIC, follow=True)
        assert response.status_code == 200
        case = Feedback.objects.get()
        assert case.reference.startswith(f"FK-{timezone.localdate().year}-")
        assert case.reference in response.content.decode()
        assert case.owner == firm["client_service"]
        assert case.channel == "web"

    def test_honeypot_rejects(self, client):
        response = client.post("/public/feedback/", {**PUBLIC, "website": "x.com"})
        assert response.status_code == 400
        assert not Feedback.objects.exists()

    def test_bad_contact_names_the_field(self, client):
        response = client.post("/public/feedback/", {**PUBLIC, "contact": "12345"})
        assert response.status_code == 400
        assert response.context["form"].errors["contact"]

    def test_rate_limit(self, client):
        for _ in range(5):
            assert client.post("/public/feedback/", PUBLIC).status_code == 302
        response = client.post("/public/feedback/", PUBLIC)
        assert response.status_code == 429
        assert Feedback.objects.count() == 5

    def test_thanks_without_submission_goes_back_to_form(self, client):
        response = client.get("/public/feedback/thanks/")
        assert response.status_code == 302

    def test_unverified_director_is_not_sent_to_2fa(self, firm):
        web = HttpClient()
        web.force_login(firm["director"])
        assert web.get(reverse("feedback:list")).status_code == 302
        response = web.get("/public/feedback/")
        assert response.status_code == 200


class TestStaffPages:
    @pytest.mark.parametrize("who", ["client_service", "director", "partner"])
    def test_list_ledger_summary_open(self, firm, make_case, who):
        make_case()
        web = signed_in(firm[who])
        for name in ("list", "ledger", "summary"):
            assert web.get(reverse(f"feedback:{name}")).status_code == 200

    @pytest.mark.parametrize("who", ["staff", "assistant", "archivist", "external"])
    def test_other_roles_are_refused(self, firm, who):
        response = signed_in(firm[who]).get(reverse("feedback:list"))
        assert response.status_code == 403

    def test_case_page_and_transition(self, firm, make_case):
        case = make_case()
        web = signed_in(firm["client_service"])
        page = web.get(case.get_absolute_url())
        assert page.status_code == 200
        assert "13812345678" in page.content.decode()
        response = web.post(
            reverse("feedback:transition", args=[case.pk]),
            {"action": "contact", "note": "已电话联系"},
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == Status.CONTACTED

    def test_closing_a_duplicate_without_resolution(self, firm, make_case):
        case = make_case()
        web = signed_in(firm["client_service"])
        url = reverse("feedback:transition", args=[case.pk])
        page = web.get(case.get_absolute_url()).content.decode()
        assert 'data-action="dismiss"' in page
        response = web.post(url, {"action": "dismiss", "note": "与前一件重复"})
        assert response.status_code == 400
        assert response.context["transition_form"].errors["dismissed_as"]
        response = web.post(
            url,
            {"action": "dismiss", "note": "与前一件重复", "dismissed_as": "duplicate"},
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert (case.status, case.dismissed_as) == (Status.CLOSED, "duplicate")
        page = web.get(case.get_absolute_url()).content.decode()
        assert "重复" in page and "sla-stopped" in page
        assert 'id="satisfaction-form"' not in page
        export = web.get(reverse("feedback:ledger_xlsx"))
        book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
        (header, row) = list(book.active.values)
        status = row[header.index("状态")]
        assert status == "已结案 (与其他案件重复)"

    def test_transition_without_note_shows_the_error(self, firm, make_case):
        case = make_case()
        web = signed_in(firm["client_service"])
        response = web.post(
            reverse("feedback:transition", args=[case.pk]), {"action": "contact"}
        )
        assert response.status_code == 400
        assert response.context["transition_form"].errors["note"]

    def test_invalid_transition_is_refused(self, firm, make_case):
        case = make_case()
        web = signed_in(firm["client_service"])
        response = web.post(
            reverse("feedback:transition", args=[case.pk]),
            {"action": "close", "note": "x"},
            follow=True,
        )
        assert response.status_code == 200
        case.refresh_from_db()
        assert case.status == Status.RECEIVED

    def test_staff_intake_refuses_future_time(self, firm):
        web = signed_in(firm["client_service"])
        future = timezone.localtime() + dt.timedelta(hours=2)
        response = web.post(
            reverse("feedback:create"),
            {
                "channel": "phone",
                "received_at": future.strftime("%Y-%m-%dT%H:%M"),
                "name": "王先生",
                "contact": "wang@example.com",
                "category": "fees_unclear",
                "content": "账单看不懂",
            },
        )
        assert response.status_code == 400
        assert response.context["form"].errors["received_at"]

    def test_staff_intake_records(self, firm):
        web = signed_in(firm["client_service"])
        response = web.post(
            reverse("feedback:create"),
            {
                "channel": "email",
                "received_at": "2026-09-30T10:00",
                "name": "王先生",
                "contact": "wang@example.com",
                "category": "fees_unclear",
                "content": "账单看不懂",
            },
        )
        case = Feedback.objects.get()
        assert response.status_code == 302
        assert case.received_at == local(2026, 9, 30, 10, 0)

    def test_partner_sees_the_contact_masked(self, firm, make_case):
        case = make_case()
        page = signed_in(firm["partner"])
        body = page.get(case.get_absolute_url()).content.decode()
        assert "13812345678" not in body
        assert "138****5678" in body

    def test_excel_export_is_logged(self, firm, make_case):
        make_case()
        web = signed_in(firm["client_service"])
        response = web.get(reverse("feedback:ledger_xlsx"))
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:2] == b"PK"
        entry = AuditEntry.objects.filter(action="feedback.ledger_exported").get()
        assert entry.detail["rows"] == 1
        assert entry.actor_id == firm["client_service"].pk

    def test_summary_records_a_measure(self, firm, make_case):
        web = signed_in(firm["client_service"])
        response = web.post(
            reverse("feedback:summary") + "?quarter=2026Q3",
            {"category": "slow_communication", "measure": "每周固定进展通知"},
        )
        assert response.status_code == 302
        page = web.get(reverse("feedback:summary") + "?quarter=2026Q3")
        assert "每周固定进展通知" in page.content.decode()
