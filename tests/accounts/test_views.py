"""Sign-in, lock-out, two-factor and "my account" pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from lexkeep.accounts.models import ApiToken
from lexkeep.accounts.services import api_token_create
from lexkeep.core.models import AuditEntry
from tests.conftest import PASSWORD
from tests.web.helpers import sign_in, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def post_login(client: Client, username: str, password: str, **extra: str):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.7",
        **extra,
    )


class TestLogin:
    def test_page_renders_in_chinese_with_csrf(self, client):
        response = client.get(LOGIN)
        assert response.status_code == 200
        html = response.content.decode()
        assert "csrfmiddlewaretoken" in html
        assert "登录" in html
        assert 'lang="zh-hans"' in html

    def test_lawyer_signs_in_and_lands_on_home(self, client, firm):
        response = post_login(client, "staff", PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == "/"
        home = client.get("/")
        assert home.status_code == 200
        assert "赵专职" in home.content.decode()

    def test_wrong_password_is_refused_with_a_chinese_message(self, client, firm):
        response = post_login(client, "staff", "wrong-password")
        assert response.status_code == 200
        html = response.content.decode()
        assert "用户名或密码不正确" in html
        assert client.get("/").status_code == 302

    def test_csrf_is_enforced(self, firm):
        client = Client(enforce_csrf_checks=True)
        response = post_login(client, "staff", PASSWORD)
        assert response.status_code == 403

    def test_five_failures_lock_the_account_for_15_minutes(self, firm):
        client = Client()
        for _ in range(4):
            assert post_login(client, "staff", "nope").status_code == 200
        locked = post_login(client, "staff", "nope")
        assert locked.status_code == 429
        assert "15" in locked.content.decode()
        assert "锁定" in locked.content.decode()
        # Even the right password is refused while locked, from anywhere.
        again = Client().post(
            LOGIN,
            {"username": "staff", "password": PASSWORD},
            REMOTE_ADDR="192.0.2.99",
        )
        assert again.status_code == 429
        assert Client().get("/").status_code == 302

    def test_logout_needs_post(self, client, firm):
        sign_in(client, firm["staff"])
        assert client.get("/accounts/logout/").status_code == 200
        assert client.get("/").status_code == 200
        response = client.post("/accounts/logout/")
        assert response.status_code == 302
        assert client.get("/").status_code == 302


class TestTwoFactor:
    @pytest.mark.parametrize("role", ["director", "partner", "archivist"])
    def test_required_before_any_page(self, client, firm, role):
        response = post_login(client, role, PASSWORD)
        assert response.status_code == 302
        home = client.get("/")
        assert home.status_code == 302
        assert home["Location"].startswith("/accounts/2fa/")
        for path in ("/accounts/me/", "/settings/holidays/", "/archives/"):
            assert client.get(path)["Location"].startswith("/accounts/2fa/")
        setup = client.get("/accounts/2fa/", follow=True)
        assert setup.redirect_chain[-1][0].startswith("/accounts/2fa/setup/")
        html = setup.content.decode()
        assert "<svg" in html
        assert 'id="totp-secret"' in html

    def test_exempt_paths_are_not_redirected(self, client, firm):
        post_login(client, "director", PASSWORD)
        assert client.get("/accounts/logout/").status_code == 200
        assert client.get("/api/v1/openapi.json").status_code != 302
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.status_code == 302
        assert response["Location"] == "/"

    def test_enrolment_confirms_device_with_a_correct_code(self, client, firm):
        director = firm["director"]
        post_login(client, "director", PASSWORD)
        client.get("/accounts/2fa/setup/")
        device = TOTPDevice.objects.get(user=director)
        assert not device.confirmed
        response = client.post(
            "/accounts/2fa/setup/", {"token": totp_code(device), "next": "/"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/"
        device.refresh_from_db()
        assert device.confirmed
        home = client.get("/")
        assert home.status_code == 200
        assert "王主任" in home.content.decode()
        assert AuditEntry.objects.filter(
            action="auth.2fa_enrolled", actor=director
        ).exists()

    def test_wrong_code_is_refused(self, client, firm):
        archivist = firm["archivist"]
        post_login(client, "archivist", PASSWORD)
        client.get("/accounts/2fa/setup/")
        device = TOTPDevice.objects.get(user=archivist)
        wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
        response = client.post("/accounts/2fa/setup/", {"token": wrong})
        assert response.status_code == 400
        assert "验证码错误或已过期" in response.content.decode()
        device.refresh_from_db()
        assert not device.confirmed
        assert client.get("/").status_code == 302
        assert AuditEntry.objects.filter(
            action="auth.2fa_failed", actor=archivist
        ).exists()

    def test_throttling_refuses_even_a_right_code_right_after_a_wrong_one(
        self, client, firm
    ):
        post_login(client, "partner", PASSWORD)
        client.get("/accounts/2fa/setup/")
        device = TOTPDevice.objects.get(user=firm["partner"])
        client.post("/accounts/2fa/setup/", {"token": "000000"})
        client.post("/accounts/2fa/setup/", {"token": "000001"})
        response = client.post("/accounts/2fa/setup/", {"token": totp_code(device)})
        assert response.status_code == 400
        assert "错误次数过多" in response.content.decode()

    def test_letters_are_refused(self, client, firm):
        post_login(client, "partner", PASSWORD)
        client.get("/accounts/2fa/setup/")
        response = client.post("/accounts/2fa/setup/", {"token": "12ab56"})
        assert response.status_code == 400

    def test_enrolled_user_is_asked_for_a_code_at_next_sign_in(self, firm):
        partner = firm["partner"]
        sign_in(Client(), partner)
        device = TOTPDevice.objects.get(user=partner, confirmed=True)
        device.last_t = -1  # allow the same time step again in this fast test
        device.save()
        client = Client()
        post_login(client, "partner", PASSWORD)
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/2fa/verify/")
        refused = client.post("/accounts/2fa/verify/", {"token": "000000"})
        assert refused.status_code == 400
        device.refresh_from_db()
        device.throttle_reset()
        ok = client.post(
            "/accounts/2fa/verify/?next=/clients/", {"token": totp_code(device)}
        )
        assert ok.status_code == 302
        assert ok["Location"] == "/clients/"
        assert client.get("/").status_code == 200

    def test_an_api_call_with_a_session_cookie_does_not_load_the_session_user(
        self, client, firm
    ):
        """The API authenticates by token; the second-factor guard leaves it
        alone before reading the session or the user behind it."""
        post_login(client, "partner", PASSWORD)  # signed in, second factor due
        _token, raw = api_token_create(user=firm["partner"], name="脚本")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
        tables = " ".join(q["sql"] for q in queries.captured_queries)
        assert "django_session" not in tables
        assert (
            client.get("/", follow=True)
            .redirect_chain[-1][0]
            .startswith("/accounts/2fa/")
        )

    def test_lawyer_is_not_asked_for_two_factor(self, client, firm):
        post_login(client, "senior", PASSWORD)
        assert client.get("/").status_code == 200
        assert client.get("/accounts/2fa/verify/").status_code == 302
        assert not TOTPDevice.objects.filter(user=firm["senior"]).exists()


class TestMyAccount:
    def test_shows_profile(self, client, firm):
        sign_in(client, firm["assistant"])
        html = client.get("/accounts/me/").content.decode()
        assert "钱助理" in html
        assert "助理" in html
        assert "张资深" in html  # supervising lawyer

    def test_create_shows_raw_token_once(self, client, firm):
        sign_in(client, firm["staff"])
        response = client.post("/accounts/me/tokens/", {"name": "备份脚本"})
        assert response.status_code == 201
        token = ApiToken.objects.get(user=firm["staff"])
        html = response.content.decode()
        assert token.prefix in html
        raw = html.split('id="new-token">')[1].split("<")[0]
        assert raw.startswith(token.prefix)
        again = client.get("/accounts/me/").content.decode()
        assert raw not in again
        assert token.prefix in again

    def test_name_is_required(self, client, firm):
        sign_in(client, firm["staff"])
        response = client.post("/accounts/me/tokens/", {"name": ""})
        assert response.status_code == 400
        assert not ApiToken.objects.exists()

    def test_revoke(self, client, firm):
        sign_in(client, firm["staff"])
        token, _raw = api_token_create(user=firm["staff"], name="ci")
        assert client.get(f"/accounts/me/tokens/{token.pk}/revoke/").status_code == 405
        response = client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
        assert response.status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_cannot_revoke_someone_elses_token(self, client, firm):
        token, _raw = api_token_create(user=firm["senior"], name="theirs")
        sign_in(client, firm["staff"])
        response = client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
        assert response.status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None
