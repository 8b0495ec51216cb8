"""The service report and fee statement: PDF with Chinese, Excel, encrypted."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook

from lexkeep.core.models import AuditEntry
from lexkeep.matters.models import FeeReceipt
from lexkeep.service.documents.content import service_report
from lexkeep.service.services import duty_document_read, duty_documents_generate
from tests.service.conftest import d, live

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def key_client(firm, mk_client, mk_matter, hearing, sweep):
    client = mk_client("key", name="北京星河科技有限公司", owner=firm["senior"])
    matter = mk_matter(
        client,
        name="星河诉天成买卖合同纠纷",
        case_number="(2026)京0105民初123号",
        filing_date=d("2026-02-10"),
        agreed_fee=Decimal("300000"),
        handling=[firm["senior"]],
    )
    hearing(matter, d("2026-04-15"))
    FeeReceipt.objects.create(
        matter=matter, amount=Decimal("120000"), received_on=d("2026-03-05")
    )
    sweep(d("2026-03-20"))
    return client


@pytest.fixture
def ordinary_client(firm, mk_client, mk_matter, sweep):
    client = mk_client("ordinary", name="张伟", owner=firm["staff"])
    matter = mk_matter(client, name="张伟劳动争议", agreed_fee=Decimal("20000"))
    FeeReceipt.objects.create(
        matter=matter,
        amount=Decimal("8000.50"),
        received_on=d("2026-03-12"),
        note="首期",
    )
    sweep(d("2026-03-20"))
    return client


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603
        [exe, "-layout", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode()


def _render_png(pdf: bytes, stem: str) -> None:
    """Render page 1 at 60 DPI into tests/artifacts for a human to look at."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{stem}.pdf"
    path.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        [
            exe,
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(ARTIFACTS / stem),
        ],
        check=True,
    )


def test_service_report_pdf_renders_chinese(firm, key_client, tmp_path):
    duty = live(key_client, "key-service-report")[0]
    pdf, xlsx = duty_documents_generate(
        duty=duty, actor=firm["senior"], today=d("2026-03-20")
    )
    assert (pdf.format, xlsx.format) == ("pdf", "xlsx")
    assert pdf.data_key.scope == f"clients.client:{key_client.pk}"
    data = duty_document_read(actor=firm["senior"], document=pdf)
    assert data.startswith(b"%PDF")
    text = _pdftotext(data, tmp_path)
    assert "北京星河科技有限公司" in text
    assert "星河诉天成买卖合同纠纷" in text
    assert "2026-04-15" in text  # the upcoming hearing
    assert AuditEntry.objects.filter(action="duty.document_downloaded").exists()
    _render_png(data, "service-report")


def test_service_report_excel(firm, key_client):
    duty = live(key_client, "key-service-report")[0]
    _pdf, xlsx = duty_documents_generate(
        duty=duty, actor=firm["senior"], today=d("2026-03-20")
    )
    book = load_workbook(
        io.BytesIO(duty_document_read(actor=firm["senior"], document=xlsx))
    )
    values = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "北京星河科技有限公司" in values
    assert "星河诉天成买卖合同纠纷" in values


def test_fee_statement_amounts(firm, ordinary_client, tmp_path):
    duty = live(ordinary_client, "ordinary-fee-statement")[0]
    pdf, xlsx = duty_documents_generate(
        duty=duty, actor=firm["staff"], today=d("2026-03-20")
    )
    text = _pdftotext(duty_document_read(actor=firm["staff"], document=pdf), tmp_path)
    assert "张伟劳动争议" in text and "¥20,000.00" in text and "¥11,999.50" in text
    book = load_workbook(
        io.BytesIO(duty_document_read(actor=firm["staff"], document=xlsx))
    )
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    matter_row = next(r for r in rows if r[0] == "张伟劳动争议")
    assert matter_row[2:6] == ["¥20,000.00", "¥8,000.50", "¥8,000.50", "¥11,999.50"]
    _render_png(duty_document_read(actor=firm["staff"], document=pdf), "fee-statement")


def test_only_those_who_see_the_client_generate(firm, key_client):
    from django.core.exceptions import PermissionDenied

    duty = live(key_client, "key-service-report")[0]
    with pytest.raises(PermissionDenied):
        duty_documents_generate(duty=duty, actor=firm["staff"])


def test_service_report_alerts_and_recommendations(firm, key_client, log):
    """The draft lists the risks (overdue duties, personal channels, a
    hearing close and unconfirmed) and leaves the recommendations to the
    client manager (issue: the quarterly 《客户服务报告》 draft)."""
    log(key_client, "personal_wechat", d("2026-03-02"))
    duty = live(key_client, "key-service-report")[0]
    with translation.override("en"):
        report = service_report(duty, today=d("2026-04-05"), firm_name="Lexkeep")
    sections = {section.heading: section for section in report.sections}
    alerts = sections["Risk alerts"].bullets
    assert any("Phone call" in a and "is overdue" in a for a in alerts), alerts
    assert "1 contacts used a personal channel (WeChat or QQ)." in alerts
    assert any(
        "星河诉天成买卖合同纠纷" in a and "2026-04-15" in a and "not yet confirmed" in a
        for a in alerts
    ), alerts
    recommendations = sections["Recommendations"]
    assert recommendations.blank_lines >= 5
    assert recommendations.paragraphs == ["To be completed by the client manager."]
