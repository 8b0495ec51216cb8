"""API: matters, conflict checks, search, Excel export and import (issue 3).

Handlers parse input, resolve ids to the objects the actor may see and call
a service or selector; errors follow the contract of ``lexkeep.api.errors``
(400 naming fields, 403, 404 for what the actor may not see, 409 for a
state that does not allow the action).
"""

from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from lexkeep.accounts.models import User
from lexkeep.api.pagination import BoundedPagination, RowsPagination
from lexkeep.api.types import Id, Search
from lexkeep.clients.conflicts import (
    conflict_check_decide,
    conflict_check_get,
    conflict_check_hits_for,
    conflict_check_list,
    conflict_check_run,
    conflict_check_waiver_read,
)
from lexkeep.clients.excel import (
    MAX_IMPORT_BYTES,
    XLSX_CONTENT_TYPE,
    ImportRejected,
    clients_export,
    clients_import,
    clients_import_template,
    matters_export,
)
from lexkeep.clients.models import Client
from lexkeep.clients.search import MAX_LIMIT, search
from lexkeep.matters.models import (
    ConflictCheck,
    FeeReceipt,
    Hearing,
    Matter,
    MatterParty,
)
from lexkeep.matters.schemas import (
    CheckFilters,
    ConflictCheckDetailOut,
    ConflictCheckIn,
    ConflictCheckOut,
    FeeIn,
    FeeOut,
    HearingIn,
    HearingOut,
    ImportErrorOut,
    ImportResultOut,
    MatterCloseIn,
    MatterDetailOut,
    MatterFilters,
    MatterIn,
    MatterPatch,
    MatterRowOut,
    MessageOut,
    PartyIn,
    PartyOut,
    SearchHitOut,
)
from lexkeep.matters.selectors import (
    fee_receipt_list,
    hearing_get,
    hearing_list,
    matter_get,
    matter_party_get,
    matter_party_list,
    matter_rows,
)
from lexkeep.matters.services import (
    KEY_DATE_FIELDS,
    fee_receipt_record,
    matter_close,
    matter_hearing_add,
    matter_hearing_remove,
    matter_key_dates_set,
    matter_open,
    matter_party_add,
    matter_party_remove,
    matter_update,
)

router = Router(tags=["matters"])

_ERRORS: dict[int, Any] = {400: dict, 403: MessageOut, 404: MessageOut, 409: dict}


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _users(ids: list[int], field: str) -> list[User]:
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in users]
    if missing:
        raise ValidationError(
            {field: [_("Unknown user: %(ids)s.") % {"ids": ", ".join(missing)}]}
        )
    return [users[pk] for pk in ids]


def _user(pk: int, field: str) -> User:
    return _users([pk], field)[0]


# --------------------------------------------------------------------------
# Matters
# --------------------------------------------------------------------------


@router.get("/matters", response=list[MatterRowOut], summary="List matters")
@paginate(RowsPagination)
def matters(request: HttpRequest, filters: Query[MatterFilters]) -> Any:
    return matter_rows(actor=_actor(request), **filters.dict(exclude_none=True))


@router.post(
    "/matters",
    response={201: MatterDetailOut, **_ERRORS},
    summary="Open a matter (needs a decided conflict check)",
)
def matter_create(request: HttpRequest, payload: MatterIn) -> tuple[int, Matter]:
    actor = _actor(request)
    client = Client.objects.filter(pk=payload.client).first()
    if client is None:
        raise ValidationError({"client": [_("Unknown client.")]})
    check = conflict_check_list(actor=actor).filter(pk=payload.conflict_check).first()
    if check is None:
        raise ValidationError({"conflict_check": [_("Unknown conflict check.")]})
    matter = matter_open(
        actor=actor,
        client=client,
        name=payload.name,
        case_number=payload.case_number,
        domain=payload.domain,
        sub_domain=payload.sub_domain,
        handling_lawyers=_users(payload.handling_lawyers, "handling_lawyers"),
        supervising_lawyer=_user(payload.supervising_lawyer, "supervising_lawyer"),
        assistants=_users(payload.assistants, "assistants"),
        engagement_start=payload.engagement_start,
        engagement_end=payload.engagement_end,
        agreed_fee=payload.agreed_fee,
        conflict_check=check,
        description=payload.description,
        parties=[p.dict() for p in payload.parties],
    )
    return 201, matter_get(actor=actor, pk=matter.pk)


@router.get(
    "/matters/export.xlsx",
    response={200: None},
    tags=["export"],
    summary="Export the matters you may see (Excel)",
)
def matters_export_xlsx(request: HttpRequest) -> HttpResponseBase:
    export = matters_export(actor=_actor(request))
    return FileResponse(
        export.file,
        as_attachment=True,
        filename=export.filename,
        content_type=XLSX_CONTENT_TYPE,
    )


@router.get("/matters/{int:matter_id}", response=MatterDetailOut, summary="A matter")
def matter_detail(request: HttpRequest, matter_id: Id) -> Matter:
    return matter_get(actor=_actor(request), pk=matter_id)


@router.patch(
    "/matters/{int:matter_id}",
    response={200: MatterDetailOut, **_ERRORS},
    summary="Change a matter or record its key dates",
)
@transaction.atomic
def matter_patch(request: HttpRequest, matter_id: Id, payload: MatterPatch) -> Matter:
    actor = _actor(request)
    matter = matter_get(actor=actor, pk=matter_id)
    data = payload.dict(exclude_unset=True)
    dates = {k: data.pop(k) for k in list(data) if k in KEY_DATE_FIELDS}
    if "handling_lawyers" in data:
        data["handling_lawyers"] = _users(data["handling_lawyers"], "handling_lawyers")
    if "assistants" in data:
        data["assistants"] = _users(data["assistants"], "assistants")
    if "supervising_lawyer" in data:
        data["supervising_lawyer"] = _user(
            data["supervising_lawyer"], "supervising_lawyer"
        )
    for field in ("name", "case_number", "domain", "sub_domain", "description"):
        if field in data and data[field] is None:
            data[field] = ""
    if data:
        matter = matter_update(actor=actor, matter=matter, data=data)
    if dates:
        matter = matter_key_dates_set(actor=actor, matter=matter, dates=dates)
    return matter_get(actor=actor, pk=matter.pk)


@router.post(
    "/matters/{int:matter_id}/close",
    response={200: MatterDetailOut, **_ERRORS},
    summary="Close a matter, recording the business end date",
)
def matter_close_view(
    request: HttpRequest, matter_id: Id, payload: MatterCloseIn
) -> Matter:
    actor = _actor(request)
    matter = matter_get(actor=actor, pk=matter_id)
    matter_close(
        actor=actor,
        matter=matter,
        business_end_date=payload.business_end_date,
        counsel_end_date=payload.counsel_end_date,
    )
    return matter_get(actor=actor, pk=matter_id)


@router.get("/matters/{int:matter_id}/parties", response=list[PartyOut])
def parties(request: HttpRequest, matter_id: Id) -> list[MatterParty]:
    return list(matter_party_list(actor=_actor(request), matter_pk=matter_id))


@router.post(
    "/matters/{int:matter_id}/parties",
    response={201: PartyOut, **_ERRORS},
    summary="Add a counterparty or related party",
)
def party_add(
    request: HttpRequest, matter_id: Id, payload: PartyIn
) -> tuple[int, MatterParty]:
    actor = _actor(request)
    matter = matter_get(actor=actor, pk=matter_id)
    return 201, matter_party_add(actor=actor, matter=matter, **payload.dict())


@router.delete(
    "/matters/{int:matter_id}/parties/{int:party_id}",
    response={204: None, **_ERRORS},
)
def party_remove(request: HttpRequest, matter_id: Id, party_id: Id) -> tuple[int, None]:
    actor = _actor(request)
    party = matter_party_get(actor=actor, matter_pk=matter_id, pk=party_id)
    matter_party_remove(actor=actor, party=party)
    return 204, None


@router.get("/matters/{int:matter_id}/hearings", response=list[HearingOut])
def hearings(request: HttpRequest, matter_id: Id) -> list[Hearing]:
    return list(hearing_list(actor=_actor(request), matter_pk=matter_id))


@router.post(
    "/matters/{int:matter_id}/hearings",
    response={201: HearingOut, **_ERRORS},
    summary="Record a hearing",
)
def hearing_add(
    request: HttpRequest, matter_id: Id, payload: HearingIn
) -> tuple[int, Hearing]:
    actor = _actor(request)
    matter = matter_get(actor=actor, pk=matter_id)
    return 201, matter_hearing_add(actor=actor, matter=matter, **payload.dict())


@router.delete(
    "/matters/{int:matter_id}/hearings/{int:hearing_id}",
    response={204: None, **_ERRORS},
)
def hearing_remove(
    request: HttpRequest, matter_id: Id, hearing_id: Id
) -> tuple[int, None]:
    actor = _actor(request)
    hearing = hearing_get(actor=actor, matter_pk=matter_id, pk=hearing_id)
    matter_hearing_remove(actor=actor, hearing=hearing)
    return 204, None


@router.get("/matters/{int:matter_id}/fees", response=list[FeeOut])
def fees(request: HttpRequest, matter_id: Id) -> list[FeeReceipt]:
    return list(fee_receipt_list(actor=_actor(request), matter_pk=matter_id))


@router.post(
    "/matters/{int:matter_id}/fees",
    response={201: FeeOut, **_ERRORS},
    summary="Record fees received",
)
def fee_add(
    request: HttpRequest, matter_id: Id, payload: FeeIn
) -> tuple[int, FeeReceipt]:
    actor = _actor(request)
    matter = matter_get(actor=actor, pk=matter_id)
    return 201, fee_receipt_record(actor=actor, matter=matter, **payload.dict())


# --------------------------------------------------------------------------
# Conflict checks
# --------------------------------------------------------------------------


def _check_out(check: ConflictCheck) -> dict[str, Any]:
    matter = getattr(check, "matter", None)
    return {
        "id": check.pk,
        "subject_name": check.subject_name,
        "subject_credit_code": check.subject_credit_code,
        "client": check.client_id,
        "matter": matter.pk if matter is not None else None,
        "searched_by": check.searched_by_id,
        "searched_at": check.searched_at,
        "decision": check.decision,
        "decision_note": check.decision_note,
        "decided_by": check.decided_by_id,
        "decided_at": check.decided_at,
        "waiver_document_name": check.waiver_document_name,
        "hit_count": len(check.hits or []),
    }


def _check_detail(actor: User, check: ConflictCheck) -> dict[str, Any]:
    return {
        **_check_out(check),
        "parties": [
            {
                "name": p.get("name", ""),
                "role": p.get("role", ""),
                "credit_code": p.get("credit_code", ""),
                "has_id_number": bool(p.get("id_number_index")),
            }
            for p in check.parties or []
        ],
        "hits": conflict_check_hits_for(actor=actor, check=check),
    }


@router.post(
    "/conflict-checks",
    response={201: ConflictCheckDetailOut, **_ERRORS},
    tags=["conflict-checks"],
    summary="Run a conflict-of-interest check",
)
def conflict_check_create(
    request: HttpRequest, payload: ConflictCheckIn
) -> tuple[int, dict[str, Any]]:
    actor = _actor(request)
    client = None
    if payload.client is not None:
        from lexkeep.clients.visibility import client_visibility_q

        client = Client.objects.filter(
            client_visibility_q(actor), pk=payload.client
        ).first()
        if client is None:
            raise ValidationError({"client": [_("Unknown client.")]})
    check = conflict_check_run(
        actor=actor,
        name=payload.name,
        credit_code=payload.credit_code,
        id_number=payload.id_number,
        parties=[p.dict() for p in payload.parties],
        client=client,
    )
    return 201, _check_detail(actor, check)


@router.get(
    "/conflict-checks",
    response=list[ConflictCheckOut],
    tags=["conflict-checks"],
    summary="List conflict checks",
)
@paginate(BoundedPagination)
def conflict_checks(request: HttpRequest, filters: Query[CheckFilters]) -> Any:
    return conflict_check_list(actor=_actor(request), **filters.dict(exclude_none=True))


@router.get(
    "/conflict-checks/{int:check_id}",
    response=ConflictCheckDetailOut,
    tags=["conflict-checks"],
    summary="A conflict check and its hits",
)
def conflict_check_detail(request: HttpRequest, check_id: Id) -> dict[str, Any]:
    actor = _actor(request)
    return _check_detail(actor, conflict_check_get(actor=actor, pk=check_id))


@router.post(
    "/conflict-checks/{int:check_id}/decision",
    response={200: ConflictCheckDetailOut, **_ERRORS},
    tags=["conflict-checks"],
    summary="Decide a conflict check: clear, waived (with document) or declined",
)
def conflict_check_decision(
    request: HttpRequest,
    check_id: Id,
    decision: Form[str],
    note: Form[str] = "",
    waiver_document_name: Form[str] = "",
    waiver_document: UploadedFile | None = File(None),  # noqa: B008
) -> dict[str, Any]:
    actor = _actor(request)
    check = conflict_check_get(actor=actor, pk=check_id)
    content = None
    name = waiver_document_name
    if waiver_document is not None:
        content = waiver_document.read()
        name = name or (waiver_document.name or "")
    check = conflict_check_decide(
        actor=actor,
        check=check,
        decision=decision,
        note=note,
        waiver_document=content,
        waiver_document_name=name,
    )
    return _check_detail(actor, check)


@router.get(
    "/conflict-checks/{int:check_id}/waiver-document",
    response={200: None, 404: MessageOut},
    tags=["conflict-checks"],
    summary="Download the client's informed-consent document of a waiver",
)
def conflict_check_waiver(request: HttpRequest, check_id: Id) -> HttpResponse:
    actor = _actor(request)
    check = conflict_check_get(actor=actor, pk=check_id)
    data = conflict_check_waiver_read(actor=actor, check=check)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = "attachment; filename=waiver"
    return response


# --------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------


@router.get(
    "/search",
    response=list[SearchHitOut],
    tags=["search"],
    summary="Find clients and matters by name, case number or credit code",
)
def search_view(
    request: HttpRequest,
    q: Search = "",
    limit: int = Query(20, ge=1, le=MAX_LIMIT),  # noqa: B008 - ninja parameter
) -> list[Any]:
    return list(search(actor=_actor(request), q=q, limit=limit))


# --------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------


@router.get(
    "/clients/export.xlsx",
    response={200: None},
    tags=["export"],
    summary="Export the clients you may see (Excel; ID numbers masked)",
)
def clients_export_xlsx(request: HttpRequest) -> HttpResponseBase:
    export = clients_export(actor=_actor(request))
    return FileResponse(
        export.file,
        as_attachment=True,
        filename=export.filename,
        content_type=XLSX_CONTENT_TYPE,
    )


@router.get(
    "/clients/import-template.xlsx",
    response={200: None},
    tags=["export"],
    summary="The Excel template for importing clients",
)
def clients_import_template_xlsx(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(clients_import_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="clients-template.xlsx"'
    return response


@router.post(
    "/clients/import",
    response={200: ImportResultOut, 400: ImportErrorOut, 403: MessageOut},
    tags=["export"],
    summary="Import clients from Excel: all rows or none",
)
def clients_import_view(
    request: HttpRequest, file: File[UploadedFile]
) -> tuple[int, dict[str, Any]]:
    if file.size is not None and file.size > MAX_IMPORT_BYTES:
        return 400, {
            "detail": _("Nothing was imported."),
            "errors": [
                {
                    "row": 0,
                    "field": "file",
                    "message": _("The file is larger than %(n)d bytes.")
                    % {"n": MAX_IMPORT_BYTES},
                }
            ],
        }
    try:
        result = clients_import(
            actor=_actor(request), source=cast(IO[bytes], file.file)
        )
    except ImportRejected as exc:
        return 400, {"detail": _("Nothing was imported."), "errors": exc.errors}
    return 200, {"created": result.created, "rows": result.rows}
