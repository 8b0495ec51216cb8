"""The contacts and duties API: contract fields, errors, visibility, OpenAPI."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lexkeep.core.models import AuditEntry
from lexkeep.service.models import Duty
from tests.service.conftest import at, d, live

pytestmark = pytest.mark.django_db

CONTACT = {
    "channel": "phone",
    "occurred_at": "2026-03-02T10:00:00+08:00",
    "summary": "电话沟通",
}


def test_log_and_list_contacts(api, firm, mk_client, sweep):
    client = mk_client("key", owner=firm["senior"])
    sweep(d("2026-03-01"))
    response = api("senior").post("/api/v1/contacts", {**CONTACT, "client": client.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "client", "matter", "channel", "occurred_at", "summary"} <= set(body)
    assert body["compliant_channel"] is True and body["satisfied_duties"]
    listed = api("senior").get("/api/v1/contacts", client=client.pk, channel="phone")
    assert listed.json()["count"] == 1
    assert api("staff").get("/api/v1/contacts").json()["count"] == 0


def test_bad_input_names_fields(api, firm, mk_client):
    client = mk_client("key", owner=firm["senior"])
    bad_enum = api("senior").post(
        "/api/v1/contacts", {**CONTACT, "client": client.pk, "channel": "fax"}
    )
    assert bad_enum.status_code == 422
    assert {e["field"] for e in bad_enum.json()["errors"]} == {"channel"}
    empty = api("senior").post(
        "/api/v1/contacts",
        {
            **CONTACT,
            "client": client.pk,
            "summary": "",
            "occurred_at": "2099-01-01T10:00:00+08:00",
        },
    )
    assert empty.status_code == 400
    assert {e["field"] for e in empty.json()["errors"]} == {"summary", "occurred_at"}
    invisible = api("staff").post("/api/v1/contacts", {**CONTACT, "client": client.pk})
    assert invisible.status_code == 400
    assert invisible.json()["errors"][0]["field"] == "client"


def test_roles_without_clients_get_403(api):
    for who in ("archivist", "client_service", "external"):
        assert api(who).get("/api/v1/contacts").status_code == 403
        assert api(who).get("/api/v1/duties").status_code == 403


def test_invisible_contact_and_duty_are_404(api, firm, mk_client, log):
    client = mk_client("key", owner=firm["senior"])
    contact = log(client, "phone", d("2026-03-02"))
    duty = Duty.objects.filter(client=client).first()
    assert api("staff").get(f"/api/v1/contacts/{contact.pk}").status_code == 404
    assert api("staff").get(f"/api/v1/duties/{duty.pk}").status_code == 404
    assert api("senior").get(f"/api/v1/duties/{duty.pk}").status_code == 200


def test_duties_filter_and_mark_done_by_contact(api, firm, mk_client, log, sweep):
    client = mk_client("key", owner=firm["senior"])
    sweep(d("2026-03-02"))
    report = live(client, "key-service-report")[0]
    caller = api("senior")
    listed = caller.get("/api/v1/duties", status="open", tier="key", client=client.pk)
    assert report.pk in {x["id"] for x in listed.json()["items"]}
    mine = caller.get("/api/v1/duties", mine="true").json()["items"]
    assert mine and all(x["responsible"] == firm["senior"].pk for x in mine)
    assert caller.get("/api/v1/duties", status="bogus").status_code == 422
    # A general email is not a report until a lawyer links it.
    email = log(client, "email", d("2026-03-05"))
    report.refresh_from_db()
    assert report.status == "open"
    phone = log(client, "phone", d("2026-03-06"))
    wrong = caller.post(f"/api/v1/duties/{report.pk}/done", {"contact": phone.pk})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "contact"
    done = caller.post(f"/api/v1/duties/{report.pk}/done", {"contact": email.pk})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done" and done.json()["satisfied_by"] == email.pk
    again = caller.post(f"/api/v1/duties/{report.pk}/done", {"contact": email.pk})
    assert again.status_code == 409


def test_attachment_upload_and_download_are_audited(api, firm, mk_client, log):
    client = mk_client("key", owner=firm["senior"])
    contact = log(client, "email", d("2026-03-02"))
    upload = api("senior").multipart(
        f"/api/v1/contacts/{contact.pk}/attachments",
        {"file": SimpleUploadedFile("minutes.txt", "纪要".encode(), "text/plain")},
    )
    assert upload.status_code == 201, upload.content
    item = upload.json()["id"]
    got = api("senior").get(f"/api/v1/contacts/{contact.pk}/attachments/{item}")
    assert got.status_code == 200 and got.content.decode() == "纪要"
    assert (
        AuditEntry.objects.filter(action="contact.attachment_downloaded").count() == 1
    )
    assert (
        api("staff")
        .get(f"/api/v1/contacts/{contact.pk}/attachments/{item}")
        .status_code
        == 404
    )


def test_compliance_endpoints(api, firm, mk_client, sweep):
    client = mk_client("key", owner=firm["senior"])
    sweep(d("2026-01-20"))
    board = api("director").get("/api/v1/compliance", today="2026-01-20").json()
    assert board["firm"]["overdue"] == 1
    assert {row["key"] for row in board["tiers"]} == {"strategic", "key", "ordinary"}
    one = api("senior").get(
        f"/api/v1/compliance/clients/{client.pk}", today="2026-01-20"
    )
    assert one.status_code == 200 and one.json()["status"] == "overdue"
    assert (
        api("staff").get(f"/api/v1/compliance/clients/{client.pk}").status_code == 404
    )


def test_only_the_director_changes_rules(api):
    rules = api("partner").get("/api/v1/duty-rules").json()
    call = next(r for r in rules if r["code"] == "key-call")
    assert (
        api("partner")
        .patch(f"/api/v1/duty-rules/{call['id']}", {"interval_days": 10})
        .status_code
        == 403
    )
    changed = api("director").patch(
        f"/api/v1/duty-rules/{call['id']}",
        {"interval_days": 10, "channels": ["phone", "video"]},
    )
    assert changed.status_code == 200 and changed.json()["interval_days"] == 10
    bad = api("director").patch(f"/api/v1/duty-rules/{call['id']}", {"channels": []})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "channels"


def test_openapi_lists_the_service_paths(api):
    spec = api("director").get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/contacts",
        "/api/v1/duties",
        "/api/v1/duties/{duty_id}/done",
        "/api/v1/compliance",
    ):
        assert path in spec["paths"]


def test_notifications(api, firm, mk_client, sweep):
    mk_client("key", owner=firm["senior"])
    sweep(d("2026-01-20"))
    listed = api("senior").get("/api/v1/notifications", unread="true").json()
    assert listed["count"] == 1
    assert api("senior").post("/api/v1/notifications/read").json() == {"marked": 1}
    _ = at


def test_duty_list_filters_by_status_and_kind(firm, mk_client, log, sweep):
    """Each status (and "pending": open or overdue) with and without a kind
    lists exactly the duties that have them, by due date."""
    from lexkeep.service import selectors

    clients = [mk_client("key"), mk_client("key"), mk_client("strategic")]
    sweep(d("2026-01-05"))
    log(clients[0], "phone", d("2026-01-08"))
    sweep(d("2026-02-03"))
    every = list(Duty.objects.select_related("rule").order_by("due_date", "pk"))
    assert {x.status for x in every} >= {"open", "overdue", "done"}
    kinds = {x.rule.kind for x in every}
    for status in ("pending", "open", "overdue", "done", None):
        for kind in (None, *sorted(kinds)):
            listed = selectors.duty_list(
                actor=firm["director"], status=status, kind=kind
            )
            expected = [
                x.pk
                for x in every
                if (
                    status is None
                    or x.status == status
                    or (status == "pending" and x.status in ("open", "overdue"))
                )
                and (kind is None or x.rule.kind == kind)
            ]
            assert [x.pk for x in listed] == expected, (status, kind)


def test_a_page_of_duties_takes_the_same_queries_however_many(
    api, firm, mk_client, sweep
):
    """Related rows come in one query each for the page, whatever its size."""
    director = api("director")
    mk_client("key")
    sweep(d("2026-01-05"))
    director.get("/api/v1/duties")  # the token's first use is audited

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = director.get("/api/v1/duties", status="pending", limit=50)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(6):
        mk_client("key")
    sweep(d("2026-01-06"))
    assert (
        director.get("/api/v1/duties", status="pending", limit=50).json()["count"] > 10
    )
    assert queries() == few
