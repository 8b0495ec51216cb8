"""User management by the director: create, reset an authenticator, disable."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lexkeep.accounts.models import ApiToken, Department, User
from lexkeep.accounts.services import api_token_create
from lexkeep.core.models import AuditEntry
from tests.web.helpers import sign_in

pytestmark = pytest.mark.django_db


def new_user_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "newbie",
        "full_name": "孙新人",
        "email": "",
        "password": "Lexkeep-Strong-2026",
        "roles": ["assistant"],
        "seniority": "",
        "supervisor": "",
        "department": "诉讼部",
    }
    data.update(overrides)
    return data


def test_director_creates_an_assistant_with_a_supervisor(firm):
    client = sign_in(Client(), firm["director"])
    response = client.post(
        reverse("web:user_new"),
        new_user_form(supervisor=firm["senior"].pk),
    )
    assert response.status_code == 302
    created = User.objects.get(username="newbie")
    assert created.roles == {"assistant"}
    assert created.supervisor == firm["senior"]
    assert created.department.name == "诉讼部"
    assert AuditEntry.objects.filter(action="accounts.user_created").exists()


def test_create_form_names_the_bad_field_in_chinese(firm):
    client = sign_in(Client(), firm["director"])
    response = client.post(reverse("web:user_new"), new_user_form())
    assert response.status_code == 400
    body = response.content.decode()
    assert "助理需要指定主管律师" in body
    assert not User.objects.filter(username="newbie").exists()
    # The department typed for the refused user is not left behind.
    assert not Department.objects.filter(name="诉讼部").exists()


@pytest.mark.parametrize("who", ["partner", "senior", "archivist", "external"])
def test_only_the_director_manages_users(firm, who):
    client = sign_in(Client(), firm[who])
    assert client.get(reverse("web:user_new")).status_code == 403
    response = client.post(
        reverse("web:user_new"), new_user_form(supervisor=firm["senior"].pk)
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="newbie").exists()
    target = firm["staff"]
    assert (
        client.post(reverse("web:user_toggle_active", args=[target.pk])).status_code
        == 403
    )
    target.refresh_from_db()
    assert target.is_active
    assert AuditEntry.objects.filter(action="auth.denied", actor=firm[who]).exists()


def test_director_resets_an_authenticator(firm):
    partner_client = sign_in(Client(), firm["partner"])
    assert TOTPDevice.objects.filter(user=firm["partner"]).exists()
    director = sign_in(Client(), firm["director"])
    response = director.post(reverse("web:user_reset_2fa", args=[firm["partner"].pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=firm["partner"]).exists()
    assert AuditEntry.objects.filter(action="auth.2fa_reset").exists()
    # The partner's next page sends them to set up a new authenticator.
    fresh = Client()
    fresh.force_login(
        firm["partner"], backend="django.contrib.auth.backends.ModelBackend"
    )
    assert reverse("accounts:two_factor") in fresh.get("/").url
    del partner_client


def test_disabling_a_user_revokes_tokens_and_blocks_sign_in(firm):
    _token, raw = api_token_create(user=firm["staff"])
    director = sign_in(Client(), firm["director"])
    director.post(reverse("web:user_toggle_active", args=[firm["staff"].pk]))
    firm["staff"].refresh_from_db()
    assert not firm["staff"].is_active
    assert ApiToken.objects.get(user=firm["staff"]).revoked_at is not None
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401
    # The director cannot lock themselves out.
    director.post(reverse("web:user_toggle_active", args=[firm["director"].pk]))
    firm["director"].refresh_from_db()
    assert firm["director"].is_active


def test_user_list_runs_constant_queries(
    firm, make_user, django_assert_max_num_queries
):
    client = sign_in(Client(), firm["director"])
    client.get(reverse("web:users"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("web:users"))
    for n in range(15):
        make_user(f"extra{n}", "lawyer")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("web:users")).status_code == 200
