"""API: GIVEN a closed matter WHEN it moves to filed THEN the contract holds."""

from __future__ import annotations

import json

import pytest

from lexkeep.archives.services import REVIEW_CHECKLIST
from lexkeep.core.models import AuditEntry
from tests.archives.conftest import FULL_SET, scan_pdf

pytestmark = pytest.mark.django_db


def _add(http, archive_id, category, kind, title, pages=1, **extra):
    return http.post(
        f"/api/v1/archives/{archive_id}/materials",
        {
            "category": category,
            "material_type": kind,
            "title": title,
            "page_count": pages,
            **extra,
        },
    )


def test_walk_from_close_to_filed(closed_archive, api, cabinet, firm):
    """GIVEN a closed matter's volume, WHEN collected, reviewed and filed via
    the API, THEN each step answers as the contract says."""
    archive = closed_archive()
    lawyer, archivist = api("staff"), api("archivist")
    got = lawyer.get(f"/api/v1/archives/{archive.pk}").json()
    assert {
        "id",
        "archive_number",
        "matter",
        "archive_class",
        "status",
        "collection_due",
        "retention_until",
    } <= set(got)
    for category, kind, title in FULL_SET[:-1]:
        assert _add(lawyer, archive.pk, category, kind, title).status_code == 201
    # With a file (multipart): pages from the scan.
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = lawyer.post(
        f"/api/v1/archives/{archive.pk}/materials",
        {
            "category": "fees",
            "material_type": "invoice",
            "title": "发票",
            "file": SimpleUploadedFile("fp.pdf", scan_pdf([300, 300])),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["page_count"] == 2
    low = lawyer.post(
        f"/api/v1/archives/{archive.pk}/materials",
        {
            "category": "fees",
            "material_type": "invoice",
            "title": "发票",
            "file": SimpleUploadedFile("low.pdf", scan_pdf([150])),
        },
    )
    assert low.status_code == 400
    assert low.json()["errors"][0]["field"] == "file"
    assert "150" in low.json()["errors"][0]["message"]
    # Filing before review: 409.
    cab = cabinet()
    early = archivist.post(
        f"/api/v1/archives/{archive.pk}/filing",
        json.dumps({"cabinet": cab.pk, "shelf": 1, "box": 1}),
        content_type="application/json",
    )
    assert early.status_code == 409
    sub = lawyer.post(
        f"/api/v1/archives/{archive.pk}/submit", "{}", content_type="application/json"
    )
    assert sub.status_code == 200, sub.content
    self_review = lawyer.post(
        f"/api/v1/archives/{archive.pk}/review",
        json.dumps({"decision": "approve"}),
        content_type="application/json",
    )
    assert self_review.status_code == 403
    ok = archivist.post(
        f"/api/v1/archives/{archive.pk}/review",
        json.dumps(
            {"decision": "approve", "checklist": dict.fromkeys(REVIEW_CHECKLIST, True)}
        ),
        content_type="application/json",
    )
    assert ok.json()["status"] == "approved"
    filed = archivist.post(
        f"/api/v1/archives/{archive.pk}/filing",
        json.dumps({"cabinet": cab.pk, "shelf": 1, "box": 1}),
        content_type="application/json",
    )
    assert filed.status_code == 200 and filed.json()["status"] == "filed"
    # Documents.
    cover = archivist.get(f"/api/v1/archives/{archive.pk}/cover")
    assert cover["Content-Type"] == "application/pdf"
    assert archivist.get(f"/api/v1/archives/{archive.pk}/catalog").content[:5] == (
        b"%PDF-"
    )
    xlsx = archivist.get(f"/api/v1/archives/{archive.pk}/catalog?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    # Lookup by number, ledger, cabinets.
    number = filed.json()["archive_number"]
    assert archivist.get(f"/api/v1/archives/lookup?number={number}").json()["id"] == (
        archive.pk
    )
    ledger = archivist.get("/api/v1/archives/ledger").json()
    assert ledger["items"][0]["archive_number"] == number
    assert archivist.get("/api/v1/archives/ledger.xlsx").content[:2] == b"PK"
    cabinets = archivist.get("/api/v1/cabinets").json()
    assert cabinets[0]["filed"] == 1
    # A file viewed through the API is in the audit chain.
    material = lawyer.get(f"/api/v1/archives/{archive.pk}/materials").json()[-1]
    assert material["has_file"]
    viewed = archivist.get(
        f"/api/v1/archives/{archive.pk}/materials/{material['id']}/file"
    )
    assert viewed.content[:5] == b"%PDF-"
    assert AuditEntry.objects.filter(action="archive.file_viewed").count() == 1


def test_errors_name_fields(closed_archive, api):
    archive = closed_archive()
    http = api("staff")
    bad = _add(http, archive.pk, "fees", "judgment", "")
    assert bad.status_code == 400
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"material_type", "title"} <= fields
    nonsense = http.get("/api/v1/archives?status=nonsense")
    assert nonsense.status_code == 422
    assert nonsense.json()["errors"][0]["field"] == "status"
    missing = http.post(
        f"/api/v1/archives/{archive.pk}/submit", "{}", content_type="application/json"
    )
    assert missing.status_code == 400
    assert any(
        e["field"].startswith("missing_reasons.") for e in missing.json()["errors"]
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("director", True),
        ("partner", True),
        ("archivist", True),
        ("staff", True),  # handles the matter
        ("senior", True),  # supervises it
        ("assistant", False),  # not on this matter
        ("client_service", False),
        ("external", False),
    ],
)
def test_visibility_per_role(closed_archive, api, who, sees):
    archive = closed_archive()
    http = api(who)
    listed = http.get("/api/v1/archives").json()["items"]
    assert bool(listed) is sees
    one = http.get(f"/api/v1/archives/{archive.pk}")
    assert one.status_code == (200 if sees else 404)
    lookup = http.get(f"/api/v1/archives/lookup?number={archive.archive_number}")
    assert lookup.status_code == (200 if sees else 404)


def test_assistant_on_the_matter_sees_it(closed_archive, api, firm):
    archive = closed_archive(assistants=[firm["assistant"]])
    assert api("assistant").get(f"/api/v1/archives/{archive.pk}").status_code == 200


def test_filters_and_search(closed_archive, api, mk_client):
    a = closed_archive(client=mk_client("远航物流股份有限公司"))
    closed_archive(domain="non_litigation")
    http = api("partner")
    assert [
        x["id"]
        for x in http.get("/api/v1/archives?archive_class=litigation").json()["items"]
    ] == [a.pk]
    assert [
        x["id"] for x in http.get("/api/v1/archives?q=远航物流").json()["items"]
    ] == [a.pk]
    assert [
        x["id"]
        for x in http.get(f"/api/v1/archives?q={a.archive_number}").json()["items"]
    ] == [a.pk]
    assert http.get("/api/v1/archives?tier=strategic").json()["count"] == 0


def test_openapi_lists_the_archive_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/archives",
        "/api/v1/archives/{archive_id}/materials",
        "/api/v1/archives/{archive_id}/catalog",
        "/api/v1/archives/{archive_id}/review",
        "/api/v1/archives/{archive_id}/filing",
        "/api/v1/cabinets",
    ):
        assert path in paths
