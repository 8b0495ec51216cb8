"""Matter API and selectors: visibility for every role, query counts (SPEC §1, §3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lexkeep.matters.models import ConflictCheck, Matter
from lexkeep.matters.selectors import matter_get, matter_list
from tests.query_counts import list_queries

pytestmark = pytest.mark.django_db

ROLES = (
    "director",
    "partner",
    "senior",
    "staff",
    "assistant",
    "archivist",
    "client_service",
    "external",
)


@pytest.fixture
def cast(firm, mk_client, mk_matter):
    """Three matters: staff's, senior's with the assistant, partner-owned."""
    staff_client = mk_client("甲有限公司", owner=firm["staff"])
    senior_client = mk_client("乙有限公司", owner=firm["senior"])
    partner_client = mk_client("丙有限公司", owner=firm["partner"])
    return {
        "staff": mk_matter(
            staff_client,
            name="甲案",
            handling=[firm["staff"]],
            supervising=firm["partner"],
        ),
        "senior": mk_matter(
            senior_client,
            name="乙案",
            handling=[firm["senior"]],
            assistants=[firm["assistant"]],
        ),
        "partner": mk_matter(
            partner_client,
            name="丙案",
            handling=[firm["partner"]],
            supervising=firm["partner"],
        ),
    }


VISIBLE = {
    "director": {"staff", "senior", "partner"},
    "partner": {"staff", "senior", "partner"},
    "senior": {"senior"},
    "staff": {"staff"},
    "assistant": {"senior"},
    "archivist": set(),
    "client_service": set(),
    "external": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_visibility_in_selectors(firm, cast, role):
    want = {cast[k].pk for k in VISIBLE[role]}
    assert {m.pk for m in matter_list(actor=firm[role])} == want
    for key, matter in cast.items():
        if key in VISIBLE[role]:
            assert matter_get(actor=firm[role], pk=matter.pk) == matter
        else:
            with pytest.raises(Matter.DoesNotExist):
                matter_get(actor=firm[role], pk=matter.pk)


@pytest.mark.parametrize("role", ROLES)
def test_visibility_in_api(firm, cast, role, api_as):
    api = api_as(role)
    body = api.get("/api/v1/matters").json()
    want = {cast[k].pk for k in VISIBLE[role]}
    assert {m["id"] for m in body["items"]} == want
    assert body["count"] == len(want)
    for key, matter in cast.items():
        status = api.get(f"/api/v1/matters/{matter.pk}").status_code
        assert status == (200 if key in VISIBLE[role] else 404), key
        status = api.get(f"/api/v1/matters/{matter.pk}/fees").status_code
        assert status == (200 if key in VISIBLE[role] else 404), key


def test_filters(firm, cast, api_as):
    api = api_as("partner")

    def ids(**params):
        return {m["id"] for m in api.get("/api/v1/matters", **params).json()["items"]}

    assert ids(lawyer=firm["senior"].pk) == {cast["senior"].pk}
    assert ids(lawyer=firm["partner"].pk) == {cast["staff"].pk, cast["partner"].pk}
    assert ids(client=cast["staff"].client_id) == {cast["staff"].pk}
    assert ids(q="乙") == {cast["senior"].pk}
    assert ids(status="closed") == set()
    bogus = api.get("/api/v1/matters", status="bogus")
    assert bogus.status_code == 422
    assert bogus.json()["errors"][0]["field"] == "status"


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_list_and_detail_query_counts_are_constant(firm, mk_client, mk_matter, api_as):
    client = mk_client("多案客户有限公司", owner=firm["senior"])
    api = api_as("senior")
    first = mk_matter(
        client,
        name="案0",
        handling=[firm["senior"], firm["staff"]],
        assistants=[firm["assistant"]],
    )
    api.get("/api/v1/me")  # the first request with a token also logs its use
    few = _count(lambda: api.get("/api/v1/matters"))
    detail_few = _count(lambda: api.get(f"/api/v1/matters/{first.pk}"))
    for n in range(1, 12):
        mk_matter(
            client,
            name=f"案{n}",
            handling=[firm["senior"], firm["staff"]],
            assistants=[firm["assistant"]],
        )
    first.parties.create(role="counterparty", name="对方", name_normalized="对方")
    first.parties.create(role="related", name="第三人", name_normalized="第三人")
    many = _count(lambda: api.get("/api/v1/matters"))
    detail_many = _count(lambda: api.get(f"/api/v1/matters/{first.pk}"))
    assert few == many
    assert detail_few == detail_many


def test_list_rows_show_what_the_detail_shows(firm, mk_client, mk_matter, api_as):
    """A list row is the detail's fields and values, without the detail-only ones."""
    client = mk_client("多案客户有限公司", owner=firm["senior"])
    for n in range(3):
        mk_matter(
            client,
            name=f"案{n}",
            handling=[firm["staff"], firm["senior"]],
            assistants=[firm["assistant"]] if n else [],
        )
    api = api_as("partner")
    items = api.get("/api/v1/matters", status="open").json()["items"]
    assert len(items) == 3
    assert any(len(i["handling_lawyers"]) == 2 and i["assistants"] for i in items)
    for item in items:
        detail = api.get(f"/api/v1/matters/{item['id']}").json()
        shown = {k: v for k, v in detail.items() if k in item}
        assert set(item) == set(detail) - {"description", "parties", "hearings"}
        assert item == shown


def test_selector_query_count(firm, mk_client, mk_matter, django_assert_num_queries):
    client = mk_client("多案客户有限公司", owner=firm["senior"])
    for n in range(3):
        mk_matter(client, name=f"案{n}", handling=[firm["senior"]])
    actor = firm["partner"]
    actor.roles  # noqa: B018 - load roles once, as the request does
    with django_assert_num_queries(3):
        rows = list(matter_list(actor=actor))
        _ = [(m.client.name, list(m.handling_lawyers.all())) for m in rows]
    for n in range(3, 20):
        mk_matter(client, name=f"案{n}", handling=[firm["senior"]])
    with django_assert_num_queries(3):
        rows = list(matter_list(actor=actor))
        _ = [(m.client.name, list(m.handling_lawyers.all())) for m in rows]


def test_open_change_close_through_the_api(firm, mk_client, api_as):
    client = mk_client("星河科技有限公司", owner=firm["senior"])
    api = api_as("senior")
    check = api.post(
        "/api/v1/conflict-checks", {"name": "星河科技有限公司", "client": client.pk}
    ).json()
    assert check["hits"] == []
    body = {
        "client": client.pk,
        "name": "星河合同纠纷",
        "case_number": "(2026)京01民初1号",
        "domain": "litigation",
        "sub_domain": "civil",
        "handling_lawyers": [firm["senior"].pk],
        "supervising_lawyer": firm["senior"].pk,
        "assistants": [firm["assistant"].pk],
        "engagement_start": "2026-01-05",
        "agreed_fee": "50000.00",
        "conflict_check": check["id"],
        "parties": [{"role": "counterparty", "name": "某贸易公司"}],
    }
    pending = api.post("/api/v1/matters", body)
    assert pending.status_code == 400
    assert {e["field"] for e in pending.json()["errors"]} == {"conflict_check"}
    decided = api.multipart(
        f"/api/v1/conflict-checks/{check['id']}/decision", {"decision": "clear"}
    )
    assert decided.status_code == 200, decided.content
    created = api.post("/api/v1/matters", body)
    assert created.status_code == 201, created.content
    matter = created.json()
    assert matter["agreed_fee"] == "50000.00"
    assert matter["status"] == "open"
    assert matter["handling_lawyers"] == [firm["senior"].pk]
    assert matter["parties"][0]["name"] == "某贸易公司"
    url = f"/api/v1/matters/{matter['id']}"

    bad = api.patch(url, {"sub_domain": "tax"})
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["sub_domain"]
    dates = api.patch(url, {"filing_date": "2026-02-01", "judgment_date": "2026-01-01"})
    assert dates.status_code == 400
    assert [e["field"] for e in dates.json()["errors"]] == ["judgment_date"]
    ok = api.patch(url, {"name": "星河合同纠纷二审", "filing_date": "2026-02-01"})
    assert ok.status_code == 200 and ok.json()["filing_date"] == "2026-02-01"

    assert (
        api.post(f"{url}/parties", {"role": "related", "name": "第三人"}).status_code
        == 201
    )
    assert len(api.get(f"{url}/parties").json()) == 2
    hearing = api.post(
        f"{url}/hearings",
        {"scheduled_at": "2026-03-02T09:30:00+08:00", "location": "朝阳法院"},
    )
    assert hearing.status_code == 201
    assert api.delete(f"{url}/hearings/{hearing.json()['id']}").status_code == 204
    assert (
        api.post(
            f"{url}/fees", {"amount": "0", "received_on": "2026-02-01"}
        ).status_code
        == 400
    )
    fee = api.post(f"{url}/fees", {"amount": "12000.50", "received_on": "2026-02-01"})
    assert fee.status_code == 201 and fee.json()["amount"] == "12000.50"
    assert (
        api_as("assistant")
        .post(f"{url}/fees", {"amount": "1", "received_on": "2026-02-01"})
        .status_code
        == 403
    )

    closed = api.post(f"{url}/close", {"business_end_date": "2026-03-01"})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert closed.json()["business_end_date"] == "2026-03-01"
    again = api.post(f"{url}/close", {"business_end_date": "2026-03-01"})
    assert again.status_code == 409
    assert api.patch(url, {"name": "x"}).status_code == 409


def test_open_is_forbidden_for_assistants(firm, mk_client, mk_check, api_as):
    client = mk_client("客户有限公司", owner=firm["senior"])
    check = mk_check(ConflictCheck.Decision.CLEAR)
    response = api_as("assistant").post(
        "/api/v1/matters",
        {
            "client": client.pk,
            "name": "x",
            "domain": "counsel",
            "handling_lawyers": [firm["senior"].pk],
            "supervising_lawyer": firm["senior"].pk,
            "engagement_start": str(dt.date(2026, 1, 1)),
            "conflict_check": check.pk,
        },
    )
    assert response.status_code in (400, 403)
    assert not Matter.objects.exists()


def test_missing_fields_are_422(firm, api_as):
    response = api_as("senior").post("/api/v1/matters", {"name": "x"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"client", "domain", "conflict_check"} <= fields


def test_list_pages_follow_engagement_order(firm, mk_client, mk_matter, api_as):
    client = mk_client("多案客户有限公司", owner=firm["senior"])
    made = [
        mk_matter(
            client,
            name=f"案{n}",
            handling=[firm["senior"]],
            engagement_start=dt.date(2025, 1, 1 + n % 3),
        )
        for n in range(5)
    ]
    api = api_as("partner")
    seen = []
    for offset in range(0, 6, 2):
        body = api.get("/api/v1/matters", limit=2, offset=offset).json()
        assert body["count"] == 5
        seen += [item["id"] for item in body["items"]]
    order = sorted(made, key=lambda m: (m.engagement_start, m.pk), reverse=True)
    assert seen == [m.pk for m in order]


def _sub_list_queries(firm, mk_client, mk_matter, api_as, n: int, url: str) -> int:
    """Queries of ``url`` (``{pk}`` is a matter) with ``n`` rows of everything."""
    from decimal import Decimal

    from django.utils import timezone

    client = mk_client(f"多案客户{n}有限公司", owner=firm["senior"])
    matter = mk_matter(client, name=f"主案{n}", handling=[firm["senior"]])
    for i in range(n):
        mk_matter(client, name=f"案{n}-{i}", handling=[firm["senior"]])
        matter.parties.create(
            role="counterparty", name=f"对方{i}", name_normalized=f"对方{i}"
        )
        matter.hearings.create(scheduled_at=timezone.now(), location=f"法庭{i}")
        matter.fee_receipts.create(
            amount=Decimal("100"),
            received_on=dt.date(2026, 1, 1 + i),
            recorded_by=firm["partner"],
        )
    api = api_as("partner")
    api.get("/api/v1/me")  # the first request with a token also logs its use
    return list_queries(api.get, url.format(pk=matter.pk), n)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/matters/{pk}/parties",
        "/api/v1/matters/{pk}/hearings",
        "/api/v1/matters/{pk}/fees",
        "/api/v1/conflict-checks?limit=100",
    ],
)
def test_sub_lists_run_constant_queries(firm, mk_client, mk_matter, api_as, url):
    few = _sub_list_queries(firm, mk_client, mk_matter, api_as, 1, url)
    many = _sub_list_queries(firm, mk_client, mk_matter, api_as, 4, url)
    assert few == many
