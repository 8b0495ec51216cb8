"""Drive the client and matter pages in Chromium as a partner and an assistant.

Covers issue 3 "Done means": registering an individual client with a
separate consent and an ID number, an enterprise client, a conflict check
with a hit, and the ID number masked, then unmasked (partner) and masked
only (an assistant, who may never see it unmasked). Screenshots go to
``tests/artifacts/screenshots/clients_*.png``.
"""

from __future__ import annotations

from django.utils import timezone
from stdnum.cn import ric, uscc

from lexkeep.clients.models import Client
from lexkeep.core.models import AuditEntry
from lexkeep.matters.models import ConflictCheck, Matter
from tests.browser.helpers import SHOTS, sign_in, totp_now

ID_BODY = "11010519850612341"
ID_NUMBER = ID_BODY + ric.calc_check_digit(ID_BODY + "0")
CODE_BODY = "91110105MA01ABCD1"
CREDIT_CODE = CODE_BODY + uscc.calc_check_digit(CODE_BODY)


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"clients_{name}.png"), full_page=True)


def sign_in_partner(page, base: str) -> None:
    sign_in(page, base, "partner")
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    page.get_by_label("6 位验证码").fill(totp_now(secret))
    page.get_by_role("button", name="确认并继续").click()
    page.wait_for_load_state("networkidle")


def test_partner_registers_clients_checks_conflicts_and_reveals(
    new_page, live_server, firm, tmp_path
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = new_page()
    sign_in_partner(page, base)

    # Empty register.
    page.get_by_role("link", name="客户", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    assert "暂无可显示的客户" in page.content()

    # An individual with an ID number: refused without consent, named field.
    page.get_by_role("link", name="新建客户").click()
    page.get_by_label("名称").fill("王小明")
    page.get_by_label("性别").select_option("male")
    page.get_by_label("电话").fill("13912345678")
    page.get_by_label("住址").fill("北京市西城区金融大街 8 号")
    page.get_by_label("居民身份证号码").fill(ID_NUMBER[:-1] + "0")
    page.get_by_label("诉讼 · 民事").check()
    page.get_by_role("button", name="登记客户").click()
    page.wait_for_load_state("networkidle")
    assert "居民身份证号码的校验码不正确" in page.content() or "单独书面同意" in (
        page.content()
    )
    shot(page, "create_errors")

    # Corrected, with the separate written consent and its signed document.
    document = tmp_path / "敏感信息单独同意书.pdf"
    document.write_bytes(b"%PDF-1.4\n% signed consent\n")
    page.get_by_label("居民身份证号码").fill(ID_NUMBER)
    page.get_by_label("告知客户的目的").fill("办理劳动争议诉讼及相关法律事务")
    page.get_by_label("信息范围").fill("居民身份证号码、银行账号")
    page.get_by_label("使用方式").fill("立案、出具授权委托书、开具发票")
    page.get_by_label("签署日期").fill(timezone.localdate().isoformat())
    page.get_by_label("已签署的同意书").set_input_files(str(document))
    shot(page, "create_individual")
    page.get_by_role("button", name="登记客户").click()
    page.wait_for_load_state("networkidle")
    person = Client.objects.get(name="王小明")
    assert page.url == f"{base}/clients/{person.pk}/"
    assert "客户“王小明”已登记" in page.content()

    # Masked by default, then shown once and logged.
    masked = ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    assert page.get_by_test_id("id_number-masked").inner_text() == masked
    assert ID_NUMBER not in page.content()
    shot(page, "detail_masked")
    before = AuditEntry.objects.filter(action="client.sensitive_viewed").count()
    page.locator("#secret-id_number").get_by_role("button", name="显示").click()
    revealed = page.get_by_test_id("id_number-revealed")
    revealed.wait_for()
    assert revealed.inner_text() == ID_NUMBER
    assert (
        AuditEntry.objects.filter(action="client.sensitive_viewed").count()
        == before + 1
    )
    shot(page, "detail_unmasked")

    page.get_by_role("link", name="同意书").first.click()
    page.wait_for_load_state("networkidle")
    assert "敏感信息单独同意有效" in page.content()
    shot(page, "consents")

    # An enterprise client: the form shows the enterprise fields.
    page.goto(f"{base}/clients/new/")
    page.get_by_text("企业", exact=True).click()
    assert not page.get_by_label("性别").is_visible()
    page.get_by_label("企业类型").select_option("llc")
    page.get_by_label("名称").fill("北京星河科技有限公司")
    page.get_by_label("统一社会信用代码").fill(CREDIT_CODE)
    page.get_by_label("法定代表人").fill("李四")
    page.get_by_label("注册地址").fill("北京市朝阳区建国路 88 号")
    page.get_by_label("电话").fill("010-65881234")
    page.get_by_label("非诉 · 并购重组").check()
    page.get_by_label("常年法律顾问").check()
    page.get_by_label("客户负责人").select_option(str(firm["staff"].pk))
    shot(page, "create_enterprise")
    page.get_by_role("button", name="登记客户").click()
    page.wait_for_load_state("networkidle")
    company = Client.objects.get(credit_code=CREDIT_CODE)
    assert page.url == f"{base}/clients/{company.pk}/"
    shot(page, "enterprise")

    page.get_by_role("link", name="团队与等级").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("客户等级").select_option("strategic")
    page.get_by_label("理由").fill("行业龙头，品牌影响大")
    page.get_by_role("button", name="设定等级").click()
    page.wait_for_load_state("networkidle")
    assert "服务团队与客户等级不符" in page.content()
    shot(page, "team")

    # The register, filtered with htmx.
    page.goto(f"{base}/clients/")
    page.get_by_label("客户等级").select_option("strategic")
    page.wait_for_url("**/clients/?*tier=strategic*")
    page.wait_for_load_state("networkidle")
    assert "北京星河科技有限公司" in page.locator("#results").inner_text()
    assert "王小明" not in page.locator("#results").inner_text()
    page.goto(f"{base}/clients/")
    shot(page, "list")

    # A conflict check with a hit on the enterprise client.
    page.get_by_role("link", name="利益冲突检索").first.click()
    page.get_by_label("拟委托客户").fill("上海云帆贸易有限公司")
    page.locator("[name=party_0_role]").select_option("counterparty")
    page.locator("[name=party_0_name]").fill("星河科技（北京）有限公司")
    shot(page, "conflict_form")
    page.get_by_role("button", name="开始检索").click()
    page.wait_for_load_state("networkidle")
    check = ConflictCheck.objects.latest("pk")
    assert check.hits
    assert "北京星河科技有限公司" in page.locator("table").inner_text()
    shot(page, "conflict_hits")
    page.get_by_label("豁免——客户已知情同意").check()
    page.get_by_label("备注").fill("客户已书面知情同意，利益冲突可控")
    waiver = tmp_path / "waiver.pdf"
    waiver.write_bytes(b"%PDF-1.4 waiver")
    page.get_by_label("客户知情同意书").set_input_files(str(waiver))
    page.get_by_role("button", name="登记决定").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="依据此检索新建委托事项").first.is_visible()
    shot(page, "conflict_decided")


def test_assistant_sees_the_id_number_masked_only(new_page, live_server, firm):
    SHOTS.mkdir(parents=True, exist_ok=True)
    from lexkeep.clients.services import ConsentInput, client_create

    person = client_create(
        actor=firm["partner"],
        name="陈静",
        client_type="individual",
        gender="female",
        phone="13800001111",
        address="上海市静安区南京西路 1 号",
        id_number=ID_NUMBER,
        domains=[("litigation", "civil")],
        consent=ConsentInput(
            purpose="办理诉讼",
            scope="身份证号码",
            use="立案",
            signed_on=timezone.localdate(),
        ),
    )
    check = ConflictCheck.objects.create(
        subject_name=person.name,
        searched_by=firm["partner"],
        decision=ConflictCheck.Decision.CLEAR,
        client=person,
    )
    matter = Matter.objects.create(
        name="劳动争议仲裁",
        client=person,
        domain="litigation",
        sub_domain="civil",
        supervising_lawyer=firm["senior"],
        engagement_start=timezone.localdate(),
        conflict_check=check,
    )
    matter.handling_lawyers.set([firm["staff"]])
    matter.assistants.set([firm["assistant"]])

    page = new_page()
    sign_in(page, live_server.url, "assistant")
    page.goto(f"{live_server.url}/clients/{person.pk}/")
    masked = ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    assert page.get_by_test_id("id_number-masked").inner_text() == masked
    assert page.locator("#secret-id_number").get_by_role("button").count() == 0
    assert "对您的角色已遮蔽" in page.content()
    assert ID_NUMBER not in page.content()
    shot(page, "assistant_masked")

    page.goto(f"{live_server.url}/matters/{matter.pk}/")
    assert "劳动争议仲裁" in page.content()
    shot(page, "matter_assistant")
