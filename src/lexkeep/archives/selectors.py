"""Reads of the archives, with the permission filter applied (SPEC §7, §1).

Visibility: the archivist, the director and partners see every archive;
lawyers and assistants the archives of matters they may see (the matter
visibility of ``lexkeep.clients.visibility``); everyone else none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from lexkeep.accounts.models import Role, User
from lexkeep.archives.choices import CATEGORY_ORDER, ArchiveStatus, Category
from lexkeep.archives.models import (
    Archive,
    ArchiveAlert,
    Cabinet,
    FixityRun,
    Material,
    SyncTask,
)
from lexkeep.archives.services._common import (
    is_archivist,
    may_review,
    sees_all_archives,
)
from lexkeep.clients.search import client_ids_matching, matter_ids_matching
from lexkeep.clients.visibility import matter_visibility_q


def archive_visibility_q(user: User) -> Q:
    """Return a filter on Archive of the volumes ``user`` may see."""
    if not user.is_active:
        return Q(pk__in=[])
    if sees_all_archives(user):
        return Q()
    if user.has_role(Role.LAWYER, Role.ASSISTANT):
        return matter_visibility_q(user, prefix="matter")
    return Q(pk__in=[])


def archive_list(
    *,
    actor: User,
    archive_class: str = "",
    tier: str = "",
    status: str = "",
    year: int | None = None,
    lawyer: int | None = None,
    cabinet: int | None = None,
    late: bool | None = None,
    q: str = "",
) -> QuerySet[Archive]:
    """Return the archives ``actor`` may see, filtered and newest first.

    ``q`` finds an archive number (part of it), a client or matter name
    (trigram index), or — where OCR text exists — content (SPEC §7 finding).
    """
    archives = Archive.objects.filter(archive_visibility_q(actor))
    if archive_class:
        archives = archives.filter(archive_class=archive_class)
    if tier:
        archives = archives.filter(client_tier=tier)
    if status:
        archives = archives.filter(status=status)
    if year:
        archives = archives.filter(year=year)
    if lawyer:
        archives = archives.filter(handling_lawyer_id=lawyer)
    if cabinet:
        archives = archives.filter(cabinet_id=cabinet)
    if late is not None:
        archives = archives.filter(collection_late=late)
    text = (q or "").strip()
    if text:
        found = (
            Q(archive_number__icontains=text)
            | Q(client_id__in=client_ids_matching(text))
            | Q(matter_id__in=matter_ids_matching(text))
        )
        from lexkeep.archives.services.ocr import archive_ids_with_text

        ocr_hits = archive_ids_with_text(
            text, Material.objects.filter(archive__in=archives.values("pk"))
        )
        if ocr_hits:
            found |= Q(pk__in=sorted(ocr_hits))
        archives = archives.filter(found)
    return archives.select_related(
        "matter", "client", "handling_lawyer", "cabinet"
    ).order_by("-id")


def archive_get(*, actor: User, pk: int) -> Archive:
    """Return archive ``pk`` if ``actor`` may see it (else DoesNotExist → 404)."""
    return (
        Archive.objects.filter(archive_visibility_q(actor))
        .select_related(
            "matter",
            "matter__supervising_lawyer",
            "client",
            "handling_lawyer",
            "cabinet",
            "submitted_by",
            "reviewed_by",
            "filed_by",
        )
        .get(pk=pk)
    )


def archive_for_matter(*, actor: User, matter_pk: int) -> Archive | None:
    """Return the archive volume of a matter, if it has one ``actor`` may see."""
    return (
        Archive.objects.filter(archive_visibility_q(actor), matter_id=matter_pk)
        .only("id", "archive_number", "status", "collection_due")
        .first()
    )


def archive_lookup(*, actor: User, number: str) -> Archive:
    """Return the archive whose number (scanned or typed) is ``number``."""
    return (
        Archive.objects.filter(archive_visibility_q(actor))
        .select_related("matter", "client")
        .get(archive_number=(number or "").strip().upper())
    )


def _category_rank() -> Case:
    return Case(
        *[When(category=c, then=Value(n)) for c, n in CATEGORY_ORDER.items()],
        output_field=IntegerField(),
    )


def material_list(*, archive: Archive) -> QuerySet[Material]:
    """Return the materials of ``archive`` in binding order (SPEC §7.1).

    Category order first, then the order inside the category (by date unless
    the user reordered it).
    """
    return (
        Material.objects.filter(archive=archive)
        .annotate(category_rank=_category_rank())
        .order_by("category_rank", "position", "material_date", "pk")
    )


@dataclass(frozen=True)
class CatalogRow:
    """One line of 《档案目录》: sequence, material, pages and page range."""

    sequence: int
    material: Material
    first_page: int
    last_page: int

    @property
    def pages(self) -> int:
        return self.material.page_count


def catalog_rows(archive: Archive) -> list[CatalogRow]:
    """Return the catalog of ``archive``, generated from its materials.

    SPEC §7.1: the catalog lists sequence, material name, pages and
    remarks, and must match the materials exactly — so it is never stored,
    only derived from them.
    """
    rows: list[CatalogRow] = []
    page = 1
    for sequence, material in enumerate(material_list(archive=archive), start=1):
        rows.append(
            CatalogRow(
                sequence=sequence,
                material=material,
                first_page=page,
                last_page=page + material.page_count - 1,
            )
        )
        page += material.page_count
    return rows


def categories_with_materials(
    archive: Archive,
) -> list[tuple[str, str, list[Material]]]:
    """Return ``(code, label, materials)`` for each category in binding order."""
    by_category: dict[str, list[Material]] = {c: [] for c in CATEGORY_ORDER}
    for material in material_list(archive=archive):
        by_category[material.category].append(material)
    return [(c, str(Category(c).label), items) for c, items in by_category.items()]


def cabinet_list() -> QuerySet[Cabinet]:
    """Return every cabinet with the number of volumes filed in it."""
    return Cabinet.objects.annotate(filed=Count("archives")).order_by(
        "archive_class", "tier", "code"
    )


def filing_ledger(
    *,
    actor: User,
    archive_class: str = "",
    tier: str = "",
    year: int | None = None,
    lawyer: int | None = None,
    filed_from: dt.date | None = None,
    filed_to: dt.date | None = None,
    q: str = "",
) -> QuerySet[Archive]:
    """Return the filing ledger 《档案归档台账》 rows ``actor`` may see (SPEC §7.2)."""
    rows = archive_list(
        actor=actor,
        archive_class=archive_class,
        tier=tier,
        status=ArchiveStatus.FILED,
        year=year,
        lawyer=lawyer,
        q=q,
    ).select_related("filed_by")
    if filed_from:
        rows = rows.filter(filed_on__gte=filed_from)
    if filed_to:
        rows = rows.filter(filed_on__lte=filed_to)
    return rows.order_by("-filed_on", "-id")


def review_queue(*, actor: User) -> list[Archive]:
    """Return the submitted volumes ``actor`` may review (not their own)."""
    submitted = archive_list(actor=actor, status=ArchiveStatus.SUBMITTED).order_by(
        "submitted_at", "id"
    )
    return [a for a in submitted if may_review(actor, a)]


def filing_desk(*, actor: User) -> QuerySet[Archive]:
    """Return the approved volumes waiting to be filed (the archivist's desk)."""
    if not is_archivist(actor):
        return Archive.objects.none()
    return archive_list(actor=actor, status=ArchiveStatus.APPROVED).order_by(
        "reviewed_at", "id"
    )


def collection_list(*, actor: User) -> QuerySet[Archive]:
    """Return the volumes ``actor`` is collecting (or must correct), due first."""
    mine = Archive.objects.filter(
        Q(matter__handling_lawyers=actor) | Q(matter__assistants=actor)
    ).values("pk")
    return (
        archive_list(actor=actor)
        .filter(
            pk__in=mine,
            status__in=[ArchiveStatus.COLLECTING, ArchiveStatus.RETURNED],
        )
        .order_by("collection_due", "id")
    )


def sync_task_list(*, actor: User, open_only: bool = True) -> QuerySet[SyncTask]:
    """Return copy-sync tasks on the archives ``actor`` may see."""
    tasks = SyncTask.objects.filter(
        archive__in=Archive.objects.filter(archive_visibility_q(actor)).values("pk")
    ).select_related("archive", "material")
    if open_only:
        tasks = tasks.filter(done_at__isnull=True)
    return tasks.order_by("created_at", "id")


def alert_list(*, actor: User, unread_only: bool = True) -> QuerySet[ArchiveAlert]:
    """Return ``actor``'s archive alerts, newest first."""
    alerts = ArchiveAlert.objects.filter(recipient=actor).select_related("archive")
    if unread_only:
        alerts = alerts.filter(read_at__isnull=True)
    return alerts.order_by("-created_at", "-id")


def alert_get(*, actor: User, pk: int) -> ArchiveAlert:
    """Return alert ``pk`` if it was sent to ``actor`` (else DoesNotExist → 404)."""
    return ArchiveAlert.objects.select_related("archive").get(pk=pk, recipient=actor)


def alert_unread_count(*, actor: User) -> int:
    """Return how many archive alerts ``actor`` has not read (the tab's badge)."""
    return ArchiveAlert.objects.filter(recipient=actor, read_at__isnull=True).count()


def fixity_run_list() -> QuerySet[FixityRun]:
    """Return the kept fixity runs, newest first."""
    return FixityRun.objects.order_by("-started_at", "-id")
