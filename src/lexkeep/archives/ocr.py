"""Optional text extraction (OCR) of archive scans for full-text search.

Runs only when OCRmyPDF and tesseract with the ``chi_sim`` language are
installed (ARCHITECTURE "scans"); otherwise the feature reports itself off
and nothing fails. The text is stored encrypted with the volume's own data
key. To search it without decrypting every volume, each material also keeps
a keyed index: the HMAC (blind index) of every 3-character window of the
text; a query's windows must all be present, and the candidates are then
confirmed by decrypting their text.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from lexkeep.core.crypto import blind_index

OCR_LANGUAGES = "chi_sim+eng"
_TOKEN_CHARS = 16
_TIMEOUT_S = 600


def ocr_available() -> bool:
    """Return whether OCRmyPDF and tesseract ``chi_sim`` are installed."""
    ocrmypdf = shutil.which("ocrmypdf")
    tesseract = shutil.which("tesseract")
    if not ocrmypdf or not tesseract:
        return False
    try:
        listed = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [tesseract, "--list-langs"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return "chi_sim" in (listed.stdout + listed.stderr).split()


def extract_text(data: bytes, *, kind: str) -> str:
    """Return the text OCRmyPDF reads from a PDF or image (raises on failure)."""
    ocrmypdf = shutil.which("ocrmypdf") or "ocrmypdf"
    with tempfile.TemporaryDirectory(prefix="lexkeep-ocr-") as tmp:
        folder = Path(tmp)
        source = folder / f"in.{'pdf' if kind == 'pdf' else kind}"
        source.write_bytes(data)
        sidecar = folder / "text.txt"
        argv = [
            ocrmypdf,
            "-l",
            OCR_LANGUAGES,
            "--skip-text",
            "--sidecar",
            str(sidecar),
            str(source),
            str(folder / "out.pdf"),
        ]
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            argv, capture_output=True, timeout=_TIMEOUT_S, check=True
        )
        return sidecar.read_text(encoding="utf-8", errors="replace")


def _grams(text: str) -> set[str]:
    compact = "".join(text.split()).lower()
    return {compact[i : i + 3] for i in range(max(len(compact) - 2, 0))}


def index_tokens(text: str) -> str:
    """Return the keyed 3-gram index of ``text`` as ``" tok tok … "``."""
    tokens = sorted(
        blind_index(gram, purpose="archives.ocr")[:_TOKEN_CHARS]
        for gram in _grams(text)
    )
    return " " + " ".join(tokens) + " " if tokens else ""


def query_tokens(query: str) -> list[str]:
    """Return the index tokens a text containing ``query`` must hold."""
    return sorted(
        {
            blind_index(gram, purpose="archives.ocr")[:_TOKEN_CHARS]
            for gram in _grams(query)
        }
    )
