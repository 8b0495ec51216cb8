"""Materials of a volume and their encrypted electronic copies (SPEC §7.1, §7.2)."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.archives.choices import (
    TYPE_CATEGORY,
    ArchiveStatus,
    Category,
    MaterialType,
    OcrStatus,
)
from lexkeep.archives.ingest import ScanInfo, inspect_scan
from lexkeep.archives.models import Archive, ArchiveAlert, Material, SyncTask
from lexkeep.archives.ocr import ocr_available
from lexkeep.archives.services._common import (
    ARCHIVE_LIFECYCLE,
    archive_policy,
    is_archivist,
    may_collect,
    raise_if,
    record_event,
    require,
)
from lexkeep.core.audit import audit_log
from lexkeep.core.crypto import file_key_for_scope
from lexkeep.core.storage import EncryptedContentStore

MAX_NAME = 200


def archive_store() -> EncryptedContentStore:
    """Return the encrypted, content-addressed store of archive files."""
    return EncryptedContentStore()


def _read_upload(upload: IO[bytes], limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes (enough to tell the file is too big)."""
    data = upload.read(limit + 1)
    return data if isinstance(data, bytes) else bytes(data)


def _material_errors(
    *, category: str, material_type: str, title: str, page_count: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = [_("Unknown category.")]
    if material_type not in MaterialType.values:
        errors["material_type"] = [_("Unknown material type.")]
    elif (
        category in Category.values
        and material_type != MaterialType.OTHER
        and TYPE_CATEGORY[material_type] != category
    ):
        errors["material_type"] = [
            _("A %(type)s belongs to the category “%(category)s”.")
            % {
                "type": MaterialType(material_type).label,
                "category": Category(TYPE_CATEGORY[material_type]).label,
            }
        ]
    if not (title or "").strip():
        errors["title"] = [_("This field cannot be blank.")]
    if page_count is not None and page_count < 1:
        errors["page_count"] = [_("A material has at least one page.")]
    return errors


def _position_for(archive: Archive, category: str, day: dt.date | None) -> int:
    """Return where a new material goes in its category: by date (SPEC §7.1).

    Later materials of the category move down one place; an undated one
    goes last. Manual reordering of the others is kept.
    """
    siblings = Material.objects.filter(archive=archive, category=category)
    if day is not None:
        after = siblings.filter(material_date__gt=day).order_by("position").first()
        if after is not None:
            siblings.filter(position__gte=after.position).update(
                position=F("position") + 1
            )
            return after.position
    last = siblings.aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


def material_add(
    *,
    actor: User,
    archive: Archive,
    category: str,
    material_type: str,
    title: str,
    page_count: int | None = None,
    material_date: dt.date | None = None,
    remarks: str = "",
    upload: IO[bytes] | None = None,
    file_name: str = "",
) -> Material:
    """Add a material to a volume, with an optional scan (SPEC §7.1, §7.2).

    The type must belong to the category (binding order of SPEC §7.1); the
    material takes its place in the category by date. A scan is inspected
    first (PDF/PNG/JPEG/TIFF, content matching its name, readable, not
    protected, not over the size limit, every scanned page at least 300 DPI)
    and its page count must match the one entered (or supplies it). The
    scan is encrypted with the volume's own data key and stored under the
    hash of its bytes, with the SHA-256 of the plaintext recorded.

    Nothing half-written stays: the blob is written last, inside the
    database transaction, and deleted again if that transaction fails. A
    material added after filing creates a task to bring the other copy
    (paper or electronic) in step (SPEC §7.2).
    """
    policy = archive_policy()
    errors = _material_errors(
        category=category,
        material_type=material_type,
        title=title,
        page_count=page_count,
    )
    name = (file_name or getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    scan: ScanInfo | None = None
    data = b""
    if upload is not None:
        max_bytes = policy.max_file_mb * 1024 * 1024
        data = _read_upload(upload, max_bytes)
        scan = inspect_scan(
            data=data,
            name=name or "upload",
            min_dpi=policy.min_scan_dpi,
            max_bytes=max_bytes,
        )
        if page_count is None:
            page_count = scan.pages
        elif page_count != scan.pages:
            errors["page_count"] = [
                _("%(name)s has %(n)s pages, not %(entered)s.")
                % {"name": name, "n": scan.pages, "entered": page_count}
            ]
    if page_count is None and "page_count" not in errors:
        errors["page_count"] = [_("Enter the number of pages.")]
    if len(name) > MAX_NAME:
        errors["file"] = [_("The file name is too long.")]
    raise_if(errors)
    store = archive_store()
    written: list[str] = []
    try:
        with transaction.atomic():
            material = _material_save(
                actor=actor,
                archive=archive,
                category=category,
                material_type=material_type,
                title=title.strip(),
                page_count=int(page_count or 0),
                material_date=material_date,
                remarks=(remarks or "").strip(),
                scan=scan,
                data=data,
                name=name,
                store=store,
                written=written,
            )
    except BaseException:
        for name in written:
            store.delete(name)
        raise
    if material.ocr_status == OcrStatus.PENDING:
        from lexkeep.archives.tasks import ocr_material

        transaction.on_commit(lambda: ocr_material(material.pk))
    return material


def _material_save(
    *,
    actor: User,
    archive: Archive,
    category: str,
    material_type: str,
    title: str,
    page_count: int,
    material_date: dt.date | None,
    remarks: str,
    scan: ScanInfo | None,
    data: bytes,
    name: str,
    store: EncryptedContentStore,
    written: list[str],
) -> Material:
    archive = (
        Archive.objects.select_for_update().select_related("matter").get(pk=archive.pk)
    )
    filed = archive.status == ArchiveStatus.FILED
    allowed = is_archivist(actor) if filed else may_collect(actor, archive)
    require(allowed, _("You may not add materials to this archive."))
    ARCHIVE_LIFECYCLE.next_state(archive.status, "add_material")
    material = Material(
        archive=archive,
        category=category,
        material_type=material_type,
        title=title,
        material_date=material_date,
        page_count=page_count,
        remarks=remarks,
        position=_position_for(archive, category, material_date),
        added_after_filing=filed,
        created_by=actor,
    )
    material.full_clean()
    if scan is not None:
        key = file_key_for_scope(archive.key_scope)
        stored = store.put(data, data_key=key)  # the blob last, after validation
        written.append(stored.name)
        material.file_name = name
        material.content_type = scan.content_type
        material.file_size = stored.size
        material.blob_name = stored.name
        material.sha256 = stored.sha256_plain
        material.file_pages = scan.pages
        material.min_dpi = scan.min_dpi
        material.data_key = key
        material.ocr_status = OcrStatus.PENDING if ocr_available() else OcrStatus.OFF
    material.save()
    record_event(
        archive=archive,
        action="add_material",
        actor=actor,
        detail={
            "material": material.pk,
            "type": material_type,
            "pages": page_count,
            "sha256": material.sha256,
        },
    )
    if filed:
        task = SyncTask.objects.create(
            archive=archive,
            material=material,
            update_copy=(
                SyncTask.Copy.PHYSICAL if scan is not None else SyncTask.Copy.ELECTRONIC
            ),
        )
        from lexkeep.archives.services.volumes import _notify, archivists

        _notify(
            users=archivists(),
            kind=ArchiveAlert.Kind.SYNC,
            archive=archive,
            subject=_("Archive %(number)s: bring the copies in step")
            % {"number": archive.archive_number},
            message=_(
                "“%(title)s” was added to filed archive %(number)s; update the "
                "%(copy)s to match."
            )
            % {
                "title": title,
                "number": archive.archive_number,
                "copy": task.get_update_copy_display(),
            },
        )
    return material


@transaction.atomic
def material_reorder(
    *, actor: User, archive: Archive, category: str, order: list[int]
) -> list[Material]:
    """Reorder the materials of one category of a volume (SPEC §7.1).

    Categories keep their binding order; inside a category the user sets
    the order. ``order`` lists every material id of the category once.
    """
    archive = Archive.objects.select_for_update().get(pk=archive.pk)
    require(may_collect(actor, archive), _("You may not change this archive."))
    ARCHIVE_LIFECYCLE.next_state(archive.status, "reorder")
    current = list(
        Material.objects.filter(archive=archive, category=category).values_list(
            "pk", flat=True
        )
    )
    if category not in Category.values:
        raise ValidationError({"category": [_("Unknown category.")]})
    if sorted(current) != sorted(order) or len(set(order)) != len(order):
        raise ValidationError(
            {"order": [_("List every material of the category exactly once.")]}
        )
    for position, pk in enumerate(order):
        Material.objects.filter(pk=pk).update(position=position)
    record_event(
        archive=archive,
        action="reorder",
        actor=actor,
        detail={"category": category, "order": order},
    )
    return list(
        Material.objects.filter(archive=archive, category=category).order_by(
            "position", "pk"
        )
    )


def material_file_read(
    *,
    actor: User,
    material: Material,
    download: bool = False,
    request: HttpRequest | None = None,
) -> bytes:
    """Return the decrypted scan of ``material`` and log the access (SPEC §6).

    Every view or download of an archive file goes to the audit chain; the
    caller has already checked that ``actor`` may see the volume. The stored
    bytes are checked against their hash before decrypting.
    """
    if not material.blob_name or material.data_key is None:
        raise ValidationError({"file": [_("This material has no electronic copy.")]})
    data = archive_store().get(material.blob_name, data_key=material.data_key)
    with transaction.atomic():
        audit_log(
            action="archive.file_downloaded" if download else "archive.file_viewed",
            actor=actor,
            object_type="archive",
            object_id=material.archive_id,
            detail={
                "archive_number": material.archive.archive_number,
                "material": material.pk,
                "sha256": material.sha256,
            },
            request=request,
        )
    return data


@transaction.atomic
def sync_task_complete(*, actor: User, task: SyncTask, note: str = "") -> SyncTask:
    """Mark a copy-sync task done (SPEC §7.2: copies kept in step)."""
    require(is_archivist(actor), _("Only the archivist closes copy tasks."))
    task = SyncTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise ValidationError({"task": [_("This task is already done.")]})
    task.done_at = timezone.now()
    task.done_by = actor
    task.note = (note or "").strip()[:300]
    task.save(update_fields=["done_at", "done_by", "note"])
    record_event(
        archive=task.archive,
        action="sync_done",
        actor=actor,
        detail={"task": task.pk, "material": task.material_id},
    )
    return task
