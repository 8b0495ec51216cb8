"""Render a :class:`~lexkeep.service.documents.model.Document` as an Excel file."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from lexkeep.service.documents.model import Document

NAVY = "1F3A5F"
ZEBRA = "F4F6F9"
TOTAL = "E8EDF4"
#: Width of the sheet in characters, shared out by the tables' relative widths.
SHEET_WIDTH = 120


def render_xlsx(doc: Document) -> bytes:
    """Return ``doc`` as one worksheet: head, facts, then each section."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = doc.title[:31]
    widest = max(
        [len(s.table.headers) for s in doc.sections if s.table is not None] + [2]
    )
    thin = Side(style="thin", color="C9D1DC")
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor=NAVY)
    zebra = PatternFill("solid", fgColor=ZEBRA)
    total_fill = PatternFill("solid", fgColor=TOTAL)
    wrap = Alignment(wrap_text=True, vertical="center")
    right = Alignment(horizontal="right", vertical="center")

    sheet.append([doc.firm])
    sheet.append([doc.title])
    sheet["A2"].font = Font(size=16, bold=True, color=NAVY)
    sheet.append([doc.subtitle])
    sheet.append([])
    for label, value in doc.facts:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = Font(color="5B6675")
    for number, section in enumerate(doc.sections, 1):
        sheet.append([])
        sheet.append([f"{number}. {section.heading}"])
        sheet.cell(sheet.max_row, 1).font = Font(size=12, bold=True, color=NAVY)
        for text in section.paragraphs:
            sheet.append([text])
        for bullet in section.bullets:
            sheet.append([f"• {bullet}"])
        for _ in range(section.blank_lines):
            sheet.append([""])
            sheet.cell(sheet.max_row, 1).border = Border(bottom=thin)
        table = section.table
        if table is None:
            continue
        if not table.rows:
            sheet.append([table.empty])
            continue
        sheet.append(list(table.headers))
        for col in range(1, len(table.headers) + 1):
            cell = sheet.cell(sheet.max_row, col)
            cell.font, cell.fill, cell.alignment = head_font, head_fill, wrap
        for index, row in enumerate(table.rows):
            sheet.append(list(row))
            for col in range(1, len(row) + 1):
                cell = sheet.cell(sheet.max_row, col)
                cell.alignment = right if col - 1 in table.numeric else wrap
                cell.border = Border(bottom=thin)
                if index % 2:
                    cell.fill = zebra
        if table.total:
            sheet.append(list(table.total))
            for col in range(1, len(table.total) + 1):
                cell = sheet.cell(sheet.max_row, col)
                cell.font, cell.fill = Font(bold=True), total_fill
                if col - 1 in table.numeric:
                    cell.alignment = right
    for line in doc.closing:
        sheet.append([])
        sheet.append([line])
    sheet.append([])
    sheet.append([doc.footer])
    for col in range(1, widest + 1):
        sheet.column_dimensions[get_column_letter(col)].width = max(
            14, SHEET_WIDTH // widest
        )
    sheet.column_dimensions["A"].width = 34
    sheet.sheet_view.showGridLines = False
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
