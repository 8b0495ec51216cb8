"""The volume's cover and catalog 《档案目录》 (PDF), catalog and ledger (Excel).

Generated from the volume and its materials every time, never typed twice,
so the catalog always matches the materials (SPEC §7.1). PDFs are A4 and
use ReportLab's built-in CJK font ``STSong-Light``, so Chinese renders on a
fresh machine without system fonts. Labels are translatable (English msgids);
the documents come out in the active language (Chinese by default).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lexkeep.archives.models import Archive
from lexkeep.archives.selectors import CatalogRow, catalog_rows
from lexkeep.archives.services._common import archive_policy

FONT = "STSong-Light"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def _lawyers(archive: Archive) -> str:
    return "、".join(u.display_name for u in archive.matter.handling_lawyers.all())


def business_type(archive: Archive) -> str:
    """Return the business type shown on the cover: domain and sub-domain."""
    matter = archive.matter
    parts = [str(matter.get_domain_display())]
    if matter.sub_domain:
        parts.append(str(matter.get_sub_domain_display()))
    return "／".join(parts)


def retention_text(archive: Archive) -> str:
    """Return the retention period as shown on the cover (SPEC §7.3)."""
    if archive.retention_until is None:
        return _("Permanent")
    years = (
        archive.retention_until.year - (archive.retention_from or archive.end_date).year
    )
    return _("%(years)s years (until %(date)s)") % {
        "years": years,
        "date": archive.retention_until.isoformat(),
    }


def _qr(value: str, size: float) -> Drawing:
    widget = qr.QrCodeWidget(value, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0]
    )
    drawing.add(widget)
    return drawing


def _ellipsize(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def cover_pdf(archive: Archive) -> bytes:
    """Return the volume cover 档案封面 as an A4 PDF (SPEC §7.1).

    Archive number, client name, business type, handling lawyer, archive
    class and retention period, with a QR code and a Code 128 barcode of the
    archive number for scanning it open.
    """
    font = _font()
    policy = archive_policy()
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle(f"{archive.archive_number} {_('Archive cover')}")
    width, height = A4
    margin = 22 * mm
    # Double frame, as on a printed archive cover.
    c.setStrokeColor(colors.black)
    c.setLineWidth(2)
    c.rect(
        margin - 6 * mm,
        margin - 6 * mm,
        width - 2 * margin + 12 * mm,
        height - 2 * margin + 12 * mm,
    )
    c.setLineWidth(0.6)
    c.rect(
        margin - 4.5 * mm,
        margin - 4.5 * mm,
        width - 2 * margin + 9 * mm,
        height - 2 * margin + 9 * mm,
    )
    # Archive number box, top right.
    c.setFont(font, 10)
    c.drawRightString(width - margin, height - margin - 2 * mm, _("Archive number"))
    c.setFont(font, 15)
    c.drawRightString(width - margin, height - margin - 9 * mm, archive.archive_number)
    # Firm and title.
    y = height - margin - 42 * mm
    if policy.firm_name:
        c.setFont(font, 20)
        c.drawCentredString(width / 2, y, policy.firm_name)
        y -= 22 * mm
    c.setFont(font, 34)
    c.drawCentredString(width / 2, y, _("Lawyer's business archive"))
    c.setFont(font, 13)
    c.drawCentredString(
        width / 2,
        y - 11 * mm,
        f"{archive.get_archive_class_display()}\u3000{archive.year}",
    )
    # Fields, ruled like a form.
    fields = [
        (_("Archive number"), archive.archive_number),
        (_("Client name"), archive.client.name),
        (_("Matter"), archive.matter.name),
        (_("Case number"), archive.matter.case_number or "—"),
        (_("Business type"), business_type(archive)),
        (_("Handling lawyer"), _lawyers(archive)),
        (_("Archive class"), str(archive.get_archive_class_display())),
        (_("Retention period"), retention_text(archive)),
        (
            _("Closed / filed"),
            f"{_date(archive.end_date)} / {_date(archive.filed_on) or '—'}",
        ),
        (
            _("Location"),
            f"{archive.cabinet.code}\u3000{archive.cabinet.room}\u3000"
            + _("shelf %(shelf)s, box %(box)s")
            % {"shelf": archive.shelf, "box": archive.box}
            if archive.cabinet
            else "—",
        ),
    ]
    label_x = margin + 14 * mm
    value_x = margin + 52 * mm
    line_end = width - margin - 14 * mm
    y -= 32 * mm
    for label, value in fields:
        c.setFont(font, 13)
        c.drawString(label_x, y, label)
        c.drawString(
            value_x + 2 * mm,
            y,
            _ellipsize(c, str(value), font, 13, line_end - value_x - 4 * mm),
        )
        c.setLineWidth(0.5)
        c.line(value_x, y - 2.5 * mm, line_end, y - 2.5 * mm)
        y -= 13 * mm
    # QR code and barcode of the archive number.
    qr_size = 34 * mm
    drawing = _qr(archive.archive_number, qr_size)
    drawing.drawOn(c, width - margin - qr_size - 4 * mm, margin + 6 * mm)
    barcode = code128.Code128(
        archive.archive_number, barHeight=14 * mm, barWidth=0.42 * mm
    )
    barcode.drawOn(c, margin + 4 * mm, margin + 14 * mm)
    c.setFont(font, 10)
    c.drawString(margin + 4 * mm + 8, margin + 8 * mm, archive.archive_number)
    c.setFont(font, 8)
    c.setFillColor(colors.grey)
    c.drawCentredString(
        width / 2,
        margin - 1 * mm,
        _("Confidential. Generated by Lexkeep on %(date)s.")
        % {"date": timezone.localdate().isoformat()},
    )
    c.showPage()
    c.save()
    return out.getvalue()


def _signature(archive: Archive) -> str:
    if archive.reviewed_by and archive.status in ("approved", "filed"):
        return _("Reviewed and signed by %(name)s on %(at)s") % {
            "name": archive.reviewed_by.display_name,
            "at": timezone.localtime(archive.reviewed_at).strftime("%Y-%m-%d %H:%M")
            if archive.reviewed_at
            else "",
        }
    return _("Not reviewed yet")


def catalog_pdf(archive: Archive, rows: list[CatalogRow] | None = None) -> bytes:
    """Return 《档案目录》 as an A4 PDF: sequence, material, pages, remarks.

    Rows come from the materials (SPEC §7.1: the catalog matches them
    exactly); the last row totals the pages; the reviewer's signature
    (identity and time) is printed below once the volume is approved.
    """
    font = _font()
    rows = catalog_rows(archive) if rows is None else rows
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"{archive.archive_number} {_('Archive catalog')}",
    )
    title = ParagraphStyle(
        "t", fontName=font, fontSize=22, leading=28, alignment=TA_CENTER
    )
    normal = ParagraphStyle("n", fontName=font, fontSize=10, leading=13)
    cell = ParagraphStyle("c", fontName=font, fontSize=9.5, leading=12.5)
    head = [
        _("No."),
        _("Material"),
        _("Date"),
        _("Pages"),
        _("Page range"),
        _("Remarks"),
    ]
    data: list[list[Any]] = [head]
    styles: list[tuple[Any, ...]] = []
    previous = None
    for row in rows:
        m = row.material
        if m.category != previous:
            data.append(
                [Paragraph(str(m.get_category_display()), cell), "", "", "", "", ""]
            )
            styles += [
                ("SPAN", (0, len(data) - 1), (-1, len(data) - 1)),
                (
                    "BACKGROUND",
                    (0, len(data) - 1),
                    (-1, len(data) - 1),
                    colors.HexColor("#EEF1F5"),
                ),
            ]
            previous = m.category
        data.append(
            [
                str(row.sequence),
                Paragraph(m.title, cell),
                _date(m.material_date),
                str(m.page_count),
                f"{row.first_page}-{row.last_page}",
                Paragraph(m.remarks, cell),
            ]
        )
    total = sum(r.pages for r in rows)
    data.append(["", _("Total"), "", str(total), f"1-{total}" if total else "", ""])
    table = Table(
        data,
        colWidths=[12 * mm, 70 * mm, 24 * mm, 14 * mm, 22 * mm, 32 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9.5),
                ("FONT", (0, 0), (-1, 0), font, 10.5),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9DEE6")),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
                ("ALIGN", (2, 1), (4, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("FONT", (0, -1), (-1, -1), font, 10.5),
                ("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.black),
                *styles,
            ]
        )
    )
    info = Table(
        [
            [
                _("Archive number"),
                archive.archive_number,
                _("Archive class"),
                str(archive.get_archive_class_display()),
            ],
            [
                _("Client name"),
                Paragraph(archive.client.name, normal),
                _("Handling lawyer"),
                _lawyers(archive),
            ],
            [
                _("Matter"),
                Paragraph(archive.matter.name, normal),
                _("Retention period"),
                retention_text(archive),
            ],
        ],
        colWidths=[24 * mm, 72 * mm, 24 * mm, 54 * mm],
    )
    info.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 10),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#444444")),
                ("TEXTCOLOR", (2, 0), (2, -1), colors.HexColor("#444444")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    signature = Table(
        [[_signature(archive), _("Archivist / reviewer signature: ________")]],
        colWidths=[100 * mm, 74 * mm],
    )
    signature.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 10)]))

    def footer(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, archive.archive_number)
        canvas.drawRightString(
            A4[0] - 18 * mm, 10 * mm, _("Page %(n)s") % {"n": document.page}
        )
        canvas.restoreState()

    doc.build(
        [
            Paragraph(_("Archive catalog"), title),
            Spacer(1, 6 * mm),
            info,
            Spacer(1, 5 * mm),
            table,
            Spacer(1, 8 * mm),
            signature,
        ],
        onFirstPage=footer,
        onLaterPages=footer,
    )
    return out.getvalue()


_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def catalog_xlsx(archive: Archive, rows: list[CatalogRow] | None = None) -> bytes:
    """Return 《档案目录》 as an Excel workbook, from the same rows as the PDF."""
    rows = catalog_rows(archive) if rows is None else rows
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = _("Catalog")[:31]
    sheet.append([f"{_('Archive catalog')} {archive.archive_number}"])
    sheet["A1"].font = Font(size=14, bold=True)
    sheet.append(
        [_("Client name"), archive.client.name, _("Matter"), archive.matter.name]
    )
    header = [
        _("No."),
        _("Category"),
        _("Type"),
        _("Material"),
        _("Date"),
        _("Pages"),
        _("Page range"),
        _("Remarks"),
        _("SHA-256"),
    ]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.border = _BORDER
    for row in rows:
        m = row.material
        sheet.append(
            [
                row.sequence,
                str(m.get_category_display()),
                str(m.get_material_type_display()),
                m.title,
                m.material_date,
                m.page_count,
                f"{row.first_page}-{row.last_page}",
                m.remarks,
                m.sha256,
            ]
        )
    total = sum(r.pages for r in rows)
    sheet.append(["", "", "", _("Total"), "", total, "", "", ""])
    sheet.append([_signature(archive)])
    for column, width in zip(
        "ABCDEFGHI", (6, 16, 16, 40, 12, 8, 12, 30, 20), strict=True
    ):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=4, max_row=3 + len(rows)):
        line[4].number_format = "yyyy-mm-dd"
        line[3].alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ledger_xlsx(archives: Iterable[Archive]) -> bytes:
    """Return the filing ledger 《档案归档台账》 as Excel (SPEC §7.2).

    Archive number, client, business type, filing date, handling lawyer,
    archivist; written in openpyxl's streaming mode for big ledgers.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Filing ledger")[:31])
    sheet.append(
        [
            _("Archive number"),
            _("Client name"),
            _("Business type"),
            _("Filing date"),
            _("Handling lawyer"),
            _("Archivist"),
            _("Archive class"),
            _("Tier"),
            _("Location"),
            _("Retained until"),
        ]
    )
    for archive in archives:
        sheet.append(
            [
                archive.archive_number,
                archive.client.name,
                business_type(archive),
                archive.filed_on,
                archive.handling_lawyer.display_name if archive.handling_lawyer else "",
                archive.filed_by.display_name if archive.filed_by else "",
                str(archive.get_archive_class_display()),
                str(archive.get_client_tier_display()),
                f"{archive.cabinet.code}/{archive.shelf}/{archive.box}"
                if archive.cabinet
                else "",
                archive.retention_until or _("Permanent"),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
