"""What every browser test shares: where Chromium is, where shots go, signing in."""

from __future__ import annotations

import shutil
from base64 import b32decode
from pathlib import Path

from django_otp.oath import TOTP

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
CHROMIUM = CHROMIUM or shutil.which("chromium")
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
#: Flags for headless Chromium on a server (no sandbox, no GPU, no updates).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def totp_now(secret: str) -> str:
    """Compute the current code from a base32 secret, as a phone app would."""
    key = b32decode(secret.replace(" ", "").upper())
    return f"{TOTP(key).token():06d}"


def sign_in(page, base_url: str, username: str, *, shots: str = "") -> None:
    page.goto(f"{base_url}/accounts/login/")
    if shots:
        page.screenshot(path=str(SHOTS / f"{shots}_login.png"), full_page=True)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
