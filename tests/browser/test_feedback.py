"""File a public complaint and follow it to resolution, in Chromium (SPEC §5).

GIVEN the public feedback form (no login) WHEN someone files a complaint
THEN they get a reference number; the client-service specialist who owns
it signs in, records the contact, the solution and the resolution with the
client's satisfaction, and the ledger shows it. Screenshots go to
``tests/artifacts/screenshots/feedback_*.png``. Selectors use ids and
names, not text, so the test holds in every language.
"""

from __future__ import annotations

import re

from django.core.cache import cache

from lexkeep.feedback.models import Feedback, Status
from tests.browser.helpers import SHOTS
from tests.conftest import PASSWORD


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"feedback_{name}.png"), full_page=True)


def act(page, action: str, note: str, satisfaction: str | None = None) -> None:
    form = page.locator(f"form[data-action='{action}']")
    form.locator("textarea[name='note']").fill(note)
    if satisfaction:
        form.locator("select[name='satisfaction']").select_option(satisfaction)
    form.locator("button[type='submit']").click()
    page.wait_for_load_state("networkidle")


def test_public_complaint_followed_to_resolution(context, live_server, firm):
    SHOTS.mkdir(parents=True, exist_ok=True)
    cache.clear()
    base = live_server.url

    # A member of the public files a complaint, without signing in.
    public = context.new_page()
    public.goto(f"{base}/public/feedback/")
    assert "/accounts/login" not in public.url
    shot(public, "public_form")
    public.fill("input[name='name']", "林晓红")
    public.fill("input[name='contact']", "13812345678")
    public.select_option("select[name='category']", "slow_communication")
    public.fill(
        "textarea[name='content']",
        "我的劳动争议案件已经两周没有任何进展通知，给承办律师打电话也没有回复。",
    )
    public.locator("#feedback-form button[type='submit']").click()
    public.wait_for_load_state("networkidle")
    reference = public.locator("#reference").inner_text().strip()
    assert re.fullmatch(r"FK-\d{4}-\d{6}", reference)
    shot(public, "public_thanks")
    case = Feedback.objects.get(reference=reference)
    assert case.owner == firm["client_service"]

    public.set_viewport_size({"width": 390, "height": 844})
    public.goto(f"{base}/public/feedback/")
    shot(public, "public_form_mobile")
    public.close()

    # The client-service specialist who owns it signs in.
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='username']", "client_service")
    page.fill("input[name='password']", PASSWORD)
    page.press("input[name='password']", "Enter")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/feedback/")
    assert reference in page.locator("#case-table").inner_text()
    shot(page, "case_list")
    page.get_by_role("link", name=reference).click()
    page.wait_for_load_state("networkidle")
    assert "13812345678" in page.locator("#case-contact").inner_text()
    shot(page, "case_received")

    act(page, "contact", "已电话联系林女士，致歉并说明本周内给出处理方案。")
    case.refresh_from_db()
    assert case.status == Status.CONTACTED and case.contacted_at is not None
    act(page, "propose", "承办律师今天下午电话说明案件进展，此后每周五书面通知进展。")
    case.refresh_from_db()
    assert case.status == Status.SOLUTION_PROPOSED and case.replied_at is not None
    shot(page, "case_proposed")
    act(page, "resolve", "客户确认已收到进展说明，接受处理方案。", satisfaction="5")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.satisfaction == 5
    assert page.locator("#case-satisfaction").inner_text().count("★") == 5
    assert page.locator("#timeline > li").count() == 5
    shot(page, "case_resolved")

    page.goto(f"{base}/feedback/ledger/")
    assert reference in page.locator("#ledger-table").inner_text()
    shot(page, "ledger")
    page.goto(f"{base}/feedback/summary/")
    shot(page, "summary")
    page.goto(f"{base}/feedback/new/")
    shot(page, "staff_intake")
