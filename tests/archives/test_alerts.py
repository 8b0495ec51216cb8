"""Archive alerts are marked read by their recipient only; the badge counts them.

A closed matter alerts its handling lawyer (collection deadline, SPEC §7.1);
that alert is the staff lawyer's, and nobody else may mark it read — on the
pages, in the API or through the service.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client as HttpClient

from lexkeep.archives.models import ArchiveAlert
from lexkeep.archives.services import alert_mark_all_read, alert_mark_read
from tests.web.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(firm, closed_archive) -> list[ArchiveAlert]:
    """Two unread alerts of the staff lawyer and one of the senior lawyer."""
    closed_archive()
    closed_archive()
    other = closed_archive()
    ArchiveAlert.objects.filter(archive=other).update(recipient=firm["senior"])
    mine = list(ArchiveAlert.objects.filter(recipient=firm["staff"]).order_by("id"))
    assert len(mine) == 2
    return mine


def _unread(user) -> int:
    return ArchiveAlert.objects.filter(recipient=user, read_at__isnull=True).count()


def _badge(html: str) -> str | None:
    match = re.search(
        r'href="/archives/alerts/"[^>]*>[^<]*<span class="tab-badge"[^>]*>(\d+)<', html
    )
    return match.group(1) if match else None


class TestService:
    def test_only_the_recipient_marks_an_alert_read(self, firm, alerts):
        alert = alerts[0]
        for who in ("senior", "partner", "director", "archivist"):
            with pytest.raises(PermissionDenied):
                alert_mark_read(actor=firm[who], alert=alert)
        alert.refresh_from_db()
        assert alert.read_at is None
        alert_mark_read(actor=firm["staff"], alert=alert)
        first = alert.read_at
        assert first is not None
        alert_mark_read(actor=firm["staff"], alert=alert)  # idempotent
        alert.refresh_from_db()
        assert alert.read_at == first

    def test_mark_all_read_touches_only_ones_own(self, firm, alerts):
        assert alert_mark_all_read(actor=firm["staff"]) == 2
        assert _unread(firm["staff"]) == 0
        assert _unread(firm["senior"]) == 1
        assert alert_mark_all_read(actor=firm["staff"]) == 0


class TestPages:
    def test_badge_counts_unread_and_mark_read_lowers_it(self, client, firm, alerts):
        sign_in(client, firm["staff"])
        html = client.get("/archives/alerts/").content.decode()
        assert _badge(html) == "2"
        assert f'action="/archives/alerts/{alerts[0].pk}/read/"' in html
        response = client.post(f"/archives/alerts/{alerts[0].pk}/read/")
        assert response.status_code == 302
        assert _badge(client.get("/archives/").content.decode()) == "1"
        response = client.post("/archives/alerts/read-all/")
        assert response.status_code == 302
        html = client.get("/archives/alerts/").content.decode()
        assert _badge(html) is None
        assert alerts[1].message not in html  # unread only by default
        assert (
            alerts[1].message in client.get("/archives/alerts/?all=1").content.decode()
        )

    def test_someone_elses_alert_is_not_found(self, client, firm, alerts):
        sign_in(client, firm["senior"])
        response = client.post(f"/archives/alerts/{alerts[0].pk}/read/")
        assert response.status_code == 404
        assert client.post("/archives/alerts/read-all/").status_code == 302
        assert _unread(firm["staff"]) == 2
        assert _unread(firm["senior"]) == 0
        html = client.get("/archives/alerts/?all=1").content.decode()
        assert f'id="alert-{alerts[0].pk}"' not in html

    def test_returns_to_the_page_it_came_from_on_this_site_only(
        self, client, firm, alerts
    ):
        sign_in(client, firm["staff"])
        url = f"/archives/alerts/{alerts[0].pk}/read/"
        response = client.post(url, {"next": "/archives/fixity/"})
        assert response["Location"] == "/archives/fixity/"
        response = client.post(
            f"/archives/alerts/{alerts[1].pk}/read/", {"next": "https://evil.test/"}
        )
        assert response["Location"] == "/archives/alerts/"

    def test_marking_needs_post(self, client, firm, alerts):
        sign_in(client, firm["staff"])
        assert client.get(f"/archives/alerts/{alerts[0].pk}/read/").status_code == 405
        assert _unread(firm["staff"]) == 2


class TestApi:
    def test_list_mark_one_and_all(self, api, firm, alerts):
        staff = api("staff")
        got = staff.get("/api/v1/archive-alerts").json()
        assert [a["id"] for a in got["items"]] == [a.pk for a in reversed(alerts)]
        assert staff.get("/api/v1/archive-alerts/unread-count").json() == {"unread": 2}
        response = staff.post(f"/api/v1/archive-alerts/{alerts[0].pk}/read")
        assert response.status_code == 200
        assert response.json()["read_at"] is not None
        assert staff.get("/api/v1/archive-alerts/unread-count").json() == {"unread": 1}
        everything = staff.get("/api/v1/archive-alerts?unread=false").json()
        assert everything["count"] == 2
        response = staff.post("/api/v1/archive-alerts/read-all")
        assert response.json() == {"marked": 1, "unread": 0}

    def test_another_users_alert_is_404_and_unchanged(self, api, firm, alerts):
        for who in ("senior", "director", "archivist"):
            response = api(who).post(f"/api/v1/archive-alerts/{alerts[0].pk}/read")
            assert response.status_code == 404, who
        assert _unread(firm["staff"]) == 2
        assert api("senior").post("/api/v1/archive-alerts/read-all").json() == {
            "marked": 1,
            "unread": 0,
        }
        assert _unread(firm["staff"]) == 2

    def test_the_schema_lists_the_endpoints(self, api):
        paths = api("staff").get("/api/v1/openapi.json").json()["paths"]
        assert "post" in paths["/api/v1/archive-alerts/{alert_id}/read"]
        assert "post" in paths["/api/v1/archive-alerts/read-all"]
        assert "get" in paths["/api/v1/archive-alerts"]


def test_fixity_page_alerts_can_be_marked_read(firm, client):
    archivist = firm["archivist"]
    alert = ArchiveAlert.objects.create(
        recipient=archivist, kind=ArchiveAlert.Kind.FIXITY_FAILED, message="校验失败"
    )
    sign_in(client, archivist)
    html = client.get("/archives/fixity/").content.decode()
    assert f"/archives/alerts/{alert.pk}/read/" in html
    client.post(f"/archives/alerts/{alert.pk}/read/", {"next": "/archives/fixity/"})
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert HttpClient().post(f"/archives/alerts/{alert.pk}/read/").status_code == 302
