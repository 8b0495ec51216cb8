"""The clients API: contract field names, errors, masking, query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from lexkeep.clients.models import Client, Consent
from lexkeep.core.models import AuditEntry
from tests.clients.conftest import next_credit_code, next_resident_id
from tests.query_counts import list_queries


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Messages are checked by their English ids."""


pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = {
    "id",
    "name",
    "client_type",
    "enterprise_kind",
    "domains",
    "tier",
    "gender",
    "id_number",
    "credit_code",
    "legal_representative",
    "phone",
    "address",
    "registered_address",
    "owner",
    "preferred_channel",
    "service_focus",
}
CONSENT_FIELDS = {
    "id",
    "client",
    "kind",
    "purpose",
    "scope",
    "use",
    "signed_on",
    "withdrawn_on",
}

INDIVIDUAL = {
    "name": "张三",
    "client_type": "individual",
    "gender": "male",
    "phone": "13812345678",
    "address": "北京市海淀区",
    "domains": [{"domain": "litigation", "sub_domain": "civil"}],
}


def _consent(signed_on="2026-01-05"):
    return {
        "kind": "sensitive",
        "purpose": "engagement",
        "scope": "ID number",
        "use": "court filings",
        "signed_on": signed_on,
    }


def test_create_individual_with_consent_and_masked_id(api):
    number = next_resident_id()
    caller = api("senior")
    response = caller.post(
        "/api/v1/clients", {**INDIVIDUAL, "id_number": number, "consent": _consent()}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= CONTRACT_FIELDS
    assert body["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert body["domains"] == [{"domain": "litigation", "sub_domain": "civil"}]
    assert body["owner"] is not None and body["has_sensitive_consent"] is True


def test_create_without_consent_names_the_field(api):
    response = api("senior").post(
        "/api/v1/clients", {**INDIVIDUAL, "id_number": next_resident_id()}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["id_number"]
    assert "consent" in errors[0]["message"]


def test_bad_id_number_names_field_and_reason(api):
    response = api("senior").post(
        "/api/v1/clients",
        {**INDIVIDUAL, "id_number": "110101199002304510", "consent": _consent()},
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "id_number"
    assert "birth date" in error["message"]


def test_missing_required_field_is_422(api):
    response = api("senior").post("/api/v1/clients", {"name": "x"})
    assert response.status_code == 422
    assert "client_type" in {e["field"] for e in response.json()["errors"]}


def test_create_enterprise_and_duplicate_credit_code(api):
    body = {
        "name": "北京星河科技有限公司",
        "client_type": "enterprise",
        "enterprise_kind": "llc",
        "credit_code": next_credit_code(),
        "legal_representative": "李四",
        "registered_address": "北京市朝阳区",
        "phone": "010-12345678",
    }
    caller = api("partner")
    assert caller.post("/api/v1/clients", body).status_code == 201
    again = caller.post("/api/v1/clients", {**body, "name": "另一家公司"})
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "credit_code"


def test_reveal_allowed_logged_and_forbidden(make_individual, make_matter, firm, api):
    number = next_resident_id()
    from tests.clients.conftest import consent_input

    client = make_individual(id_number=number, consent=consent_input())
    make_matter(client, handling=[firm["senior"]], assistants=[firm["assistant"]])
    url = f"/api/v1/clients/{client.pk}"
    masked = api("senior").get(url).json()["id_number"]
    assert masked != number and "*" in masked
    assert not AuditEntry.objects.filter(action="client.sensitive_viewed").exists()
    shown = api("senior").get(url, reveal="id_number")
    assert shown.status_code == 200 and shown.json()["id_number"] == number
    entry = AuditEntry.objects.get(action="client.sensitive_viewed")
    assert entry.actor_id == firm["senior"].pk and entry.detail == {
        "field": "id_number"
    }
    denied = api("assistant").get(url, reveal="id_number")
    assert denied.status_code == 403
    assert number not in denied.content.decode()
    assert AuditEntry.objects.filter(action="auth.denied").exists()
    assert api("staff").get(url, reveal="id_number").status_code == 404


def test_patch_and_history(make_individual, api, firm):
    client = make_individual()
    caller = api("partner")
    response = caller.patch(
        f"/api/v1/clients/{client.pk}",
        {"phone": "13900001111", "preferred_channel": "email"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "13900001111"
    bad = caller.patch(f"/api/v1/clients/{client.pk}", {"phone": "123"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "phone"
    rows = caller.get(f"/api/v1/clients/{client.pk}/history").json()
    phone = [r for r in rows if r["field"] == "phone"]
    assert phone[-1]["old"] == "13812345678" and phone[-1]["new"] == "13900001111"
    assert phone[-1]["changed_by"] == firm["partner"].pk


def test_consent_multipart_withdraw_and_conflict(make_individual, api, firm):
    client = make_individual()
    caller = api("partner")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = caller.post_multipart(
        "/api/v1/consents",
        {
            "client": client.pk,
            **_consent(),
            "document": SimpleUploadedFile("signed.pdf", b"%PDF signed"),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= CONSENT_FIELDS and body["has_document"] is True
    listed = caller.get("/api/v1/consents", client=client.pk).json()["items"]
    assert [c["id"] for c in listed] == [body["id"]]
    document = caller.get(f"/api/v1/consents/{body['id']}/document")
    assert document.status_code == 200 and document.content == b"%PDF signed"
    url = f"/api/v1/consents/{body['id']}/withdraw"
    assert caller.post(url, {"withdrawn_on": "2026-02-01"}).status_code == 200
    again = caller.post(url, {"withdrawn_on": "2026-02-02"})
    assert again.status_code == 409
    assert Consent.objects.get(pk=body["id"]).withdrawn_on == dt.date(2026, 2, 1)
    assert api("staff").post(url, {"withdrawn_on": "2026-02-02"}).status_code == 404


def test_reviews_and_updates_endpoints(make_individual, api):
    client = make_individual()
    caller = api("partner")
    base = f"/api/v1/clients/{client.pk}"
    review = caller.post(
        f"{base}/reviews", {"reviewed_on": "2026-01-10", "method": "phone"}
    )
    assert review.status_code == 201 and review.json()["quarter"] == "2026Q1"
    assert len(caller.get(f"{base}/reviews").json()) == 1
    update = caller.post(
        f"{base}/updates",
        {
            "kind": "contact_details",
            "description": "new phone",
            "occurred_on": "2026-01-05",
        },
    )
    assert update.status_code == 201
    assert update.json()["due_on"] == "2026-01-07" and update.json()["late"] is True
    future = caller.post(
        f"{base}/updates",
        {"kind": "other", "description": "x", "occurred_on": "2999-01-01"},
    )
    assert future.status_code == 400
    assert future.json()["errors"][0]["field"] == "occurred_on"
    status = caller.get("/api/v1/clients/review-status").json()
    assert isinstance(status, list)


def test_tier_team_and_policy_endpoints(make_individual, api, firm):
    client = make_individual()
    base = f"/api/v1/clients/{client.pk}"
    assert (
        api("senior").post(f"{base}/tier", {"tier": "key", "reason": "r"}).status_code
        == 404
    )
    partner = api("partner")
    no_reason = partner.post(f"{base}/tier", {"tier": "key", "reason": ""})
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reason"
    done = partner.post(f"{base}/tier", {"tier": "key", "reason": "large potential"})
    assert done.status_code == 200 and done.json()["tier"] == "key"
    changes = partner.get(f"{base}/tier-changes").json()
    assert changes[0]["reason"] == "large potential"
    needing = partner.get("/api/v1/clients/reassignment-needed").json()["items"]
    assert client.pk in [c["id"] for c in needing]
    wrong = partner.put(f"{base}/team", {"owner": firm["staff"].pk, "team": []})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "owner"
    ok = partner.put(f"{base}/team", {"owner": firm["senior"].pk, "team": []})
    assert ok.status_code == 200 and ok.json()["owner"] == firm["senior"].pk
    assert partner.delete(f"{base}/tier").json()["tier"] == "ordinary"
    policy = partner.get("/api/v1/tier-policy").json()
    assert policy == {"strategic_threshold": "1000000.00", "key_threshold": "200000.00"}
    new = {"strategic_threshold": "800000.00", "key_threshold": "150000.00"}
    assert partner.put("/api/v1/tier-policy", new).status_code == 403
    assert api("director").put("/api/v1/tier-policy", new).json() == new


def test_list_filters(make_individual, make_enterprise, api, firm):
    person = make_individual(domains=[("counsel", "")])
    company = make_enterprise(domains=[("non_litigation", "ip")])
    caller = api("partner")

    def ids(**params):
        return {
            c["id"] for c in caller.get("/api/v1/clients", **params).json()["items"]
        }

    assert ids(client_type="enterprise") == {company.pk}
    assert ids(domain="counsel") == {person.pk}
    assert ids(domain="non_litigation", sub_domain="ip") == {company.pk}
    assert ids(tier="ordinary") == {person.pk, company.pk}
    assert ids(limit=1)  # paginated
    assert caller.get("/api/v1/clients", limit=1).json()["count"] == 2


def _queries_for(api, make_individual, make_matter, firm, n, url_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(n):
        client = make_individual(actor=firm["senior"], domains=[("counsel", "")])
        client.team.add(firm["staff"])
        make_matter(client, handling=[firm["senior"]])
    caller = api("senior")
    target = Client.objects.order_by("pk").last()
    caller.get(url_of(target))  # warm-up: token use is logged once
    with CaptureQueriesContext(connection) as ctx:
        response = caller.get(url_of(target))
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url_of",
    [
        lambda c: "/api/v1/clients?limit=100",
        lambda c: "/api/v1/clients?q=张&limit=100",
        lambda c: "/api/v1/clients?q=张三&domain=counsel&limit=100",
        lambda c: f"/api/v1/clients/{c.pk}",
    ],
    ids=["list", "search-1-char", "search-2-chars", "detail"],
)
def test_constant_queries(
    api, make_individual, make_matter, firm, url_of, django_assert_num_queries
):
    few = _queries_for(api, make_individual, make_matter, firm, 3, url_of)
    many = _queries_for(api, make_individual, make_matter, firm, 27, url_of)
    assert few == many


@pytest.mark.parametrize(
    ("url_of", "reads"),
    [
        # the page, its domains, its teams and the count of all matches
        (lambda c: "/api/v1/clients?limit=100", 4),
        # the client, its domains and its team
        (lambda c: f"/api/v1/clients/{c.pk}", 3),
    ],
    ids=["list", "detail"],
)
def test_queries_of_list_and_detail(
    api, make_individual, make_matter, firm, url_of, reads
):
    """Besides authentication (the token and the user's roles), fixed reads."""
    assert _queries_for(api, make_individual, make_matter, firm, 5, url_of) == (
        2 + reads
    )


def test_list_rows_show_what_the_detail_shows(
    api, make_individual, make_enterprise, make_matter, firm
):
    """A list row is the detail's fields and values, sensitive ones masked."""
    from tests.clients.conftest import consent_input

    person = make_individual(
        id_number=next_resident_id(),
        bank_account="6222 0200 1234 5678 901",
        consent=consent_input(),
        domains=[("litigation", "civil"), ("counsel", "")],
    )
    person.team.add(firm["staff"], firm["senior"])
    Client.objects.filter(pk=person.pk).update(owner=firm["senior"])
    company = make_enterprise()
    make_matter(company, handling=[firm["senior"]])
    caller = api("partner")
    items = caller.get("/api/v1/clients", limit=100).json()["items"]
    assert len(items) == 2
    for item in items:
        detail = caller.get(f"/api/v1/clients/{item['id']}").json()
        assert item == detail
    row = next(i for i in items if i["id"] == person.pk)
    assert row["team"] == sorted(
        [firm["staff"].pk, firm["senior"].pk],
        key=lambda pk: {firm["staff"].pk: firm["staff"].username}.get(
            pk, firm["senior"].username
        ),
    )
    assert row["owner_name"] == str(firm["senior"])
    assert row["has_sensitive_consent"] is True
    assert "*" in row["id_number"] and "*" in row["bank_account"]
    assert len(row["domains"]) == 2


def test_selectors_constant_queries(
    make_individual, make_matter, firm, django_assert_num_queries
):
    from lexkeep.clients.selectors import client_list

    def run():
        assert firm["senior"].roles
        clients = client_list(actor=firm["senior"])
        return [
            (
                c.name,
                [d.domain for d in c.domains.all()],
                [m.pk for m in c.team.all()],
                c.owner,
            )
            for c in clients
        ]

    for _ in range(3):
        make_individual(actor=firm["senior"], domains=[("counsel", "")])
    with django_assert_num_queries(3):
        assert len(run()) == 3
    for _ in range(27):
        make_individual(actor=firm["senior"], domains=[("counsel", "")])
    with django_assert_num_queries(3):
        assert len(run()) == 30


def test_openapi_lists_client_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/clients",
        "/api/v1/consents",
        "/api/v1/tier-policy",
        "/api/v1/clients/{client_id}/history",
    ):
        assert path in paths


def test_list_filters_are_validated_and_q_searches(api, make_enterprise):
    star = make_enterprise(name="北京星河科技有限公司")
    make_enterprise(name="上海远航物流有限公司")
    caller = api("partner")
    bad = caller.get("/api/v1/clients", tier="gold")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["tier"]
    for q in ("星", "星河", "星河科技"):
        found = caller.get("/api/v1/clients", q=q).json()
        assert [c["id"] for c in found["items"]] == [star.pk], q


def test_list_pages_follow_name_order(api, make_enterprise):
    names = ["丙公司", "甲公司", "乙公司", "丁公司", "戊公司"]
    for name in names:
        make_enterprise(name=name)
    caller = api("partner")
    seen = []
    for offset in range(0, 6, 2):
        body = caller.get("/api/v1/clients", limit=2, offset=offset).json()
        assert body["count"] == 5
        seen += [item["name"] for item in body["items"]]
    assert seen == sorted(names)


def _sub_list_queries(api, make_individual, firm, n: int, url: str) -> int:
    """Queries of ``url`` (``{pk}`` is the client) with ``n`` rows of everything."""
    from django.utils import timezone

    from lexkeep.clients import services
    from tests.clients.conftest import consent_input

    client = make_individual(consent=consent_input())
    today = timezone.localdate()
    for i in range(n):
        make_individual(consent=consent_input())
        services.client_update(
            actor=firm["partner"], client=client, changes={"phone": f"1381234{i:04d}"}
        )
        services.client_update_record(
            actor=firm["partner"],
            client=client,
            kind="other",
            description=f"变更{i}",
            occurred_on=today,
        )
        services.client_review_record(
            actor=firm["partner"],
            client=client,
            reviewed_on=today - dt.timedelta(days=92 * i),
            method="phone",
        )
        services.client_tier_override(
            actor=firm["partner"],
            client=client,
            tier=("key", "strategic")[i % 2],
            reason=f"理由{i}",
        )
    caller = api("partner")
    caller.get("/api/v1/me")  # the first request with a token also logs its use
    return list_queries(caller.get, url.format(pk=client.pk), n)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/consents?limit=100",
        "/api/v1/clients/reassignment-needed?limit=100",
        "/api/v1/clients/{pk}/history",
        "/api/v1/clients/{pk}/reviews",
        "/api/v1/clients/{pk}/updates",
        "/api/v1/clients/{pk}/tier-changes",
    ],
)
def test_sub_lists_run_constant_queries(api, make_individual, firm, url):
    few = _sub_list_queries(api, make_individual, firm, 1, url)
    many = _sub_list_queries(api, make_individual, firm, 4, url)
    assert few == many
