"""Walk one matter from close to filed in Chromium (issue 5 "Done means").

The handling lawyer closes the matter on its page, collects the materials
(a 300-DPI PDF scan made with Pillow here, a refused low-DPI scan, paper
materials), records why the fee voucher is missing and submits; the archivist
(TOTP enrolment) reviews and approves, then files the volume in a cabinet.
The cover and catalog PDFs are downloaded and rendered to PNG with
``pdftoppm``. Screenshots go to ``tests/artifacts/screenshots/archives_*.png``.

The selectors use element names and URLs, not the visible words, so the test
holds whatever the translation of the page says.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess  # noqa: S404 - pdftoppm renders the generated PDFs
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from lexkeep.archives.choices import ArchiveStatus
from lexkeep.archives.models import Archive, Cabinet, Material
from lexkeep.clients.choices import ClientType, Domain, SubDomain, Tier
from lexkeep.clients.models import Client
from lexkeep.clients.normalize import normalize_name
from lexkeep.matters.models import ConflictCheck, Matter
from tests.browser.helpers import SHOTS, sign_in, totp_now

PDFTOPPM = shutil.which("pdftoppm")


def shot(page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar stays on top
    page.screenshot(path=str(SHOTS / f"archives_{name}.png"), full_page=True)


def scan(path: Path, *, dpi: int, pages: int, kind: str = "PDF") -> Path:
    """Write a small page scan recording ``dpi`` (a PDF of ``pages`` pages)."""
    images = []
    for number in range(pages):
        image = Image.new("L", (620, 877), 255)  # about 2 x 2.9 inches at 300 DPI
        draw = ImageDraw.Draw(image)
        draw.rectangle((40, 40, 580, 90), fill=0)
        for line in range(12):
            y = 130 + line * 50
            draw.rectangle(
                (40, y, 40 + 520 - (line * 23 + number * 40) % 200, y + 14), fill=90
            )
        images.append(image)
    out = io.BytesIO()
    if kind == "PDF":
        images[0].save(
            out,
            "PDF",
            resolution=float(dpi),
            save_all=True,
            append_images=images[1:],
        )
    else:
        images[0].save(out, kind, dpi=(dpi, dpi))
    path.write_bytes(out.getvalue())
    return path


def make_matter(firm) -> Matter:
    client = Client.objects.create(
        name="星河科技有限公司",
        name_normalized=normalize_name("星河科技有限公司"),
        client_type=ClientType.ENTERPRISE,
        tier=Tier.ORDINARY,
    )
    check = ConflictCheck.objects.create(
        subject_name=client.name,
        searched_by=firm["partner"],
        decision=ConflictCheck.Decision.CLEAR,
        client=client,
    )
    matter = Matter.objects.create(
        name="星河科技买卖合同纠纷案",
        name_normalized=normalize_name("星河科技买卖合同纠纷案"),
        case_number="(2025)京0105民初1234号",
        client=client,
        domain=Domain.LITIGATION,
        sub_domain=SubDomain.CIVIL,
        supervising_lawyer=firm["senior"],
        engagement_start=dt.date(2025, 1, 8),
        conflict_check=check,
    )
    matter.handling_lawyers.set([firm["staff"]])
    return matter


def add_material(
    page,
    *,
    category: str,
    kind: str,
    title: str,
    day: str,
    pages: int | None = None,
    file: Path | None = None,
) -> None:
    form = page.locator("#add-material form")
    if page.locator("#add-material").get_attribute("open") is None:
        page.locator("#add-material summary").click()
    form.locator("select[name=category]").select_option(category)
    form.locator("select[name=material_type]").select_option(kind)
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=material_date]").fill(day)
    form.locator("input[name=page_count]").fill(str(pages) if pages else "")
    if file is not None:
        form.locator("input[name=file]").set_input_files(str(file))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def render_pdf(data: bytes, name: str, tmp_path: Path) -> list[Path]:
    """Render ``data`` to ``archives_<name>-<page>.png`` at 60 DPI."""
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    for old in SHOTS.glob(f"archives_{name}-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603 - fixed arguments, our own file
        [PDFTOPPM, "-png", "-r", "60", str(pdf), str(SHOTS / f"archives_{name}")],
        check=True,
        timeout=60,
    )
    return sorted(SHOTS.glob(f"archives_{name}-*.png"))


def test_matter_from_close_to_filed(new_page, live_server, firm, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    matter = make_matter(firm)
    Cabinet.objects.create(
        code="SS-P-01",
        archive_class="litigation",
        tier=Tier.ORDINARY,
        room="档案室 A",
        shelves=3,
        boxes_per_shelf=4,
        capacity=40,
    )
    today = timezone.localdate()

    # The handling lawyer closes the matter on its page.
    lawyer = new_page()
    sign_in(lawyer, base, "staff")
    lawyer.goto(f"{base}/matters/{matter.pk}/")
    close = lawyer.locator(f'form[action="/matters/{matter.pk}/close/"]')
    close.locator("input[name=business_end_date]").fill(today.isoformat())
    close.locator("button[type=submit]").click()
    lawyer.wait_for_load_state("networkidle")
    archive = Archive.objects.get(matter=matter)
    assert archive.status == ArchiveStatus.COLLECTING

    # My collection lists the new volume with its deadline; open it.
    lawyer.goto(f"{base}/archives/")
    lawyer.locator('a[href="/archives/mine/"]').click()
    lawyer.wait_for_load_state("networkidle")
    assert archive.archive_number in lawyer.content()
    shot(lawyer, "collection")
    lawyer.locator(f'a[href="/archives/{archive.pk}/"]').first.click()
    lawyer.wait_for_load_state("networkidle")
    assert lawyer.url == f"{base}/archives/{archive.pk}/"
    shot(lawyer, "volume_empty")

    # A 150-DPI scan is refused, the message naming the file, page and DPI.
    low = scan(tmp_path / "身份证复印件.png", dpi=150, pages=1, kind="PNG")
    add_material(
        lawyer,
        category="identity_engagement",
        kind="id_copy",
        title="法定代表人身份证复印件",
        day="2025-01-08",
        file=low,
    )
    error = lawyer.locator('[data-field="file"] .errorlist')
    assert "身份证复印件.png" in error.inner_text() and "150" in error.inner_text()
    shot(lawyer, "upload_refused")
    assert not Material.objects.filter(archive=archive).exists()

    # The 300-DPI contract scan is accepted; its page count is read from it.
    contract = scan(tmp_path / "委托代理合同.pdf", dpi=300, pages=3)
    add_material(
        lawyer,
        category="identity_engagement",
        kind="engagement_contract",
        title="委托代理合同",
        day="2025-01-08",
        file=contract,
    )
    stored = Material.objects.get(archive=archive, material_type="engagement_contract")
    assert stored.page_count == 3 and stored.min_dpi == 300 and stored.has_file
    for category, kind, title, day, pages in (
        ("identity_engagement", "business_licence", "营业执照副本", "2025-01-07", 1),
        ("identity_engagement", "power_of_attorney", "授权委托书", "2025-01-09", 1),
        (
            "identity_engagement",
            "risk_notice",
            "风险告知书（客户签字）",
            "2025-01-09",
            2,
        ),
        ("business_handling", "pleading", "民事起诉状", "2025-02-10", 4),
        ("communication", "minutes", "案情沟通会谈笔录", "2025-03-02", 2),
    ):
        add_material(
            lawyer, category=category, kind=kind, title=title, day=day, pages=pages
        )
    assert Material.objects.filter(archive=archive).count() == 6

    # Move the licence below the contract inside its category.
    licence = Material.objects.get(archive=archive, material_type="business_licence")
    lawyer.locator(
        f'form[action="/archives/{archive.pk}/materials/{licence.pk}/move/"] '
        'button[value="down"]'
    ).click()
    lawyer.wait_for_load_state("networkidle")
    shot(lawyer, "volume_collected")

    # Submitting without a fee voucher: the missing item asks for a reason.
    submit = lawyer.locator(f'form[action^="/archives/{archive.pk}/submit/"]')
    submit.locator("button[type=submit]").click()
    lawyer.wait_for_load_state("networkidle")
    reason_field = lawyer.locator('[data-field="reason_fee_vouchers"]')
    assert reason_field.locator(".errorlist").count() == 1
    shot(lawyer, "submit_missing")
    reason_field.locator("input").fill("律师费按结案后 30 日支付，发票届时补入")
    lawyer.locator(f'form[action^="/archives/{archive.pk}/submit/"] button').click()
    lawyer.wait_for_load_state("networkidle")
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.SUBMITTED
    # The submitter gets no review form.
    assert (
        lawyer.locator(f'form[action^="/archives/{archive.pk}/review/"]').count() == 0
    )
    shot(lawyer, "submitted")

    # The archivist enrols TOTP, finds the volume in the review queue, approves.
    desk = new_page()
    sign_in(desk, base, "archivist")
    secret = desk.locator("#totp-secret").get_attribute("data-secret")
    desk.get_by_label("6 位验证码").fill(totp_now(secret))
    desk.get_by_role("button", name="确认并继续").click()
    desk.wait_for_load_state("networkidle")
    desk.goto(f"{base}/archives/review/")
    assert archive.archive_number in desk.content()
    shot(desk, "review_queue")
    desk.locator(f'a[href="/archives/{archive.pk}/"]').first.click()
    desk.wait_for_load_state("networkidle")
    review = desk.locator(f'form[action^="/archives/{archive.pk}/review/"]')
    assert "发票届时补入" in desk.content()
    for box in review.locator("input[type=checkbox]").all():
        box.check()
    review.locator('input[name=decision][value="approve"]').check()
    shot(desk, "review_form")
    review.locator("button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.APPROVED
    assert archive.reviewed_by == firm["archivist"]

    # The filing desk lists it; file it in the cabinet.
    desk.goto(f"{base}/archives/desk/")
    assert archive.archive_number in desk.content()
    shot(desk, "filing_desk")
    desk.locator(f'a[href="/archives/{archive.pk}/"]').first.click()
    desk.wait_for_load_state("networkidle")
    filing = desk.locator(f'form[action^="/archives/{archive.pk}/file/"]')
    filing.locator("select[name=cabinet]").select_option(
        label="SS-P-01 · 档案室 A · 0/40"
    )
    filing.locator("input[name=shelf]").fill("2")
    filing.locator("input[name=box]").fill("3")
    filing.locator("button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.FILED
    assert (archive.cabinet.code, archive.shelf, archive.box) == ("SS-P-01", 2, 3)
    shot(desk, "filed")

    # The cabinet map shows it; the number box opens the volume directly.
    desk.goto(f"{base}/archives/cabinets/")
    assert "1 / 40" in desk.content() or "1/40" in desk.content()
    shot(desk, "cabinets")
    desk.goto(f"{base}/archives/")
    desk.locator("#lookup-number").fill(archive.archive_number)
    desk.locator(".lookup-form button").click()
    desk.wait_for_load_state("networkidle")
    assert desk.url == f"{base}/archives/{archive.pk}/"
    desk.goto(f"{base}/archives/?status=filed")
    shot(desk, "list")

    # The cover and the catalog, downloaded as the archivist, rendered to PNG.
    cover = desk.request.get(f"{base}/archives/{archive.pk}/cover.pdf")
    catalog = desk.request.get(f"{base}/archives/{archive.pk}/catalog.pdf")
    assert cover.status == 200 and cover.headers["content-type"] == "application/pdf"
    assert catalog.status == 200 and catalog.body().startswith(b"%PDF")
    if PDFTOPPM is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; PDFs not rendered")
    covers = render_pdf(cover.body(), "cover", tmp_path)
    catalogs = render_pdf(catalog.body(), "catalog", tmp_path)
    assert covers and all(p.stat().st_size > 1000 for p in covers)
    assert catalogs and all(p.stat().st_size > 1000 for p in catalogs)


def test_director_edits_required_materials_and_alerts_are_read(
    new_page, live_server, firm
):
    """The director changes the litigation checklist on its page (errors shown
    inline, in Chinese); the volume's completeness check follows. The handling
    lawyer reads the closed matter's alert and marks it read."""
    from lexkeep.archives.models import ArchiveAlert, RequiredMaterial
    from lexkeep.archives.services import missing_items
    from lexkeep.matters.services import matter_close

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    matter = make_matter(firm)
    matter_close(
        actor=firm["staff"], matter=matter, business_end_date=timezone.localdate()
    )
    archive = Archive.objects.get(matter=matter)

    director = new_page()
    sign_in(director, base, "director")
    secret = director.locator("#totp-secret").get_attribute("data-secret")
    director.get_by_label("6 位验证码").fill(totp_now(secret))
    director.get_by_role("button", name="确认并继续").click()
    director.wait_for_load_state("networkidle")
    director.goto(f"{base}/archives/")
    director.locator('.archive-tabs a[href="/archives/checklist/"]').click()
    director.wait_for_load_state("networkidle")
    assert "客户签字的风险告知书" in director.content()
    shot(director, "checklist")

    # Nothing typed, nothing ticked: both fields say so, in Chinese.
    add = director.locator('form[action^="/archives/checklist/?domain="]')
    add.locator("button[type=submit]").click()
    director.wait_for_load_state("networkidle")
    assert director.locator('[data-field="label"] .errorlist').count() == 1
    types_error = director.locator('[data-field="material_types"] .errorlist')
    assert "请选择一种或多种材料类型" in types_error.inner_text()
    shot(director, "checklist_errors")

    add = director.locator('form[action^="/archives/checklist/?domain="]')
    add.locator("input[name=label]").fill("财产保全申请书")
    add.locator('input[name=material_types][value="other"]').check()
    add.locator("button[type=submit]").click()
    director.wait_for_load_state("networkidle")
    item = RequiredMaterial.objects.get(
        domain=Domain.LITIGATION, label="财产保全申请书"
    )
    assert item.key in [i.key for i in missing_items(archive)]
    risk = RequiredMaterial.objects.get(domain=Domain.LITIGATION, key="risk_notice")
    director.locator(
        f'form[action="/archives/checklist/{risk.pk}/off/"] button'
    ).click()
    director.wait_for_load_state("networkidle")
    assert "risk_notice" not in [i.key for i in missing_items(archive)]
    shot(director, "checklist_changed")

    # The lawyer's alerts tab shows one unread alert; marking it read clears it.
    lawyer = new_page()
    sign_in(lawyer, base, "staff")
    lawyer.goto(f"{base}/archives/")
    badge = lawyer.locator('.archive-tabs a[href="/archives/alerts/"] .tab-badge')
    assert badge.inner_text() == "1"
    lawyer.locator('.archive-tabs a[href="/archives/alerts/"]').click()
    lawyer.wait_for_load_state("networkidle")
    assert archive.archive_number in lawyer.content()
    shot(lawyer, "alerts")
    alert = ArchiveAlert.objects.get(recipient=firm["staff"])
    lawyer.locator(f'form[action="/archives/alerts/{alert.pk}/read/"] button').click()
    lawyer.wait_for_load_state("networkidle")
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert badge.count() == 0
    lawyer.goto(f"{base}/archives/alerts/?all=1")
    shot(lawyer, "alerts_read")
