"""The client pages per role: lists, client page tabs, forms, reveal (SPEC §2, §6).

Rules are the services' (tested beside them); these tests check that each
page calls them, maps their errors (ValidationError → field errors in
Chinese, PermissionDenied → 403, not visible → 404) and runs a constant
number of queries.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lexkeep.clients.models import Client, Consent
from lexkeep.core.models import AuditEntry
from tests.clients.conftest import (
    consent_input,
    next_credit_code,
    next_resident_id,
)
from tests.web.helpers import sign_in

pytestmark = pytest.mark.django_db


def count_queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content.decode()[:500]
    return len(ctx.captured_queries)


def individual_payload(**overrides) -> dict:
    data = {
        "client_type": "individual",
        "name": "王小明",
        "gender": "male",
        "phone": "13912345678",
        "address": "上海市浦东新区世纪大道100号",
        "domains": ["litigation:civil"],
        "preferred_channel": "phone",
    }
    data.update(overrides)
    return data


class TestClientList:
    def test_partner_sees_every_client_and_filters_by_type(
        self, client, firm, make_individual, make_enterprise
    ):
        make_individual(name="刘一")
        make_enterprise(name="星河科技有限公司")
        sign_in(client, firm["partner"])
        html = client.get("/clients/").content.decode()
        assert "刘一" in html and "星河科技有限公司" in html
        html = client.get("/clients/", {"client_type": "enterprise"}).content.decode()
        assert "星河科技有限公司" in html and "刘一" not in html

    def test_search_box_finds_two_chinese_characters(
        self, client, firm, make_individual, make_enterprise
    ):
        make_enterprise(name="北京星河科技有限公司")
        make_individual(name="刘一")
        sign_in(client, firm["partner"])
        html = client.get("/clients/", {"q": "星河"}).content.decode()
        assert "北京星河科技有限公司" in html and "刘一" not in html

    def test_htmx_filter_returns_only_the_results(self, client, firm, make_individual):
        make_individual(name="刘一")
        sign_in(client, firm["partner"])
        response = client.get("/clients/", {"tier": "ordinary"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert 'id="results"' in html and "刘一" in html
        assert "<html" not in html

    def test_lawyer_sees_only_own_clients(self, client, firm, make_individual):
        make_individual(name="刘一")
        mine = make_individual(name="陈二", actor=firm["staff"])
        assert mine.owner == firm["staff"]
        sign_in(client, firm["staff"])
        html = client.get("/clients/").content.decode()
        assert "陈二" in html and "刘一" not in html

    def test_empty_state(self, client, firm):
        sign_in(client, firm["client_service"])
        response = client.get("/clients/")
        assert response.status_code == 200
        assert "暂无可显示的客户" in response.content.decode()

    def test_no_match_state(self, client, firm, make_individual):
        make_individual(name="刘一")
        sign_in(client, firm["partner"])
        html = client.get("/clients/", {"q": "不存在"}).content.decode()
        assert "没有符合筛选条件的客户" in html

    @pytest.mark.parametrize("who", ["archivist", "external"])
    def test_roles_without_clients_are_refused(self, client, firm, who):
        sign_in(client, firm[who])
        assert client.get("/clients/").status_code == 403

    def test_query_count_is_constant(self, client, firm, make_individual):
        sign_in(client, firm["partner"])

        def make() -> None:
            # With ID numbers: the list must not decrypt them row by row.
            make_individual(id_number=next_resident_id(), consent=consent_input())

        for _ in range(3):
            make()
        few = count_queries(client, "/clients/")
        for _ in range(22):
            make()
        assert Client.objects.count() == 25
        many = count_queries(client, "/clients/")
        assert few == many

    def test_query_count_is_constant_with_filters(self, client, firm, make_individual):
        sign_in(client, firm["partner"])
        params = "?review=current&tier=ordinary&q=张三"
        for _ in range(3):
            make_individual()
        few = count_queries(client, "/clients/" + params)
        for _ in range(22):
            make_individual()
        assert few == count_queries(client, "/clients/" + params)


class TestClientPage:
    def test_invisible_client_is_404_for_a_lawyer(self, client, firm, make_individual):
        other = make_individual()
        sign_in(client, firm["staff"])
        for tab in ("", "matters/", "history/", "consents/", "team/", "edit/"):
            assert client.get(f"/clients/{other.pk}/{tab}").status_code == 404, tab

    def test_assistant_sees_the_client_of_an_assisted_matter(
        self, client, firm, make_individual, make_matter
    ):
        person = make_individual(name="刘一")
        make_matter(person, assistants=[firm["assistant"]])
        sign_in(client, firm["assistant"])
        response = client.get(f"/clients/{person.pk}/")
        assert response.status_code == 200
        assert "刘一" in response.content.decode()
        # but may not change it
        assert client.get(f"/clients/{person.pk}/edit/").status_code == 403

    @pytest.mark.parametrize("tab", ["", "matters/", "history/", "consents/", "team/"])
    def test_every_tab_renders_for_a_partner(
        self, client, firm, make_individual, make_matter, tab
    ):
        person = make_individual(id_number=next_resident_id(), consent=consent_input())
        make_matter(person, handling=[firm["staff"]])
        sign_in(client, firm["partner"])
        response = client.get(f"/clients/{person.pk}/{tab}")
        assert response.status_code == 200
        assert person.name in response.content.decode()

    @pytest.mark.parametrize(
        "tab",
        [
            "",
            "matters/",
            "history/",
            "consents/",
            "team/",
        ],
    )
    def test_query_count_is_constant(
        self, client, firm, make_individual, make_matter, tab
    ):
        sign_in(client, firm["partner"])
        person = make_individual(id_number=next_resident_id(), consent=consent_input())
        make_matter(person, handling=[firm["staff"]])
        url = f"/clients/{person.pk}/{tab}"
        few = count_queries(client, url)
        from lexkeep.clients.services import client_update

        for n in range(8):
            make_matter(person, handling=[firm["staff"], firm["senior"]])
            client_update(
                actor=firm["partner"],
                client=Client.objects.get(pk=person.pk),
                changes={"phone": f"1391234560{n}"},
            )
        assert few == count_queries(client, url)


class TestSensitiveReveal:
    def test_masked_then_revealed_and_logged(self, client, firm, make_individual):
        number = next_resident_id()
        person = make_individual(id_number=number, consent=consent_input())
        sign_in(client, firm["partner"])
        html = client.get(f"/clients/{person.pk}/").content.decode()
        assert number not in html
        assert number[:4] + "*" * 10 + number[-4:] in html
        before = AuditEntry.objects.filter(action="client.sensitive_viewed").count()
        response = client.post(f"/clients/{person.pk}/reveal/id_number/")
        assert response.status_code == 200
        assert number in response.content.decode()
        assert response["Cache-Control"] == "no-store"
        after = AuditEntry.objects.filter(action="client.sensitive_viewed").count()
        assert after == before + 1

    def test_htmx_reveal_returns_the_value_only(self, client, firm, make_individual):
        number = next_resident_id()
        person = make_individual(id_number=number, consent=consent_input())
        sign_in(client, firm["partner"])
        response = client.post(
            f"/clients/{person.pk}/reveal/id_number/", HTTP_HX_REQUEST="true"
        )
        html = response.content.decode()
        assert number in html and "<html" not in html

    def test_assistant_sees_masked_only_and_is_refused(
        self, client, firm, make_individual, make_matter
    ):
        number = next_resident_id()
        person = make_individual(id_number=number, consent=consent_input())
        make_matter(person, assistants=[firm["assistant"]])
        sign_in(client, firm["assistant"])
        html = client.get(f"/clients/{person.pk}/").content.decode()
        assert number not in html
        assert "对您的角色已遮蔽" in html
        assert f"/clients/{person.pk}/reveal/" not in html
        response = client.post(f"/clients/{person.pk}/reveal/id_number/")
        assert response.status_code == 403
        assert number not in response.content.decode()

    def test_reveal_needs_post(self, client, firm, make_individual):
        person = make_individual(id_number=next_resident_id(), consent=consent_input())
        sign_in(client, firm["partner"])
        assert client.get(f"/clients/{person.pk}/reveal/id_number/").status_code == 405

    def test_unknown_field_is_404(self, client, firm, make_individual):
        person = make_individual()
        sign_in(client, firm["partner"])
        assert client.post(f"/clients/{person.pk}/reveal/phone/").status_code == 404


class TestCreateAndEdit:
    def test_create_individual_with_id_and_consent(self, client, firm):
        sign_in(client, firm["staff"])
        number = next_resident_id()
        payload = individual_payload(
            id_number=number,
            consent_purpose="办理委托事项",
            consent_scope="身份证号",
            consent_use="立案、出具委托手续",
            consent_signed_on="2026-01-05",
            consent_document=SimpleUploadedFile(
                "同意书.pdf", b"%PDF-1.4 signed", content_type="application/pdf"
            ),
        )
        response = client.post("/clients/new/", payload)
        assert response.status_code == 302, response.content.decode()[:3000]
        person = Client.objects.get(name="王小明")
        assert response["Location"] == f"/clients/{person.pk}/"
        assert person.id_number == number
        assert person.owner == firm["staff"]
        consent = Consent.objects.get(client=person)
        assert consent.kind == "sensitive" and consent.document_name == "同意书.pdf"
        assert list(person.domains.values_list("domain", "sub_domain")) == [
            ("litigation", "civil")
        ]

    def test_id_number_without_consent_is_refused_on_the_field(self, client, firm):
        sign_in(client, firm["partner"])
        response = client.post(
            "/clients/new/", individual_payload(id_number=next_resident_id())
        )
        assert response.status_code == 400
        form = response.context["form"]
        assert "id_number" in form.errors
        assert "单独书面同意" in response.content.decode()
        assert not Client.objects.exists()

    def test_bad_check_digit_is_explained_in_chinese(self, client, firm):
        sign_in(client, firm["partner"])
        number = next_resident_id()
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        response = client.post(
            "/clients/new/",
            individual_payload(
                id_number=wrong,
                consent_purpose="p",
                consent_scope="s",
                consent_use="u",
                consent_signed_on="2026-01-05",
            ),
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "身份证号码的校验码不正确" in html
        assert 'aria-invalid="true"' in html

    def test_missing_fields_name_the_field(self, client, firm):
        sign_in(client, firm["partner"])
        response = client.post(
            "/clients/new/",
            {"client_type": "enterprise", "name": "某公司", "credit_code": "123"},
        )
        assert response.status_code == 400
        errors = response.context["form"].errors
        for field in ("credit_code", "legal_representative", "phone"):
            assert field in errors, field
        assert "统一社会信用代码" in response.content.decode()

    def test_create_enterprise(self, client, firm):
        sign_in(client, firm["partner"])
        code = next_credit_code()
        response = client.post(
            "/clients/new/",
            {
                "client_type": "enterprise",
                "enterprise_kind": "llc",
                "name": "深圳云帆科技有限公司",
                "credit_code": code,
                "legal_representative": "赵六",
                "registered_address": "深圳市南山区科技园",
                "phone": "0755-12345678",
                "owner": firm["staff"].pk,
                # Hidden fields of the other type are ignored.
                "gender": "male",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        company = Client.objects.get(credit_code=code)
        assert company.owner == firm["staff"] and company.gender == ""

    def test_client_service_may_not_register(self, client, firm):
        sign_in(client, firm["client_service"])
        assert client.get("/clients/new/").status_code == 403

    def test_edit_keeps_history(self, client, firm, make_individual):
        person = make_individual(phone="13812345678")
        sign_in(client, firm["partner"])
        page = client.get(f"/clients/{person.pk}/edit/")
        assert page.status_code == 200
        data = page.context["form"].initial | {"phone": "13987654321"}
        data["domains"] = []
        data = {k: v for k, v in data.items() if v not in (None, False)}
        response = client.post(f"/clients/{person.pk}/edit/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        person.refresh_from_db()
        assert person.phone == "13987654321"
        html = client.get(f"/clients/{person.pk}/history/").content.decode()
        assert "13812345678" in html and "13987654321" in html

    def test_edit_with_bad_phone_shows_chinese_error(
        self, client, firm, make_individual
    ):
        person = make_individual()
        sign_in(client, firm["partner"])
        data = individual_payload(phone="12345")
        response = client.post(f"/clients/{person.pk}/edit/", data)
        assert response.status_code == 400
        assert "phone" in response.context["form"].errors
        assert "电话号码" in response.content.decode()


class TestConsents:
    def test_record_and_withdraw_sensitive_consent(self, client, firm, make_individual):
        number = next_resident_id()
        person = make_individual(id_number=number, consent=consent_input())
        consent = Consent.objects.get(client=person)
        sign_in(client, firm["partner"])
        response = client.post(
            f"/clients/{person.pk}/consents/{consent.pk}/withdraw/",
            {
                f"w{consent.pk}-withdrawn_on": "2026-02-01",
                f"w{consent.pk}-note": "书面撤回",
            },
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.id_number == ""
        html = client.get(f"/clients/{person.pk}/").content.decode()
        assert "敏感信息单独同意已撤回" in html
        again = client.post(
            f"/clients/{person.pk}/consents/{consent.pk}/withdraw/",
            {f"w{consent.pk}-withdrawn_on": "2026-02-01"},
            follow=True,
        )
        assert "已撤回" in again.content.decode()

    def test_record_consent_with_document_and_download(
        self, client, firm, make_individual
    ):
        person = make_individual()
        sign_in(client, firm["partner"])
        response = client.post(
            f"/clients/{person.pk}/consents/new/",
            {
                "kind": "sensitive",
                "purpose": "办理案件",
                "scope": "身份证号",
                "use": "诉讼",
                "signed_on": "2026-01-10",
                "document": SimpleUploadedFile("signed.pdf", b"%PDF signed"),
            },
        )
        assert response.status_code == 302
        consent = Consent.objects.get(client=person)
        download = client.get(f"/clients/{person.pk}/consents/{consent.pk}/document/")
        assert download.status_code == 200
        assert (
            b"".join(
                download.streaming_content if download.streaming else [download.content]
            )
            == b"%PDF signed"
        )

    def test_consent_errors_on_fields(self, client, firm, make_individual):
        person = make_individual()
        sign_in(client, firm["partner"])
        future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
        response = client.post(
            f"/clients/{person.pk}/consents/new/",
            {
                "kind": "sensitive",
                "purpose": "",
                "scope": "",
                "use": "",
                "signed_on": future,
            },
        )
        assert response.status_code == 400
        errors = response.context["consent_form"].errors
        assert "signed_on" in errors and "purpose" in errors


class TestReviewsChangesTierTeam:
    def test_review_record(self, client, firm, make_individual):
        person = make_individual()
        sign_in(client, firm["partner"])
        response = client.post(
            f"/clients/{person.pk}/review/",
            {"reviewed_on": timezone.localdate().isoformat(), "method": "phone"},
        )
        assert response.status_code == 302
        assert person.reviews.count() == 1

    def test_late_change_is_flagged(self, client, firm, make_individual):
        person = make_individual()
        sign_in(client, firm["partner"])
        response = client.post(
            f"/clients/{person.pk}/changes/",
            {
                "kind": "contact_details",
                "occurred_on": (
                    timezone.localdate() - dt.timedelta(days=30)
                ).isoformat(),
                "description": "换了手机号",
            },
            follow=True,
        )
        assert "逾期" in response.content.decode()
        assert person.updates.get().late

    def test_partner_overrides_tier_with_reason(self, client, firm, make_individual):
        person = make_individual()
        sign_in(client, firm["partner"])
        refused = client.post(f"/clients/{person.pk}/tier/", {"tier": "key"})
        assert refused.status_code == 400
        assert "reason" in refused.context["tier_form"].errors
        response = client.post(
            f"/clients/{person.pk}/tier/", {"tier": "key", "reason": "品牌影响"}
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.tier == "key" and person.tier_overridden
        html = client.get(f"/clients/{person.pk}/team/").content.decode()
        assert "品牌影响" in html

    def test_lawyer_may_not_override_tier(self, client, firm, make_individual):
        person = make_individual(actor=firm["staff"])
        sign_in(client, firm["staff"])
        html = client.get(f"/clients/{person.pk}/team/").content.decode()
        assert "tier_override" not in html and f"/clients/{person.pk}/tier/" not in html
        response = client.post(
            f"/clients/{person.pk}/tier/", {"tier": "key", "reason": "x"}
        )
        assert response.status_code == 403

    def test_team_assignment_errors_and_success(self, client, firm, make_individual):
        person = make_individual()
        sign_in(client, firm["partner"])
        wrong = client.post(
            f"/clients/{person.pk}/team/assign/", {"owner": firm["senior"].pk}
        )
        assert wrong.status_code == 400
        assert "owner" in wrong.context["team_form"].errors
        ok = client.post(
            f"/clients/{person.pk}/team/assign/", {"owner": firm["staff"].pk}
        )
        assert ok.status_code == 302
        person.refresh_from_db()
        assert person.owner == firm["staff"]


class TestWorkLists:
    def test_reassignment_list(self, client, firm, make_individual):
        make_individual(name="无人负责")
        sign_in(client, firm["partner"])
        html = client.get("/clients/reassignment/").content.decode()
        assert "无人负责" in html

    def test_reassignment_list_for_a_lawyer_is_their_own(
        self, client, firm, make_individual
    ):
        make_individual(name="无人负责")
        sign_in(client, firm["staff"])
        response = client.get("/clients/reassignment/")
        assert response.status_code == 200
        assert "无人负责" not in response.content.decode()

    def test_review_list(self, client, firm, make_individual):
        old = make_individual(name="老客户")
        Client.objects.filter(pk=old.pk).update(
            created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        sign_in(client, firm["partner"])
        html = client.get("/clients/reviews/").content.decode()
        assert "老客户" in html and "逾期" in html


def test_rules_page_is_kept(client, firm):
    sign_in(client, firm["senior"])
    response = client.get(reverse("clients:rules"))
    assert response.status_code == 200
    assert "2 个工作日" in response.content.decode()
