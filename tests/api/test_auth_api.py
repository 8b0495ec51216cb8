"""The API's authentication, /me and the error contract (ARCHITECTURE)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lexkeep.accounts.models import ApiToken
from lexkeep.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def post_json(client: Client, url: str, body: object, **extra: str):
    return client.post(
        url, data=json.dumps(body), content_type="application/json", **extra
    )


def get_token(client: Client, username: str, **extra: str) -> str:
    response = post_json(
        client,
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD, **extra},
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_then_me_lists_roles(client, firm):
    token = get_token(client, "senior")
    response = client.get("/api/v1/me", **auth(token))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "senior"
    assert body["roles"] == ["lawyer"]
    assert body["seniority"] == "senior"
    assert body["requires_two_factor"] is False
    assistant = client.get("/api/v1/me", **auth(get_token(client, "assistant"))).json()
    assert assistant["supervisor"]["username"] == "senior"


def test_token_is_stored_only_as_digest(client, firm):
    token = get_token(client, "staff")
    stored = ApiToken.objects.get(user=firm["staff"])
    assert token not in (stored.digest, stored.prefix)
    assert stored.prefix == token[:10]


def test_wrong_password_is_401_and_logged(client, firm):
    response = post_json(
        client, "/api/v1/auth/token", {"username": "staff", "password": "nope"}
    )
    assert response.status_code == 401
    assert "detail" in response.json()
    entry = AuditEntry.objects.filter(action="auth.login_failed").last()
    assert entry is not None and entry.actor_label == "staff"
    assert "nope" not in json.dumps(entry.detail)


def test_missing_field_names_the_field(client, firm):
    response = post_json(client, "/api/v1/auth/token", {"username": "staff"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"password"}


def test_malformed_json_is_a_client_error_not_500(client, firm):
    response = client.post(
        "/api/v1/auth/token", data="{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_no_token_and_bad_token_are_401(client, firm):
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", **auth("lk_forged-token"))
    assert response.status_code == 401
    assert AuditEntry.objects.filter(action="auth.token_invalid").exists()


def test_token_use_is_logged(client, firm):
    token = get_token(client, "staff")
    client.get("/api/v1/me", **auth(token))
    client.get("/api/v1/me", **auth(token))
    uses = AuditEntry.objects.filter(action="auth.token_used", actor=firm["staff"])
    assert uses.count() == 1  # once per working session, not per request


def test_revoked_token_stops_working(client, firm):
    token = get_token(client, "staff")
    token_id = ApiToken.objects.get(user=firm["staff"]).pk
    response = client.delete(f"/api/v1/auth/tokens/{token_id}", **auth(token))
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", **auth(token)).status_code == 401


def test_cannot_revoke_someone_elses_token_but_director_can(client, firm, settings):
    victim = get_token(client, "staff")
    victim_id = ApiToken.objects.get(user=firm["staff"]).pk
    other = get_token(client, "senior")
    assert (
        client.delete(f"/api/v1/auth/tokens/{victim_id}", **auth(other)).status_code
        == 404
    )
    assert client.get("/api/v1/me", **auth(victim)).status_code == 200
    device = TOTPDevice.objects.create(
        user=firm["director"], name="app", confirmed=True
    )
    director = get_token(client, "director", otp=_code(device))
    assert (
        client.delete(f"/api/v1/auth/tokens/{victim_id}", **auth(director)).status_code
        == 200
    )
    assert client.get("/api/v1/me", **auth(victim)).status_code == 401


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.parametrize("username", ["director", "partner", "archivist"])
def test_two_factor_roles_need_enrolment_then_a_code(client, firm, username):
    body = {"username": username, "password": PASSWORD}
    response = post_json(client, "/api/v1/auth/token", body)
    assert response.status_code == 403  # not enrolled yet
    device = TOTPDevice.objects.create(user=firm[username], name="app", confirmed=True)
    assert post_json(client, "/api/v1/auth/token", body).status_code == 401
    wrong = post_json(client, "/api/v1/auth/token", {**body, "otp": "000000"})
    if _code(device) != "000000":
        assert wrong.status_code == 401
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = post_json(client, "/api/v1/auth/token", {**body, "otp": _code(device)})
    assert ok.status_code == 200


def test_lockout_after_five_failures(client, firm):
    for _ in range(5):
        response = post_json(
            client, "/api/v1/auth/token", {"username": "staff", "password": "bad"}
        )
        assert response.status_code in (401, 429)
    locked = post_json(
        client, "/api/v1/auth/token", {"username": "staff", "password": PASSWORD}
    )
    assert locked.status_code == 429
    # Another user is not affected.
    assert get_token(client, "senior")


def test_permission_denial_is_403_and_logged(client, firm):
    token = get_token(client, "staff")
    response = client.get("/api/v1/users", **auth(token))
    assert response.status_code == 403
    assert "detail" in response.json()
    denial = AuditEntry.objects.filter(action="auth.denied").last()
    assert denial is not None and denial.actor_id == firm["staff"].pk


def test_user_list_for_partner_is_paginated(
    client, firm, django_assert_max_num_queries
):
    device = TOTPDevice.objects.create(user=firm["partner"], name="app", confirmed=True)
    token = get_token(client, "partner", otp=_code(device))
    response = client.get("/api/v1/users?limit=3&offset=0", **auth(token))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 8
    assert len(body["items"]) == 3
    assert {"username", "roles", "seniority"} <= set(body["items"][0])


def test_openapi_and_docs(client, firm):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/auth/token" in paths
    assert "/api/v1/me" in paths
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/clients?owner=99999999999999999999999",
        "/api/v1/matters?client=99999999999999999999999",
        "/api/v1/clients?offset=99999999999999999999999",
        "/api/v1/clients/review-status?today=0001-01-01",
        "/api/v1/feedback/summary?quarter=9999Q4",
    ],
)
def test_values_out_of_range_are_client_errors(client, firm, url):
    """Input no database or calendar can hold never gives a 500.

    SQLite refuses a 30-digit integer (400); PostgreSQL compares it and finds
    nothing (200, empty); dates and quarters out of range are refused.
    """
    token = get_token(client, "senior")
    response = client.get(url, **auth(token))
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code == 200:
        assert response.json()["count"] == 0
    else:
        assert 400 <= response.status_code < 500
