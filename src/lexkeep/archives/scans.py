"""Generate realistic scanned pages (A4, 300 DPI) for the demo and benchmark.

A page is a greyscale JPEG of 2480 × 3508 pixels (A4 at 300 DPI) with
lines of "text", a heading band and a seal; :func:`assemble_pdf` wraps such
JPEGs into a PDF without re-encoding them, drawn full-page on A4, so each
page measures exactly 300 DPI.
"""

from __future__ import annotations

import io
import random

import pikepdf
from PIL import Image, ImageDraw, ImageFilter

A4_PX_300 = (2480, 3508)
A4_PT = (595.276, 841.89)


def scan_page_jpeg(seed: int, *, quality: int = 35, dpi: int = 300) -> bytes:
    """Return one page scan as JPEG bytes: A4 at ``dpi`` with text-like lines."""
    rng = random.Random(seed)  # noqa: S311 - picture noise, not crypto
    width = round(A4_PX_300[0] * dpi / 300)
    height = round(A4_PX_300[1] * dpi / 300)
    scale = dpi / 300
    page = Image.new("L", (width, height), 246)
    draw = ImageDraw.Draw(page)
    margin = int(230 * scale)
    draw.rectangle(
        (
            width // 2 - int(420 * scale),
            int(260 * scale),
            width // 2 + int(420 * scale),
            int(330 * scale),
        ),
        fill=40,
    )
    y = int(470 * scale)
    while y < height - int(420 * scale):
        if rng.random() < 0.12:
            y += int(70 * scale)
            continue
        x = margin + (int(90 * scale) if rng.random() < 0.15 else 0)
        end = width - margin - (rng.randint(0, 900) if rng.random() < 0.2 else 0)
        while x < end:
            glyph = rng.randint(int(34 * scale), int(44 * scale))
            shade = rng.randint(20, 90)
            draw.rectangle((x, y, x + glyph, y + int(40 * scale)), fill=shade)
            x += glyph + int(10 * scale)
        y += int(78 * scale)
    cx, cy, r = width - int(700 * scale), height - int(700 * scale), int(190 * scale)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=110, width=int(14 * scale))
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    page.save(out, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=False)
    return out.getvalue()


def assemble_pdf(pages: list[bytes], *, dpi: int = 300) -> bytes:
    """Return a PDF with one A4 page per JPEG, each drawn full-page."""
    pdf = pikepdf.Pdf.new()
    for jpeg in pages:
        with Image.open(io.BytesIO(jpeg)) as im:
            width, height = im.size
        image = pikepdf.Stream(pdf, jpeg)
        image.Type = pikepdf.Name.XObject
        image.Subtype = pikepdf.Name.Image
        image.Width, image.Height = width, height
        image.ColorSpace = pikepdf.Name.DeviceGray
        image.BitsPerComponent = 8
        image.Filter = pikepdf.Name.DCTDecode
        shown_w, shown_h = width * 72 / dpi, height * 72 / dpi
        content = f"q {shown_w:.4f} 0 0 {shown_h:.4f} 0 0 cm /Im0 Do Q".encode()
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(shown_w, 4), round(shown_h, 4)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=pikepdf.Stream(pdf, content),
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
