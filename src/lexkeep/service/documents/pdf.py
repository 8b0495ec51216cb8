"""Render a :class:`~lexkeep.service.documents.model.Document` as an A4 PDF.

ReportLab with its built-in CJK CID font (STSong-Light): Chinese renders
on a fresh machine without any system font (ARCHITECTURE "documents").
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from lexkeep.service.documents.model import Document, Section
from lexkeep.service.documents.model import Table as TableSpec

FONT = "STSong-Light"
NAVY = colors.HexColor("#1F3A5F")
ACCENT = colors.HexColor("#B08D57")
RULE = colors.HexColor("#C9D1DC")
ZEBRA = colors.HexColor("#F4F6F9")
INK = colors.HexColor("#1C2430")
MUTED = colors.HexColor("#5B6675")
MARGIN = 18 * mm


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "base",
        fontName=FONT,
        fontSize=9.5,
        leading=14,
        textColor=INK,
        wordWrap="CJK",
    )
    return {
        "base": base,
        "firm": ParagraphStyle(
            "firm", parent=base, fontSize=10, textColor=MUTED, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=20,
            leading=28,
            textColor=NAVY,
            alignment=TA_CENTER,
            spaceBefore=2,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=11, textColor=MUTED, alignment=TA_CENTER
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontSize=12,
            leading=18,
            textColor=NAVY,
            spaceBefore=12,
            spaceAfter=5,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.8, leading=12),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=8.8, leading=12, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle(
            "head", parent=base, fontSize=8.8, leading=12, textColor=colors.white
        ),
        "head_right": ParagraphStyle(
            "head_right",
            parent=base,
            fontSize=8.8,
            leading=12,
            textColor=colors.white,
            alignment=TA_RIGHT,
        ),
        "fact_label": ParagraphStyle(
            "fact_label", parent=base, fontSize=8.8, textColor=MUTED
        ),
        "muted": ParagraphStyle("muted", parent=base, textColor=MUTED),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _facts(doc: Document, styles: dict[str, ParagraphStyle], width: float) -> Table:
    cells: list[list[Any]] = []
    pairs = list(doc.facts)
    for i in range(0, len(pairs), 2):
        row: list[Any] = []
        for label, value in pairs[i : i + 2]:
            row += [_p(label, styles["fact_label"]), _p(value, styles["base"])]
        while len(row) < 4:
            row.append("")
        cells.append(row)
    table = Table(
        cells, colWidths=[width * 0.14, width * 0.36, width * 0.14, width * 0.36]
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                ("LINEABOVE", (0, 0), (-1, 0), 1.2, NAVY),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _table(
    spec: TableSpec, styles: dict[str, ParagraphStyle], width: float
) -> list[Any]:
    if not spec.rows:
        return [_p(spec.empty, styles["muted"])]
    count = len(spec.headers)
    widths = spec.widths or [1 / count] * count

    def cell(text: str, col: int, head: bool = False) -> Paragraph:
        right = col in spec.numeric
        if head:
            return _p(text, styles["head_right" if right else "head"])
        return _p(text, styles["cell_right" if right else "cell"])

    data: list[list[Any]] = [[cell(h, i, True) for i, h in enumerate(spec.headers)]]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in spec.rows]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for r in range(2, len(data), 2):
        commands.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
    if spec.total:
        data.append([cell(v, i) for i, v in enumerate(spec.total)])
        commands += [
            ("LINEABOVE", (0, -1), (-1, -1), 1.0, NAVY),
            ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#E8EDF4")),
        ]
    table = Table(data, colWidths=[width * w for w in widths], repeatRows=1)
    table.setStyle(TableStyle(commands))
    return [table]


def _section(
    number: int, section: Section, styles: dict[str, ParagraphStyle], width: float
) -> list[Any]:
    heading = Table(
        [[_p(f"{number}. {section.heading}", styles["heading"])]],
        colWidths=[width],
    )
    heading.setStyle(
        TableStyle(
            [
                ("LINEBEFORE", (0, 0), (0, 0), 3, ACCENT),
                ("LEFTPADDING", (0, 0), (0, 0), 8),
                ("TOPPADDING", (0, 0), (0, 0), 0),
                ("BOTTOMPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    flow: list[Any] = [Spacer(1, 8), heading, Spacer(1, 4)]
    flow += [_p(text, styles["base"]) for text in section.paragraphs]
    if section.paragraphs and (section.table or section.bullets):
        flow.append(Spacer(1, 4))
    if section.table is not None:
        flow += _table(section.table, styles, width)
    for bullet in section.bullets:
        flow.append(Paragraph(escape(bullet), styles["base"], bulletText="•"))
    if section.blank_lines:
        lines = Table(
            [[""] for _ in range(section.blank_lines)],
            colWidths=[width],
            rowHeights=[20] * section.blank_lines,
        )
        lines.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, RULE),
                    ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                ]
            )
        )
        flow += [Spacer(1, 4), lines]
    return [KeepTogether(flow[:4]), *flow[4:]]


def render_pdf(doc: Document) -> bytes:
    """Return ``doc`` as an A4 PDF."""
    _register_font()
    styles = _styles()
    buffer = io.BytesIO()
    width = A4[0] - 2 * MARGIN

    def decorate(canvas: Any, template: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(2)
        canvas.line(MARGIN, A4[1] - 12 * mm, A4[0] - MARGIN, A4[1] - 12 * mm)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, doc.footer)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"{doc.firm}  {template.page}")
        canvas.restoreState()

    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{doc.title} {doc.subtitle}",
        author=doc.firm,
    )
    story: list[Any] = [
        _p(doc.firm, styles["firm"]),
        _p(doc.title, styles["title"]),
        _p(doc.subtitle, styles["subtitle"]),
        Spacer(1, 10),
        _facts(doc, styles, width),
    ]
    for number, section in enumerate(doc.sections, 1):
        story += _section(number, section, styles, width)
    if doc.closing:
        story.append(Spacer(1, 14))
        story += [_p(line, styles["base"]) for line in doc.closing]
    template.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
