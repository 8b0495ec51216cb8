"""Cover and catalog: generated from the materials, A4, Chinese renders."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pikepdf
import pytest
from openpyxl import load_workbook

from lexkeep.archives.documents import catalog_pdf, catalog_xlsx, cover_pdf, ledger_xlsx
from lexkeep.archives.selectors import catalog_rows
from lexkeep.archives.services import (
    REVIEW_CHECKLIST,
    archive_file,
    archive_review,
    archive_submit,
    material_reorder,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "documents"


def _filed(closed_archive, fill, firm, cabinet):
    archive = closed_archive(case_number="（2025）京0105民初1234号")
    fill(archive)
    archive = archive_submit(actor=firm["staff"], archive=archive)
    archive = archive_review(
        actor=firm["archivist"],
        archive=archive,
        approve=True,
        checklist=dict.fromkeys(REVIEW_CHECKLIST, True),
    )
    return archive_file(
        actor=firm["archivist"], archive=archive, cabinet=cabinet(), shelf=1, box=2
    )


def _text(pdf: bytes) -> str:
    out = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return out.stdout.decode()


def test_catalog_equals_the_materials(closed_archive, fill, firm, cabinet):
    archive = _filed(closed_archive, fill, firm, cabinet)
    rows = catalog_rows(archive)
    materials = list(archive.materials.all())
    assert [r.sequence for r in rows] == list(range(1, len(materials) + 1))
    assert {r.material.pk for r in rows} == {m.pk for m in materials}
    assert sum(r.pages for r in rows) == sum(m.page_count for m in materials)
    # Binding order: categories in order, pages numbered continuously.
    ranks = [r.material.category for r in rows]
    assert ranks == sorted(
        ranks,
        key=[
            "identity_engagement",
            "business_handling",
            "communication",
            "fees",
        ].index,
    )
    assert rows[-1].last_page == sum(m.page_count for m in materials)
    # Excel: same sequence, titles, pages and total.
    book = load_workbook(io.BytesIO(catalog_xlsx(archive)))
    sheet = book.active
    body = [r for r in sheet.iter_rows(min_row=4, values_only=True)][: len(rows)]
    assert [(b[0], b[3], b[5]) for b in body] == [
        (r.sequence, r.material.title, r.pages) for r in rows
    ]
    total_row = list(sheet.iter_rows(min_row=4 + len(rows), values_only=True))[0]
    assert total_row[5] == sum(r.pages for r in rows)
    # PDF: every title, the total and the reviewer's signature.
    text = _text(catalog_pdf(archive))
    for row in rows:
        assert row.material.title in text
    assert str(sum(r.pages for r in rows)) in text
    assert firm["archivist"].display_name in text


def test_reorder_within_a_category_changes_the_catalog(closed_archive, fill, firm):
    archive = closed_archive()
    fill(archive)
    ids = list(
        archive.materials.filter(category="identity_engagement")
        .order_by("position")
        .values_list("pk", flat=True)
    )
    material_reorder(
        actor=firm["staff"],
        archive=archive,
        category="identity_engagement",
        order=list(reversed(ids)),
    )
    assert [r.material.pk for r in catalog_rows(archive)][: len(ids)] == list(
        reversed(ids)
    )


def test_cover_is_a4_with_number_and_chinese(closed_archive, fill, firm, cabinet):
    archive = _filed(closed_archive, fill, firm, cabinet)
    pdf = cover_pdf(archive)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        box = [round(float(v)) for v in doc.pages[0].mediabox]
    assert box == [0, 0, 595, 842]
    text = _text(pdf)
    assert archive.archive_number in text
    assert archive.client.name in text
    assert firm["staff"].display_name in text
    if os.environ.get("LEXKEEP_WRITE_DOCUMENTS"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "cover.pdf").write_bytes(pdf)
        (ARTIFACTS / "catalog.pdf").write_bytes(catalog_pdf(archive))


def test_ledger_lists_filed_volumes(closed_archive, fill, firm, cabinet):
    archive = _filed(closed_archive, fill, firm, cabinet)
    book = load_workbook(io.BytesIO(ledger_xlsx([archive])))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == archive.archive_number
    assert rows[1][1] == archive.client.name
    assert rows[1][5] == firm["archivist"].display_name


@pytest.mark.parametrize("pages", [60])
def test_long_catalog_spans_pages(closed_archive, firm, pages):
    from lexkeep.archives.services import material_add

    archive = closed_archive()
    for n in range(pages):
        material_add(
            actor=firm["staff"],
            archive=archive,
            category="communication",
            material_type="email",
            title=f"往来邮件 {n + 1}",
            page_count=2,
        )
    with pikepdf.open(io.BytesIO(catalog_pdf(archive))) as doc:
        assert len(doc.pages) >= 2
