"""Store and search the OCR text of archive scans, encrypted per volume."""

from __future__ import annotations

import logging
import subprocess

from django.db.models import QuerySet

from lexkeep.archives.choices import OcrStatus
from lexkeep.archives.ingest import detect_kind
from lexkeep.archives.models import Material
from lexkeep.archives.ocr import extract_text, index_tokens, query_tokens
from lexkeep.core.crypto import decrypt_bytes, encrypt_bytes

logger = logging.getLogger(__name__)
OCR_AAD = b"lexkeep-archive-ocr"
#: Candidates decrypted at most per search to confirm a match.
MAX_CONFIRM = 500


def material_ocr(*, material: Material) -> str:
    """Extract, encrypt and index the text of ``material``'s scan.

    The text is encrypted with the volume's data key (ARCHITECTURE: OCR
    text stays encrypted like the file); a failure marks the material
    ``failed`` and never raises into the worker.
    """
    from lexkeep.archives.services.materials import archive_store

    if material.data_key is None or not material.blob_name:
        return "skipped"
    try:
        data = archive_store().get(material.blob_name, data_key=material.data_key)
        text = extract_text(data, kind=detect_kind(data) or "pdf")
    except (subprocess.SubprocessError, OSError, ValueError) as exc:
        logger.warning("OCR of material %s failed: %s", material.pk, exc)
        Material.objects.filter(pk=material.pk).update(ocr_status=OcrStatus.FAILED)
        return "failed"
    Material.objects.filter(pk=material.pk).update(
        ocr_text=encrypt_bytes(
            text.encode("utf-8"), data_key=material.data_key, aad=OCR_AAD
        ),
        ocr_index=index_tokens(text),
        ocr_status=OcrStatus.DONE,
    )
    return "done"


def material_ocr_text(material: Material) -> str:
    """Return the decrypted OCR text of ``material`` ("" if none)."""
    if not material.ocr_text or material.data_key is None:
        return ""
    plain = decrypt_bytes(
        bytes(material.ocr_text), data_key=material.data_key, aad=OCR_AAD
    )
    return plain.decode("utf-8")


def archive_ids_with_text(query: str, materials: QuerySet[Material]) -> set[int]:
    """Return ids of archives whose OCR text contains ``query``.

    ``materials`` is already limited to what the user may see. The keyed
    3-gram index narrows the candidates; their text is then decrypted to
    confirm. Queries under 3 characters do not search text.
    """
    tokens = query_tokens(query)
    if not tokens:
        return set()
    candidates = materials.filter(ocr_status=OcrStatus.DONE)
    for token in tokens:
        candidates = candidates.filter(ocr_index__contains=f" {token} ")
    needle = "".join(query.split()).lower()
    found: set[int] = set()
    for material in candidates.select_related("data_key")[:MAX_CONFIRM]:
        if needle in "".join(material_ocr_text(material).split()).lower():
            found.add(material.archive_id)
    return found
