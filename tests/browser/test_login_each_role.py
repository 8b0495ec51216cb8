"""Sign in through the real pages as each role and photograph the home page.

Drives Debian's Chromium with Playwright. Screenshots go to
``tests/artifacts/screenshots/`` (git-ignored) for people to look at.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import SHOTS, sign_in, totp_now

# What each role's home page must say, in Chinese (SPEC §1 duties).
ROLE_HOME = {
    "director": "审批外部借阅",
    "partner": "审计小组",
    "senior": "我的委托事项",
    "staff": "归档材料收集",
    "assistant": "我协办的委托事项",
    "archivist": "借阅登记",
    "client_service": "24 小时内联系客户",
    "external": "须经主任批准后",
}
TWO_FACTOR = {"director", "partner", "archivist"}


@pytest.mark.parametrize("who", sorted(ROLE_HOME))
def test_sign_in_as_each_role(page, live_server, firm, who):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server.url, who, shots="page" if who == "director" else "")
    if who in TWO_FACTOR:
        assert "/accounts/2fa/setup/" in page.url
        if who == "director":
            page.screenshot(path=str(SHOTS / "page_2fa_setup.png"), full_page=True)
        secret = page.locator("#totp-secret").get_attribute("data-secret")
        assert secret
        page.get_by_label("6 位验证码").fill(totp_now(secret))
        page.get_by_role("button", name="确认并继续").click()
        page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"欢迎，{firm[who].full_name}"
    assert ROLE_HOME[who] in page.content()
    page.screenshot(path=str(SHOTS / f"{who}.png"), full_page=True)


def test_wrong_password_then_english_pages(page, live_server, firm):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("senior")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert "用户名或密码不正确" in page.get_by_role("alert").inner_text()
    page.screenshot(path=str(SHOTS / "page_login_error.png"), full_page=True)

    sign_in(page, live_server.url, "senior")
    page.get_by_role("link", name="委托事项").first.click()
    page.wait_for_url("**/matters/")
    page.wait_for_load_state("load")
    assert "3 个工作日" in page.content()
    page.screenshot(path=str(SHOTS / "page_area_matters.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, 张资深"
    assert "Law-firm client and archive management" in page.content()
    page.screenshot(path=str(SHOTS / "senior_en.png"), full_page=True)

    page.goto(f"{live_server.url}/accounts/me/")
    page.get_by_label("Token name").fill("nightly export")
    page.get_by_role("button", name="Create token").click()
    assert page.locator("#new-token").inner_text().startswith("lk_")
    page.screenshot(path=str(SHOTS / "page_account_en.png"), full_page=True)


def test_director_pages(page, live_server, firm):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server.url, "director")
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    page.get_by_label("6 位验证码").fill(totp_now(secret))
    page.get_by_role("button", name="确认并继续").click()
    page.goto(f"{live_server.url}/settings/holidays/")
    page.get_by_role("textbox", name="日期", exact=True).fill("2031-10-01")
    page.get_by_role("textbox", name="截止日期（选填）").fill("2031-10-07")
    page.get_by_role("combobox", name="类型").select_option("holiday")
    page.get_by_role("textbox", name="名称").fill("国庆节")
    page.get_by_role("button", name="保存").click()
    assert "2031-10-01 至 2031-10-07 已保存到律所日历" in page.content()
    assert page.locator("table tbody tr").count() == 7
    assert "国庆节" in page.locator("table").inner_text()
    page.screenshot(path=str(SHOTS / "page_holidays.png"), full_page=True)
    page.goto(f"{live_server.url}/retention/")
    assert "10 年" in page.content()
    page.screenshot(path=str(SHOTS / "page_area_retention.png"), full_page=True)
    page.goto(f"{live_server.url}/settings/users/")
    page.screenshot(path=str(SHOTS / "page_users.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(SHOTS / "page_home_mobile.png"), full_page=True)
