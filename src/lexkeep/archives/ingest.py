"""Inspect an uploaded scan before it is stored (SPEC §7.2: at least 300 DPI).

Nothing here writes anything: :func:`inspect_scan` reads the bytes and either
returns what it found (kind, pages, lowest resolution) or refuses the file
with a ``ValidationError`` on ``file`` that says why, naming the file, and
for a low resolution the page and the measured DPI.

How resolution is measured (decision):

* **Images** (PNG, JPEG, TIFF): the resolution the file records (Pillow's
  ``info["dpi"]``, every frame of a TIFF). A file that records none is
  refused: a scanner always writes it, and guessing from an assumed paper
  size would let a phone photo or screenshot pass as a scan.
* **PDF**: each page's content stream is walked (pikepdf), tracking the
  transformation matrix (``q``/``Q``/``cm``, form XObjects); for every image
  drawn, effective DPI = pixel width / displayed width in inches (and the
  same for height; the lower counts). A page's resolution is the lowest of
  its images that cover at least a tenth of the page; a page with no such
  image (born-digital text) has no scan resolution and is not refused.
* Values are rounded to whole DPI before the comparison (a 300 DPI PNG
  stores 11,811 px/m, i.e. 299.9994 DPI).
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import pikepdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

#: A page image covering at least this share of the page is a scan of it.
SCAN_AREA_FRACTION = 0.1
_MAX_FORM_DEPTH = 8

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".tif": "tiff",
    ".tiff": "tiff",
}
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
}
_PIL_FORMATS = {"PNG": "png", "JPEG": "jpeg", "MPO": "jpeg", "TIFF": "tiff"}

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class ScanInfo:
    """What an accepted file holds: kind, pages and lowest resolution."""

    kind: str
    content_type: str
    pages: int
    min_dpi: int | None


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def detect_kind(data: bytes) -> str | None:
    """Return the file kind its first bytes (magic number) show, if known."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def multiply(m1: Matrix, m2: Matrix) -> Matrix:
    """Return ``m1 × m2`` of two PDF matrices ``(a, b, c, d, e, f)``."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _matrix(values: Any) -> Matrix:
    nums = [float(v) for v in values]
    if len(nums) != 6:
        return IDENTITY
    return (nums[0], nums[1], nums[2], nums[3], nums[4], nums[5])


def _drawn(width_px: float, height_px: float, ctm: Matrix) -> tuple[float, float]:
    """Return (DPI, displayed area in pt²) of an image drawn with ``ctm``."""
    a, b, c, d, _e, _f = ctm
    shown_w = math.hypot(a, b)
    shown_h = math.hypot(c, d)
    if shown_w <= 0 or shown_h <= 0:
        return math.inf, 0.0
    dpi = min(width_px / (shown_w / 72.0), height_px / (shown_h / 72.0))
    return dpi, abs(a * d - b * c)


def _walk(
    stream: Any,
    resources: Any,
    ctm: Matrix,
    found: list[tuple[float, float]],
    depth: int = 0,
) -> None:
    """Collect (DPI, area) of every image drawn by ``stream``."""
    stack: list[Matrix] = []
    xobjects = resources.get("/XObject") if resources is not None else None
    for instruction in pikepdf.parse_content_stream(stream):
        operands, operator = instruction.operands, instruction.operator
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = multiply(_matrix(operands), ctm)
        elif isinstance(instruction, pikepdf.ContentStreamInlineImage):
            image = instruction.iimage
            found.append(_drawn(float(image.width), float(image.height), ctm))
        elif op == "Do" and xobjects is not None:
            xobj = xobjects.get(operands[0])
            if xobj is None:
                continue
            subtype = xobj.get("/Subtype")
            if subtype == "/Image":
                found.append(_drawn(float(xobj.Width), float(xobj.Height), ctm))
            elif subtype == "/Form" and depth < _MAX_FORM_DEPTH:
                form_ctm = multiply(_matrix(xobj.get("/Matrix", IDENTITY)), ctm)
                _walk(
                    xobj,
                    xobj.get("/Resources", resources),
                    form_ctm,
                    found,
                    depth + 1,
                )


def pdf_page_dpis(pdf: pikepdf.Pdf) -> list[int | None]:
    """Return each page's scan resolution in DPI (``None``: no page image)."""
    result: list[int | None] = []
    for page in pdf.pages:
        box = [float(v) for v in page.mediabox]
        page_area = abs((box[2] - box[0]) * (box[3] - box[1])) or 1.0
        found: list[tuple[float, float]] = []
        _walk(page.obj, page.obj.get("/Resources"), IDENTITY, found)
        scans = [dpi for dpi, area in found if area >= SCAN_AREA_FRACTION * page_area]
        result.append(round(min(scans)) if scans else None)
    return result


def _inspect_pdf(data: bytes, name: str, min_dpi: int) -> ScanInfo:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise _refuse(
            _("%(name)s is password-protected; upload it without a password.")
            % {"name": name}
        ) from None
    except (pikepdf.PdfError, ValueError, RuntimeError):
        raise _refuse(
            _("%(name)s cannot be read: it is damaged or not a PDF.") % {"name": name}
        ) from None
    with pdf:
        if pdf.is_encrypted:
            raise _refuse(
                _("%(name)s is encrypted; upload it without protection.")
                % {"name": name}
            )
        try:
            dpis = pdf_page_dpis(pdf)
        except (pikepdf.PdfError, ValueError, KeyError, AttributeError):
            raise _refuse(
                _("%(name)s cannot be read: a page is damaged.") % {"name": name}
            ) from None
    if not dpis:
        raise _refuse(_("%(name)s has no pages.") % {"name": name})
    _check_dpis(dpis, name, min_dpi)
    measured = [d for d in dpis if d is not None]
    return ScanInfo("pdf", CONTENT_TYPES["pdf"], len(dpis), min(measured, default=None))


def _check_dpis(dpis: list[int | None], name: str, min_dpi: int) -> None:
    for number, dpi in enumerate(dpis, start=1):
        if dpi is not None and dpi < min_dpi:
            raise _refuse(
                _(
                    "%(name)s, page %(page)s: scanned at %(dpi)s DPI; scans must be "
                    "at least %(min)s DPI."
                )
                % {"name": name, "page": number, "dpi": dpi, "min": min_dpi}
            )


def _inspect_image(data: bytes, kind: str, name: str, min_dpi: int) -> ScanInfo:
    unreadable = _("%(name)s cannot be read: the image is damaged.") % {"name": name}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if _PIL_FORMATS.get(image.format or "") != kind:
                    raise _refuse(unreadable)
                dpis: list[int | None] = []
                for frame in range(getattr(image, "n_frames", 1)):
                    image.seek(frame)
                    image.load()
                    raw = image.info.get("dpi")
                    if not raw or not raw[0] or not raw[1]:
                        raise _refuse(
                            _(
                                "%(name)s, page %(page)s records no resolution; scan "
                                "it again at %(min)s DPI or more."
                            )
                            % {"name": name, "page": frame + 1, "min": min_dpi}
                        )
                    dpis.append(round(min(float(raw[0]), float(raw[1]))))
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("%(name)s has too many pixels to be a page scan.") % {"name": name}
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _refuse(unreadable) from None
    _check_dpis(dpis, name, min_dpi)
    return ScanInfo(kind, CONTENT_TYPES[kind], len(dpis), min(d for d in dpis if d))


def inspect_scan(*, data: bytes, name: str, min_dpi: int, max_bytes: int) -> ScanInfo:
    """Return what the file ``name`` holds, or refuse it (SPEC §7.2).

    Refused: larger than ``max_bytes``; an extension that is not PDF, PNG,
    JPEG or TIFF, or that does not match the content (magic bytes);
    unreadable; password-protected or encrypted; any scanned page under
    ``min_dpi``.
    """
    if len(data) > max_bytes:
        raise _refuse(
            _("%(name)s is %(size)s MB; files may be at most %(max)s MB.")
            % {
                "name": name,
                "size": math.ceil(len(data) / 1024 / 1024),
                "max": max_bytes // (1024 * 1024),
            }
        )
    if not data:
        raise _refuse(_("%(name)s is empty.") % {"name": name})
    suffix = PurePath(name).suffix.lower()
    claimed = EXTENSIONS.get(suffix)
    if claimed is None:
        raise _refuse(
            _("%(name)s: only PDF, PNG, JPEG and TIFF files are accepted.")
            % {"name": name}
        )
    actual = detect_kind(data)
    if actual != claimed:
        raise _refuse(
            _("%(name)s is named %(ext)s but its content is %(actual)s.")
            % {
                "name": name,
                "ext": suffix,
                "actual": actual.upper() if actual else _("not a PDF or image"),
            }
        )
    if actual == "pdf":
        return _inspect_pdf(data, name, min_dpi)
    return _inspect_image(data, actual, name, min_dpi)
