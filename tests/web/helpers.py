"""Helpers for web tests: sign in as a user, completing 2FA when required."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lexkeep.accounts.models import User

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def totp_code(device: TOTPDevice) -> str:
    """Return the device's current 6-digit code, as an authenticator app would."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user: User) -> Client:
    """Sign ``user`` in on ``client``; enrol and verify TOTP if the role needs it."""
    client.force_login(user, backend=MODEL_BACKEND)
    if user.requires_two_factor:
        client.get(reverse("accounts:two_factor_setup"))
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post(
            reverse("accounts:two_factor_setup"), {"token": totp_code(device)}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    return client
