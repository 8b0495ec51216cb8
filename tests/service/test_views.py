"""The service pages render for the roles that serve clients, and act."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lexkeep.core.models import AuditEntry
from lexkeep.service.models import Contact, DutyDocument, Notification
from tests.service.conftest import d, live
from tests.web.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(firm, mk_client, mk_matter, log, sweep):
    client = mk_client("key", owner=firm["staff"], name="上海远航贸易有限公司")
    mk_matter(client, name="远航合同审查")
    log(client, "personal_wechat", d("2026-03-02"))
    sweep(d("2026-03-20"))
    return client


@pytest.mark.parametrize("who", ["director", "partner", "staff", "assistant"])
def test_pages_render(client, firm, served, who):
    sign_in(client, firm[who])
    for name, args in (
        ("service:home", []),
        ("service:duties", []),
        ("service:contacts", []),
        ("service:rules", []),
        ("service:notifications", []),
        ("service:badge", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, (name, response.content[:500])
    page = client.get(reverse("service:duties") + "?scope=all&status=any")
    assert page.status_code == 200


def test_roles_without_clients_are_refused(client, firm, served):
    for who in ("archivist", "external"):
        sign_in(client, firm[who])
        assert client.get(reverse("service:home")).status_code == 403
        client.logout()
    # The specialist sees the area's rules, but no client's contacts.
    sign_in(client, firm["client_service"])
    assert client.get(reverse("service:home")).status_code == 200
    assert client.get(reverse("service:contacts")).status_code == 403


def test_client_page_shows_compliance_and_flagged_contact(client, firm, served):
    sign_in(client, firm["staff"])
    page = client.get(reverse("service:client", args=[served.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "上海远航贸易有限公司" in html and "chip-danger" in html
    client.logout()
    sign_in(client, firm["assistant"])  # not on any of its matters
    assert client.get(reverse("service:client", args=[served.pk])).status_code == 404


def test_log_a_contact_through_the_form(client, firm, served):
    sign_in(client, firm["staff"])
    url = reverse("service:contact_new") + f"?client={served.pk}"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "client": served.pk,
            "channel": "phone",
            "direction": "out",
            "purpose": "general",
            "occurred_at": "2026-03-21T10:00",
            "summary": "",
        },
    )
    assert bad.status_code == 400
    ok = client.post(
        url,
        {
            "client": served.pk,
            "channel": "phone",
            "direction": "out",
            "purpose": "general",
            "occurred_at": "2026-03-21T10:00",
            "summary": "电话确认开庭时间",
        },
    )
    assert ok.status_code == 302
    assert Contact.objects.filter(client=served, summary="电话确认开庭时间").exists()


def test_duty_page_generates_and_downloads_documents(client, firm, served):
    duty = live(served, "key-service-report")[0]
    sign_in(client, firm["staff"])
    url = reverse("service:duty_detail", args=[duty.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "generate"}).status_code == 302
    doc = DutyDocument.objects.get(duty=duty, format="pdf")
    got = client.get(reverse("service:document_download", args=[duty.pk, doc.pk]))
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="duty.document_downloaded").exists()


def test_notifications_marked_read(client, firm, served):
    sign_in(client, firm["staff"])
    assert Notification.objects.filter(
        user=firm["staff"], read_at__isnull=True
    ).exists()
    client.post(reverse("service:notifications"))
    assert not Notification.objects.filter(
        user=firm["staff"], read_at__isnull=True
    ).exists()


def test_director_edits_a_rule(client, firm, served):
    from lexkeep.service.models import DutyRule

    rule = DutyRule.objects.get(code="key-call")
    sign_in(client, firm["partner"])
    assert client.get(reverse("service:rule_edit", args=[rule.pk])).status_code == 403
    client.logout()
    sign_in(client, firm["director"])
    response = client.post(
        reverse("service:rule_edit", args=[rule.pk]),
        {
            "interval_days": 10,
            "offset_days": 0,
            "window_days": 0,
            "channels": ["phone"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.interval_days == 10


def test_the_clients_own_page_shows_its_compliance(client, firm, served):
    """The client record's first tab carries the compliance summary and
    leads to the duties and the log, for its lawyer and the director."""
    for who in ("staff", "director"):
        sign_in(client, firm[who])
        page = client.get(reverse("clients:detail", args=[served.pk]))
        html = page.content.decode()
        assert "服务合规" in html, who
        assert reverse("service:client", args=[served.pk]) in html
        assert "summary-danger" in html  # its overdue duties
        client.logout()
