"""Fixity: re-hash every stored file and compare with the records (SPEC §7.3).

Stored blobs are named by the SHA-256 of their (encrypted) bytes, so the
check needs no key and runs even for volumes whose key was destroyed. A run
reports:

* **altered** — a blob whose bytes no longer hash to its name;
* **missing** — an archive file recorded on a material but absent;
* **orphaned** — a blob no record refers to (e.g. left by a transaction
  rolled back around an ingest); reported, not a failure.

Every run is kept (``FixityRun``); a run with a missing or altered file
alerts the archivists in the app and by email.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.archives.models import ArchiveAlert, FixityRun, Material
from lexkeep.core.storage import CHUNK_SIZE, EncryptedContentStore

#: Every (model, field) that names a stored blob; other apps add theirs here
#: so their files are not reported as orphaned.
BLOB_REFERENCES: tuple[tuple[str, str], ...] = (
    ("archives.Material", "blob_name"),
    ("matters.ConflictCheck", "waiver_document_blob"),
)


@dataclass
class FixityReport:
    """What one pass over the store found."""

    checked: int = 0
    checked_bytes: int = 0
    altered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.altered and not self.missing


def blob_digest(store: EncryptedContentStore, name: str) -> tuple[str, int] | None:
    """Return (SHA-256 hex, size) of the stored bytes of ``name``, or None."""
    storage = store.storage
    if isinstance(storage, FileSystemStorage):
        try:
            with open(storage.path(name), "rb") as fh:  # noqa: PTH123 - raw speed
                digest = hashlib.file_digest(fh, "sha256")
                return digest.hexdigest(), fh.tell()
        except FileNotFoundError:
            return None
    if not storage.exists(name):
        return None
    h = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as fh:
        for chunk in fh.chunks(CHUNK_SIZE):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def referenced_blobs() -> set[str]:
    """Return every blob name a record of any app refers to."""
    names: set[str] = set()
    for model_label, field_name in BLOB_REFERENCES:
        try:
            model = apps.get_model(model_label)
        except LookupError:
            continue
        names.update(
            n
            for n in model._default_manager.exclude(**{field_name: ""})
            .values_list(field_name, flat=True)
            .iterator(chunk_size=5000)
            if n
        )
    return names


def fixity_scan(store: EncryptedContentStore) -> FixityReport:
    """Re-hash every blob in ``store`` and compare with the records."""
    report = FixityReport()
    present: set[str] = set()
    for name in store.iter_names():
        present.add(name)
        result = blob_digest(store, name)
        report.checked += 1
        if result is None:
            report.altered.append(name)
            continue
        digest, size = result
        report.checked_bytes += size
        if digest != name.rsplit("/", 1)[-1]:
            report.altered.append(name)
    archive_files = set(
        Material.objects.exclude(blob_name="")
        .values_list("blob_name", flat=True)
        .iterator(chunk_size=5000)
    )
    report.missing = sorted(archive_files - present)
    report.orphaned = sorted(present - referenced_blobs())
    return report


def _describe(names: list[str]) -> list[dict[str, object]]:
    """Return each blob name with the material and archive it belongs to."""
    rows = {
        m["blob_name"]: m
        for m in Material.objects.filter(blob_name__in=names).values(
            "blob_name", "pk", "file_name", "archive_id", "archive__archive_number"
        )
    }
    described: list[dict[str, object]] = []
    for name in names:
        row = rows.get(name)
        described.append(
            {
                "blob": name,
                "material": row["pk"] if row else None,
                "file_name": row["file_name"] if row else "",
                "archive": row["archive_id"] if row else None,
                "archive_number": row["archive__archive_number"] if row else "",
            }
        )
    return described


def fixity_run(
    *, trigger: str = "schedule", store: EncryptedContentStore | None = None
) -> FixityRun:
    """Run a fixity check, keep its result, and alert on failure (SPEC §7.3)."""
    from lexkeep.archives.services.materials import archive_store
    from lexkeep.archives.services.volumes import _notify, archivists
    from lexkeep.core.audit import audit_log

    started = timezone.now()
    report = fixity_scan(store or archive_store())
    run = FixityRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        trigger=trigger[:16],
        checked=report.checked,
        checked_bytes=report.checked_bytes,
        missing=_describe(report.missing),
        altered=_describe(report.altered),
        orphaned=report.orphaned,
        ok=report.ok,
    )
    audit_log(
        action="archive.fixity",
        object_type="fixity_run",
        object_id=run.pk,
        detail={
            "checked": run.checked,
            "missing": len(report.missing),
            "altered": len(report.altered),
            "orphaned": len(report.orphaned),
        },
        actor_label="system",
    )
    if not run.ok:
        numbers = sorted(
            {str(d["archive_number"]) for d in run.missing + run.altered if d}
        )
        _notify(
            users=archivists(),
            kind=ArchiveAlert.Kind.FIXITY_FAILED,
            archive=None,
            subject=_("Fixity check failed"),
            message=_(
                "The fixity check of %(at)s found %(missing)s missing and "
                "%(altered)s altered files (archives: %(numbers)s). Restore them "
                "from the backup."
            )
            % {
                "at": timezone.localtime(started).strftime("%Y-%m-%d %H:%M"),
                "missing": len(report.missing),
                "altered": len(report.altered),
                "numbers": ", ".join(n for n in numbers if n) or "-",
            },
        )
    return run
