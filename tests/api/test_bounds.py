"""Query and path parameters are typed and bounded (ARCHITECTURE, error contract).

A value no column, choice or calendar can hold is refused with a 422 that
names the field, before any query on the listed rows runs; never a 500 and
never a query that fails deep in the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lexkeep.accounts.services import api_token_create
from lexkeep.api.pagination import MAX_OFFSET
from lexkeep.api.types import MAX_ID, MAX_SEARCH
from lexkeep.service.choices import DutyStatus
from lexkeep.service.schemas import DutyStatusFilter

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    """A list endpoint and the names of its filters of each kind."""

    url: str
    table: str | None
    id: str | None = None
    choice: str | None = None
    dates: tuple[str, str] | None = None
    search: str | None = None
    paged: bool = True

    def __str__(self) -> str:
        return self.url


LISTS = [
    Endpoint("/api/v1/clients", "clients_client", "owner", "tier", search="q"),
    Endpoint("/api/v1/consents", "clients_consent", "client"),
    Endpoint("/api/v1/matters", "matters_matter", "client", "status", search="q"),
    Endpoint("/api/v1/conflict-checks", "matters_conflictcheck", "client", "decision"),
    Endpoint(
        "/api/v1/contacts", "service_contact", "matter", "channel", ("since", "until")
    ),
    Endpoint(
        "/api/v1/duties", "service_duty", "user", "kind", ("due_after", "due_before")
    ),
    Endpoint(
        "/api/v1/feedback",
        "feedback_feedback",
        "owner",
        "category",
        ("received_from", "received_to"),
        "q",
    ),
    Endpoint(
        "/api/v1/feedback/ledger.xlsx",
        "feedback_feedback",
        "owner",
        "channel",
        ("received_from", "received_to"),
        "q",
        paged=False,
    ),
    Endpoint(
        "/api/v1/archives", "archives_archive", "cabinet", "archive_class", search="q"
    ),
    Endpoint(
        "/api/v1/archives/ledger", "archives_archive", "lawyer", "tier", None, "q"
    ),
    Endpoint(
        "/api/v1/archives/ledger.xlsx",
        "archives_archive",
        "lawyer",
        "status",
        None,
        "q",
        paged=False,
    ),
    Endpoint("/api/v1/search", "clients_client", search="q", paged=False),
]

WITH_ID = [e for e in LISTS if e.id]
WITH_CHOICE = [e for e in LISTS if e.choice]
WITH_DATES = [e for e in LISTS if e.dates]
WITH_SEARCH = [e for e in LISTS if e.search]
PAGED = [e for e in LISTS if e.paged] + [
    Endpoint("/api/v1/notifications", "service_notification"),
    Endpoint("/api/v1/archive-alerts", "archives_archivealert"),
    Endpoint("/api/v1/users", None),  # the sign-in reads users too
    Endpoint("/api/v1/clients/reassignment-needed", "clients_client"),
]


@pytest.fixture
def director(firm) -> Client:
    _token, raw = api_token_create(user=firm["director"], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def refused(http: Client, endpoint: Endpoint, params: dict[str, str], field: str):
    """Assert ``params`` on ``endpoint`` is a 422 naming ``field``, no rows read."""
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(endpoint.url, params)
    assert response.status_code == 422, (endpoint, params, response.content)
    assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    table = endpoint.table
    touched = [q["sql"] for q in ctx.captured_queries if table and table in q["sql"]]
    assert touched == [], (endpoint, touched)


@pytest.mark.parametrize("value", ["0", "-1", str(2**63), "abc", "1.5"])
@pytest.mark.parametrize("endpoint", WITH_ID, ids=str)
def test_filter_id_out_of_range_is_422(director, endpoint, value):
    assert endpoint.id is not None
    refused(director, endpoint, {endpoint.id: value}, endpoint.id)


@pytest.mark.parametrize("endpoint", WITH_ID, ids=str)
def test_filter_id_at_the_bound_is_accepted(director, endpoint):
    assert endpoint.id is not None
    response = director.get(endpoint.url, {endpoint.id: str(MAX_ID)})
    assert response.status_code == 200, response.content
    if endpoint.paged:
        assert response.json()["count"] == 0


@pytest.mark.parametrize("endpoint", WITH_CHOICE, ids=str)
def test_unknown_choice_is_422(director, endpoint):
    assert endpoint.choice is not None
    refused(director, endpoint, {endpoint.choice: "bogus"}, endpoint.choice)


@pytest.mark.parametrize("endpoint", WITH_DATES, ids=str)
def test_inverted_date_range_is_422_naming_the_end(director, endpoint):
    assert endpoint.dates is not None
    start, end = endpoint.dates
    refused(director, endpoint, {start: "2026-05-02", end: "2026-05-01"}, end)
    same_day = director.get(endpoint.url, {start: "2026-05-01", end: "2026-05-01"})
    assert same_day.status_code == 200, same_day.content


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-30", "x"])
@pytest.mark.parametrize("endpoint", WITH_DATES, ids=str)
def test_dates_outside_the_calendar_are_422(director, endpoint, value):
    assert endpoint.dates is not None
    refused(director, endpoint, {endpoint.dates[0]: value}, endpoint.dates[0])


@pytest.mark.parametrize("endpoint", WITH_SEARCH, ids=str)
def test_overlong_search_is_422(director, endpoint):
    assert endpoint.search is not None
    refused(director, endpoint, {endpoint.search: "x" * (MAX_SEARCH + 1)}, "q")
    longest = director.get(endpoint.url, {endpoint.search: "x" * MAX_SEARCH})
    assert longest.status_code == 200, longest.content


@pytest.mark.parametrize("endpoint", PAGED, ids=str)
def test_offset_and_limit_are_bounded(director, endpoint):
    refused(director, endpoint, {"offset": str(MAX_OFFSET + 1)}, "offset")
    refused(director, endpoint, {"offset": "-1"}, "offset")
    refused(director, endpoint, {"limit": "0"}, "limit")
    refused(director, endpoint, {"limit": str(2**63)}, "limit")
    assert director.get(endpoint.url, {"offset": str(MAX_OFFSET)}).status_code == 200


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/search?limit=0", "limit"),
        ("/api/v1/search?limit=101", "limit"),
        ("/api/v1/compliance?today=0001-01-01", "today"),
        ("/api/v1/clients/review-status?today=0001-01-01", "today"),
        ("/api/v1/notifications/read?id=0", "id"),
        ("/api/v1/archives?year=99999", "year"),
        ("/api/v1/archives/lookup?number=" + "9" * 65, "number"),
        ("/api/v1/archives/1/catalog?format=doc", "format"),
        ("/api/v1/archive-checklists/bogus", "domain"),
        ("/api/v1/feedback/summary?quarter=" + "9" * 65, "quarter"),
        ("/api/v1/clients/1?reveal=" + "x" * 65, "reveal"),
    ],
)
def test_other_query_parameters_are_bounded(director, url, field):
    response = director.post(url) if "/read" in url else director.get(url)
    assert response.status_code == 422, (url, response.content)
    assert field in {e["field"] for e in response.json()["errors"]}


def test_quarter_outside_the_calendar_is_refused(director):
    response = director.get("/api/v1/feedback/summary", {"quarter": "9999Q4"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "quarter"


PATHS = [
    "/api/v1/clients/{}",
    "/api/v1/consents/{}/document",
    "/api/v1/matters/{}",
    "/api/v1/matters/{}/parties",
    "/api/v1/conflict-checks/{}",
    "/api/v1/contacts/{}",
    "/api/v1/contacts/1/attachments/{}",
    "/api/v1/duties/{}",
    "/api/v1/duties/1/documents/{}",
    "/api/v1/compliance/clients/{}",
    "/api/v1/feedback/{}",
    "/api/v1/archives/{}",
    "/api/v1/archives/1/materials/{}/file",
]


@pytest.mark.parametrize("value", ["0", str(2**63), str(10**30)])
@pytest.mark.parametrize("path", PATHS)
def test_path_id_out_of_range_is_422(director, path, value):
    response = director.get(path.format(value))
    assert response.status_code == 422, (path, response.content)
    [error] = response.json()["errors"]
    assert error["field"].endswith("_id")


@pytest.mark.parametrize("path", PATHS)
def test_path_id_not_a_number_is_a_client_error(director, path):
    """``{int:…}`` routes do not match (404); the others refuse it (422)."""
    assert director.get(path.format("abc")).status_code in (404, 422)
    assert director.get(path.format("-1")).status_code in (404, 422)


def test_revoking_token_zero_is_422(director):
    response = director.delete("/api/v1/auth/tokens/0")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "token_id"


def test_duty_status_filter_follows_the_duty_statuses():
    assert set(DutyStatusFilter.__args__) == {*DutyStatus.values, "pending"}


def test_openapi_shows_the_bounds(director):
    schema = director.get("/api/v1/openapi.json").json()

    def param(path: str, name: str) -> dict:
        params = schema["paths"][path]["get"]["parameters"]
        [found] = [p for p in params if p["name"] == name]
        return found["schema"]

    def resolve(node: dict) -> dict:
        for option in node.get("anyOf", [node]):
            if "$ref" in option:
                return schema["components"]["schemas"][option["$ref"].split("/")[-1]]
            if option.get("type") != "null":
                return option
        return node

    client = resolve(param("/api/v1/matters", "client"))
    assert (client["minimum"], client["maximum"]) == (1, MAX_ID)
    assert set(resolve(param("/api/v1/matters", "status"))["enum"]) == {
        "open",
        "closed",
    }
    assert param("/api/v1/matters", "q")["maxLength"] == MAX_SEARCH
    assert resolve(param("/api/v1/contacts", "until"))["format"] == "date"
    assert param("/api/v1/contacts", "offset")["maximum"] == MAX_OFFSET
    matter_id = resolve(param("/api/v1/matters/{matter_id}", "matter_id"))
    assert (matter_id["minimum"], matter_id["maximum"]) == (1, MAX_ID)


@pytest.mark.parametrize("url", ["/api/v1/clients", "/api/v1/public/feedback"])
def test_a_body_too_large_is_a_json_413(director, url, settings):
    """A body over the upload limit is refused as JSON, before it is read,
    on a signed-in endpoint and on the public feedback form alike."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"name": "客" * 10_000})
    with CaptureQueriesContext(connection) as ctx:
        response = director.post(url, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "请求内容过大。"}
    written = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    # Only the audit chain's record of the token's use.
    assert all("core_auditentry" in sql for sql in written), written
