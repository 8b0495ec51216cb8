"""API: archives, materials, catalog, cover, review, filing, cabinets (issue 5).

Handlers parse input, resolve ids to what the actor may see (404 otherwise)
and call a service or selector. Errors follow ``lexkeep.api.errors``: 400
naming fields, 403, 404, 409 for a state that does not allow the action.
"""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from lexkeep.accounts.models import Role, User
from lexkeep.api.pagination import BoundedPagination
from lexkeep.api.types import Code, Id
from lexkeep.archives.choices import ArchiveStatus
from lexkeep.archives.documents import (
    XLSX_CONTENT_TYPE,
    catalog_pdf,
    catalog_xlsx,
    cover_pdf,
)
from lexkeep.archives.models import Archive, Cabinet, Material
from lexkeep.archives.ocr import ocr_available
from lexkeep.archives.schemas import (
    AlertCountOut,
    AlertOut,
    AlertsMarkedOut,
    ArchiveDetailOut,
    ArchiveFilters,
    ArchiveOut,
    CabinetIn,
    CabinetOut,
    ChecklistItemIn,
    EventOut,
    FilingIn,
    FixityRunOut,
    MaterialIn,
    MaterialOut,
    MessageOut,
    MissingItemOut,
    ReorderIn,
    ReviewIn,
    SubmitIn,
    SyncDoneIn,
    SyncTaskOut,
)
from lexkeep.archives.selectors import (
    alert_get,
    alert_list,
    alert_unread_count,
    archive_get,
    archive_list,
    archive_lookup,
    cabinet_list,
    filing_ledger,
    fixity_run_list,
    material_list,
    sync_task_list,
)
from lexkeep.archives.services import (
    ARCHIVE_LIFECYCLE,
    ChecklistItem,
    alert_mark_all_read,
    alert_mark_read,
    archive_file,
    archive_review,
    archive_submit,
    cabinet_create,
    checklist_for,
    checklist_set,
    filing_ledger_export,
    is_archivist,
    material_add,
    material_file_read,
    material_reorder,
    missing_items,
    sync_task_complete,
)
from lexkeep.clients.choices import Domain

router = Router(tags=["archives"])
_ERRORS: dict[int, Any] = {400: dict, 403: MessageOut, 404: MessageOut, 409: dict}


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


_CHECKED_STATES = (
    ArchiveStatus.COLLECTING,
    ArchiveStatus.RETURNED,
    ArchiveStatus.SUBMITTED,
)


def archive_detail(archive: Archive) -> Archive:
    """Return ``archive`` with the extra facts of its detail representation."""
    pages = archive.materials.aggregate(n=Sum("page_count"))["n"] or 0
    extra = {
        "allowed_actions": ARCHIVE_LIFECYCLE.allowed_actions(archive.status),
        "missing_items": [
            MissingItemOut(
                key=i.key, label=_(i.label), material_types=list(i.material_types)
            )
            for i in missing_items(archive)
        ]
        if archive.status in _CHECKED_STATES
        else [],
        "total_pages": pages,
        "ocr_enabled": ocr_available(),
    }
    for name, value in extra.items():
        setattr(archive, name, value)
    return archive


@router.get("/archives", response=list[ArchiveOut], summary="List archives")
@paginate(BoundedPagination)
def archives(request: HttpRequest, filters: Query[ArchiveFilters]) -> Any:
    return archive_list(actor=_actor(request), **filters.dict(exclude_none=True))


@router.get(
    "/archives/lookup",
    response={200: ArchiveDetailOut, **_ERRORS},
    summary="Open an archive by its number (barcode or QR scan)",
)
def archive_by_number(request: HttpRequest, number: Code) -> Any:
    return archive_detail(archive_lookup(actor=_actor(request), number=number))


def _ledger(request: HttpRequest, filters: ArchiveFilters) -> Any:
    fields = {"archive_class", "tier", "year", "lawyer", "q"}
    return filing_ledger(
        actor=_actor(request), **filters.dict(include=fields, exclude_none=True)
    )


@router.get(
    "/archives/ledger",
    response=list[ArchiveOut],
    summary="The filing ledger 《档案归档台账》 (format=xlsx for Excel)",
)
@paginate(BoundedPagination)
def ledger(request: HttpRequest, filters: Query[ArchiveFilters]) -> Any:
    return _ledger(request, filters)


@router.get("/archives/ledger.xlsx", summary="The filing ledger as Excel")
def ledger_export(request: HttpRequest, filters: Query[ArchiveFilters]) -> HttpResponse:
    rows = _ledger(request, filters)
    response = HttpResponse(
        filing_ledger_export(actor=_actor(request), rows=rows),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = 'attachment; filename="filing-ledger.xlsx"'
    return response


@router.get(
    "/archives/{int:archive_id}",
    response={200: ArchiveDetailOut, **_ERRORS},
    summary="Get one archive",
)
def archive_one(request: HttpRequest, archive_id: Id) -> Any:
    return archive_detail(archive_get(actor=_actor(request), pk=archive_id))


@router.get(
    "/archives/{int:archive_id}/history",
    response={200: list[EventOut], **_ERRORS},
    summary="The volume's history",
)
def archive_history(request: HttpRequest, archive_id: Id) -> Any:
    return archive_get(actor=_actor(request), pk=archive_id).events.all()


@router.get(
    "/archives/{int:archive_id}/materials",
    response={200: list[MaterialOut], **_ERRORS},
    summary="Materials in binding order",
)
def materials(request: HttpRequest, archive_id: Id) -> Any:
    return material_list(archive=archive_get(actor=_actor(request), pk=archive_id))


@router.post(
    "/archives/{int:archive_id}/materials",
    response={201: MaterialOut, **_ERRORS},
    summary="Add a material, optionally with its scan (multipart)",
)
def material_create(
    request: HttpRequest,
    archive_id: Id,
    payload: Form[MaterialIn],
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja parameter
) -> tuple[int, Material]:
    archive = archive_get(actor=_actor(request), pk=archive_id)
    material = material_add(
        actor=_actor(request),
        archive=archive,
        upload=file,
        file_name=(file.name or "") if file is not None else "",
        **payload.dict(),
    )
    return 201, material


@router.post(
    "/archives/{int:archive_id}/materials/reorder",
    response={200: list[MaterialOut], **_ERRORS},
    summary="Reorder the materials of one category",
)
def materials_reorder(request: HttpRequest, archive_id: Id, payload: ReorderIn) -> Any:
    archive = archive_get(actor=_actor(request), pk=archive_id)
    return material_reorder(
        actor=_actor(request),
        archive=archive,
        category=payload.category,
        order=payload.order,
    )


@router.get(
    "/archives/{int:archive_id}/materials/{int:material_id}/file",
    response={200: None, **_ERRORS},
    summary="View or download a material's scan (logged)",
)
def material_file(
    request: HttpRequest, archive_id: Id, material_id: Id, download: bool = False
) -> HttpResponse:
    archive = archive_get(actor=_actor(request), pk=archive_id)
    material = archive.materials.get(pk=material_id)
    data = material_file_read(
        actor=_actor(request), material=material, download=download, request=request
    )
    response = HttpResponse(data, content_type=material.content_type)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = (
        f'{disposition}; filename="material-{material.pk}"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@router.get(
    "/archives/{int:archive_id}/catalog",
    response={200: None, **_ERRORS},
    summary="The catalog 《档案目录》 as PDF (default) or Excel (format=xlsx)",
)
def catalog(
    request: HttpRequest,
    archive_id: Id,
    format: Literal["pdf", "xlsx"] = "pdf",  # noqa: A002 - the query parameter
) -> HttpResponse:
    archive = archive_get(actor=_actor(request), pk=archive_id)
    if format == "xlsx":
        response = HttpResponse(catalog_xlsx(archive), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="{archive.archive_number}-catalog.xlsx"'
        )
        return response
    return _pdf(catalog_pdf(archive), f"{archive.archive_number}-catalog.pdf")


@router.get(
    "/archives/{int:archive_id}/cover",
    response={200: None, **_ERRORS},
    summary="The volume cover as PDF",
)
def cover(request: HttpRequest, archive_id: Id) -> HttpResponse:
    archive = archive_get(actor=_actor(request), pk=archive_id)
    return _pdf(cover_pdf(archive), f"{archive.archive_number}-cover.pdf")


@router.post(
    "/archives/{int:archive_id}/submit",
    response={200: ArchiveDetailOut, **_ERRORS},
    summary="Submit the volume for review",
)
def submit(request: HttpRequest, archive_id: Id, payload: SubmitIn) -> Any:
    archive = archive_get(actor=_actor(request), pk=archive_id)
    archive = archive_submit(
        actor=_actor(request), archive=archive, missing_reasons=payload.missing_reasons
    )
    return archive_detail(archive)


@router.post(
    "/archives/{int:archive_id}/review",
    response={200: ArchiveDetailOut, **_ERRORS},
    summary="Approve (sign) or return the volume",
)
def review(request: HttpRequest, archive_id: Id, payload: ReviewIn) -> Any:
    if payload.decision not in ("approve", "return"):
        raise ValidationError({"decision": [_("Choose approve or return.")]})
    archive = archive_get(actor=_actor(request), pk=archive_id)
    archive = archive_review(
        actor=_actor(request),
        archive=archive,
        approve=payload.decision == "approve",
        checklist=payload.checklist,
        reasons=payload.reasons,
    )
    return archive_detail(archive)


@router.post(
    "/archives/{int:archive_id}/filing",
    response={200: ArchiveDetailOut, **_ERRORS},
    summary="File the reviewed volume in a cabinet",
)
def filing(request: HttpRequest, archive_id: Id, payload: FilingIn) -> Any:
    archive = archive_get(actor=_actor(request), pk=archive_id)
    cabinet = Cabinet.objects.filter(pk=payload.cabinet).first()
    if cabinet is None:
        raise ValidationError({"cabinet": [_("Unknown cabinet.")]})
    archive = archive_file(
        actor=_actor(request),
        archive=archive,
        cabinet=cabinet,
        shelf=payload.shelf,
        box=payload.box,
    )
    return archive_detail(archive)


@router.get("/cabinets", response=list[CabinetOut], summary="List cabinets")
def cabinets(request: HttpRequest) -> Any:
    actor = _actor(request)
    if not (
        actor.is_active
        and actor.has_role(
            Role.ARCHIVIST, Role.DIRECTOR, Role.PARTNER, Role.LAWYER, Role.ASSISTANT
        )
    ):
        raise PermissionDenied(_("You may not see the cabinets."))
    return cabinet_list()


@router.post(
    "/cabinets", response={201: CabinetOut, **_ERRORS}, summary="Create a cabinet"
)
def cabinet_new(request: HttpRequest, payload: CabinetIn) -> tuple[int, Cabinet]:
    return 201, cabinet_create(actor=_actor(request), **payload.dict())


@router.get(
    "/archive-sync-tasks",
    response=list[SyncTaskOut],
    summary="Open tasks to bring physical and electronic copies in step",
)
def sync_tasks(request: HttpRequest) -> Any:
    return sync_task_list(actor=_actor(request))


@router.post(
    "/archive-sync-tasks/{int:task_id}/done",
    response={200: SyncTaskOut, **_ERRORS},
    summary="Mark a copy-sync task done",
)
def sync_done(request: HttpRequest, task_id: Id, payload: SyncDoneIn) -> Any:
    task = sync_task_list(actor=_actor(request), open_only=False).get(pk=task_id)
    return sync_task_complete(actor=_actor(request), task=task, note=payload.note)


@router.get(
    "/archive-alerts",
    response=list[AlertOut],
    summary="My archive alerts, newest first (unread only unless unread=false)",
)
@paginate(BoundedPagination)
def alerts(request: HttpRequest, unread: bool = True) -> Any:
    return alert_list(actor=_actor(request), unread_only=unread)


@router.get(
    "/archive-alerts/unread-count",
    response=AlertCountOut,
    summary="How many of my archive alerts are unread",
)
def alerts_unread(request: HttpRequest) -> Any:
    return {"unread": alert_unread_count(actor=_actor(request))}


@router.post(
    "/archive-alerts/{int:alert_id}/read",
    response={200: AlertOut, **_ERRORS},
    summary="Mark one of my archive alerts read",
)
def alert_read(request: HttpRequest, alert_id: Id) -> Any:
    alert = alert_get(actor=_actor(request), pk=alert_id)
    return alert_mark_read(actor=_actor(request), alert=alert)


@router.post(
    "/archive-alerts/read-all",
    response={200: AlertsMarkedOut, **_ERRORS},
    summary="Mark all my archive alerts read",
)
def alerts_read_all(request: HttpRequest) -> Any:
    marked = alert_mark_all_read(actor=_actor(request))
    return {"marked": marked, "unread": alert_unread_count(actor=_actor(request))}


@router.get(
    "/fixity-runs",
    response={200: list[FixityRunOut], **_ERRORS},
    summary="Kept results of the fixity checks",
)
def fixity_runs(request: HttpRequest) -> Any:
    actor = _actor(request)
    if not (is_archivist(actor) or actor.has_role(Role.DIRECTOR)):
        raise PermissionDenied(_("Only the archivist and the director see this."))
    return list(fixity_run_list()[:50])


@router.get(
    "/archive-checklists/{domain}",
    response={200: list[ChecklistItemIn], **_ERRORS},
    summary="Required materials of a business domain",
)
def checklist(request: HttpRequest, domain: Domain) -> Any:
    return [
        {"key": i.key, "label": _(i.label), "material_types": list(i.material_types)}
        for i in checklist_for(domain.value)
    ]


@router.put(
    "/archive-checklists/{domain}",
    response={200: list[ChecklistItemIn], **_ERRORS},
    summary="Replace the required materials of a domain (director)",
)
def checklist_replace(
    request: HttpRequest, domain: Domain, payload: list[ChecklistItemIn]
) -> Any:
    items = checklist_set(
        actor=_actor(request),
        domain=domain.value,
        items=[ChecklistItem(i.key, i.label, tuple(i.material_types)) for i in payload],
    )
    return [
        {"key": i.key, "label": i.label, "material_types": list(i.material_types)}
        for i in items
    ]
