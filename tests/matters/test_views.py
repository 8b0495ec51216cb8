"""The matter pages per role, and the conflict-check pages (SPEC §3, §2.4).

The services hold the rules; these tests check the pages call them, map
their errors onto fields (in Chinese), refuse what they must (403/404) and
run a constant number of queries.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lexkeep.clients.choices import ClientType
from lexkeep.matters.models import ConflictCheck, FeeReceipt, Matter, MatterParty
from tests.matters.conftest import a_credit_code
from tests.web.helpers import sign_in

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return len(ctx.captured_queries)


class TestMatterList:
    def test_partner_sees_all_and_filters(self, client, firm, mk_client, mk_matter):
        acme = mk_client("星河科技有限公司")
        mk_matter(acme, name="买卖合同纠纷")
        mk_matter(acme, name="股权并购", domain="non_litigation", sub_domain="mna")
        sign_in(client, firm["partner"])
        html = client.get("/matters/").content.decode()
        assert "买卖合同纠纷" in html and "股权并购" in html
        html = client.get("/matters/", {"domain": "non_litigation"}).content.decode()
        assert "股权并购" in html and "买卖合同纠纷" not in html
        html = client.get("/matters/", {"q": "合同"}).content.decode()
        assert "买卖合同纠纷" in html and "股权并购" not in html
        html = client.get("/matters/", {"client": acme.pk}).content.decode()
        assert "星河科技有限公司 的委托事项" in html

    def test_lawyer_filter_and_visibility(self, client, firm, mk_client, mk_matter):
        acme = mk_client("星河科技有限公司")
        mk_matter(acme, name="我的案子", handling=[firm["staff"]])
        mk_matter(acme, name="别人的案子", handling=[firm["senior"]])
        sign_in(client, firm["staff"])
        html = client.get("/matters/").content.decode()
        assert "我的案子" in html and "别人的案子" not in html

    def test_htmx_returns_results_only(self, client, firm, mk_client, mk_matter):
        mk_matter(mk_client("星河科技有限公司"))
        sign_in(client, firm["partner"])
        html = client.get(
            "/matters/", {"status": "open"}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert 'id="results"' in html and "<html" not in html

    @pytest.mark.parametrize("who", ["client_service", "archivist", "external"])
    def test_roles_without_matters_are_refused(self, client, firm, who):
        sign_in(client, firm[who])
        assert client.get("/matters/").status_code == 403

    def test_states_the_archive_deadline(self, client, firm):
        sign_in(client, firm["senior"])
        assert "3 个工作日" in client.get("/matters/").content.decode()

    def test_query_count_is_constant(self, client, firm, mk_client, mk_matter):
        sign_in(client, firm["partner"])
        people = [firm["staff"], firm["senior"]]

        def make() -> None:
            mk_matter(mk_client(f"客户{Matter.objects.count()}号公司"), handling=people)

        for _ in range(3):
            make()
        few = count_queries(client, "/matters/")
        for _ in range(22):
            make()
        assert few == count_queries(client, "/matters/")


class TestMatterPage:
    def test_invisible_matter_is_404(self, client, firm, mk_client, mk_matter):
        matter = mk_matter(mk_client("星河科技有限公司"), handling=[firm["senior"]])
        sign_in(client, firm["staff"])
        assert client.get(f"/matters/{matter.pk}/").status_code == 404
        response = client.post(
            f"/matters/{matter.pk}/fees/",
            {"amount": "100", "received_on": "2026-01-05"},
        )
        assert response.status_code == 404

    def test_assistant_reads_but_cannot_record(
        self, client, firm, mk_client, mk_matter
    ):
        matter = mk_matter(
            mk_client("星河科技有限公司"), assistants=[firm["assistant"]]
        )
        sign_in(client, firm["assistant"])
        html = client.get(f"/matters/{matter.pk}/").content.decode()
        assert matter.name in html and f"/matters/{matter.pk}/fees/" not in html
        response = client.post(
            f"/matters/{matter.pk}/fees/",
            {"amount": "100", "received_on": "2026-01-05"},
        )
        assert response.status_code == 403

    def test_record_fee_party_hearing_dates_and_close(
        self, client, firm, mk_client, mk_matter
    ):
        matter = mk_matter(mk_client("星河科技有限公司"))
        sign_in(client, firm["staff"])
        base = f"/matters/{matter.pk}"
        assert (
            client.post(
                f"{base}/fees/", {"amount": "50000", "received_on": "2026-01-05"}
            ).status_code
            == 302
        )
        assert FeeReceipt.objects.filter(matter=matter).count() == 1
        assert (
            client.post(
                f"{base}/parties/",
                {
                    "role": "counterparty",
                    "name": "对方公司",
                    "credit_code": a_credit_code(),
                },
            ).status_code
            == 302
        )
        assert (
            client.post(
                f"{base}/hearings/",
                {"scheduled_at": "2026-03-01T09:30", "location": "朝阳法院"},
            ).status_code
            == 302
        )
        assert (
            client.post(f"{base}/dates/", {"filing_date": "2026-01-10"}).status_code
            == 302
        )
        bad = client.post(
            f"{base}/dates/",
            {"filing_date": "2026-01-10", "judgment_date": "2026-01-01"},
        )
        assert bad.status_code == 400
        assert "判决日期不能早于起诉日期" in bad.content.decode()
        closed = client.post(f"{base}/close/", {"business_end_date": "2026-02-01"})
        assert closed.status_code == 302
        matter.refresh_from_db()
        assert matter.status == "closed"
        again = client.post(
            f"{base}/close/", {"business_end_date": "2026-02-01"}, follow=True
        )
        assert "已结案的委托事项不能修改" in again.content.decode()
        html = client.get(base + "/").content.decode()
        assert "对方公司" in html and "朝阳法院" in html

    def test_fee_errors_on_fields(self, client, firm, mk_client, mk_matter):
        matter = mk_matter(mk_client("星河科技有限公司"))
        sign_in(client, firm["staff"])
        future = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
        response = client.post(
            f"/matters/{matter.pk}/fees/", {"amount": "-5", "received_on": future}
        )
        assert response.status_code == 400
        errors = response.context["fee_form"].errors
        assert "amount" in errors and "received_on" in errors
        assert "收款日期不能晚于今天" in response.content.decode()

    def test_query_count_is_constant(self, client, firm, mk_client, mk_matter):
        matter = mk_matter(mk_client("星河科技有限公司"))
        sign_in(client, firm["partner"])
        few = count_queries(client, f"/matters/{matter.pk}/")
        for n in range(6):
            MatterParty.objects.create(
                matter=matter, role="counterparty", name=f"对方{n}"
            )
            FeeReceipt.objects.create(
                matter=matter, amount=100 + n, received_on=dt.date(2026, 1, 1 + n)
            )
            matter.hearings.create(
                scheduled_at=dt.datetime(2026, 3, 1 + n, 9, tzinfo=dt.UTC)
            )
        matter.handling_lawyers.add(firm["senior"])
        assert few == count_queries(client, f"/matters/{matter.pk}/")


class TestConflictCheckPages:
    def test_run_check_with_hit_decide_and_open_matter(
        self, client, firm, mk_client, mk_matter
    ):
        existing = mk_client("北京星河科技有限公司", credit_code=a_credit_code())
        mk_matter(existing, name="旧案", handling=[firm["staff"]])
        newcomer = mk_client(
            "云帆贸易有限公司", client_type=ClientType.ENTERPRISE, owner=firm["staff"]
        )
        sign_in(client, firm["partner"])
        response = client.post(
            "/clients/conflict-check/",
            {
                "name": "云帆贸易有限公司",
                "party_0_role": "counterparty",
                "party_0_name": "星河科技有限公司",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        check = ConflictCheck.objects.latest("pk")
        html = client.get(response["Location"]).content.decode()
        assert "北京星河科技有限公司" in html
        refused = client.post(
            f"/clients/conflict-check/{check.pk}/decide/", {"decision": "clear"}
        )
        assert refused.status_code == 400
        assert "note" in refused.context["form"].errors
        waived = client.post(
            f"/clients/conflict-check/{check.pk}/decide/",
            {
                "decision": "waived",
                "note": "客户书面同意",
                "waiver_document": SimpleUploadedFile("waiver.pdf", b"%PDF waiver"),
            },
        )
        assert waived.status_code == 302
        page = client.get(f"/clients/conflict-check/{check.pk}/").content.decode()
        assert "/matters/new/?check=" in page
        form = client.get(f"/matters/new/?check={check.pk}&client={newcomer.pk}")
        assert form.status_code == 200
        opened = client.post(
            "/matters/new/",
            {
                "check": check.pk,
                "client": newcomer.pk,
                "name": "买卖合同纠纷",
                "domain": "litigation",
                "sub_domain": "civil",
                "handling_lawyers": [firm["staff"].pk],
                "supervising_lawyer": firm["senior"].pk,
                "engagement_start": "2026-01-05",
                "agreed_fee": "80000",
                "record_parties": "on",
            },
        )
        assert opened.status_code == 302, opened.content.decode()[:3000]
        matter = Matter.objects.get(conflict_check=check)
        assert matter.client == newcomer
        assert matter.parties.get().name == "星河科技有限公司"

    def test_restricted_hit_for_a_lawyer(self, client, firm, mk_client, mk_matter):
        hidden = mk_client("北京星河科技有限公司")
        mk_matter(hidden, handling=[firm["senior"]])
        sign_in(client, firm["staff"])
        response = client.post("/clients/conflict-check/", {"name": "星河科技"})
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        assert "受限命中——请提交合伙人处理" in html
        assert "北京星河科技有限公司" not in html

    def test_bad_party_credit_code_is_shown_on_its_row(self, client, firm):
        sign_in(client, firm["senior"])
        response = client.post(
            "/clients/conflict-check/",
            {
                "name": "某公司",
                "party_2_role": "counterparty",
                "party_2_name": "对方",
                "party_2_credit_code": "123",
            },
        )
        assert response.status_code == 400
        assert "party_2_credit_code" in response.context["form"].errors
        assert "统一社会信用代码应为 18 位" in response.content.decode()

    def test_assistant_may_not_run_a_check(self, client, firm):
        sign_in(client, firm["assistant"])
        page = client.get("/clients/conflict-check/")
        assert page.status_code == 200
        assert 'name="party_0_name"' not in page.content.decode()
        assert (
            client.post("/clients/conflict-check/", {"name": "某公司"}).status_code
            == 403
        )

    def test_open_matter_needs_a_check(self, client, firm):
        sign_in(client, firm["staff"])
        response = client.get("/matters/new/")
        assert response.status_code == 302
        assert response["Location"] == "/clients/conflict-check/"

    def test_pending_check_cannot_open_a_matter(self, client, firm, mk_client):
        acme = mk_client("星河科技有限公司", owner=firm["staff"])
        sign_in(client, firm["staff"])
        client.post("/clients/conflict-check/", {"name": "星河科技", "client": acme.pk})
        check = ConflictCheck.objects.latest("pk")
        response = client.post(
            "/matters/new/",
            {
                "check": check.pk,
                "client": acme.pk,
                "name": "案件",
                "domain": "counsel",
                "handling_lawyers": [firm["staff"].pk],
                "supervising_lawyer": firm["senior"].pk,
                "engagement_start": "2026-01-05",
            },
        )
        assert response.status_code == 400
        assert "利益冲突检索尚未作出决定" in response.content.decode()


def test_closed_matter_links_to_its_archive_volume(firm, mk_client, mk_matter):
    """Closing a matter opens its volume; the matter page links to it."""
    from django.test import Client as HttpClient

    from lexkeep.matters.services import matter_close
    from tests.web.helpers import sign_in

    matter = mk_matter(mk_client("北京星河科技有限公司"))
    matter_close(
        actor=firm["partner"], matter=matter, business_end_date=matter.engagement_start
    )
    page = sign_in(HttpClient(), firm["partner"]).get(f"/matters/{matter.pk}/")
    archive = matter.archive
    assert f"/archives/{archive.pk}/" in page.content.decode()
    assert archive.archive_number in page.content.decode()
