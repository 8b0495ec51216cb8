"""API: feedback cases, the ledger and the quarterly summary (SPEC §5).

Handlers parse input and call a selector or a service. ``public_router``
holds the one endpoint without authentication, ``POST /public/feedback``:
rate-limited per address and guarded by a honeypot field.
"""

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from lexkeep.accounts.models import User
from lexkeep.api.pagination import BoundedPagination
from lexkeep.api.types import Code, Day, Filters, Id, Search, listed, not_before
from lexkeep.clients.models import Client
from lexkeep.feedback import selectors, services
from lexkeep.feedback.excel import XLSX_CONTENT_TYPE, ledger_export
from lexkeep.feedback.exceptions import RateLimited, SpamRejected
from lexkeep.feedback.models import Category, Channel, Feedback
from lexkeep.feedback.models import Status as FeedbackStatus
from lexkeep.feedback.schemas import (
    ExtensionIn,
    ExtensionOut,
    FeedbackDetailOut,
    FeedbackIn,
    FeedbackOut,
    FeedbackPatch,
    MeasureIn,
    MeasureOut,
    PublicFeedbackIn,
    PublicFeedbackOut,
    SatisfactionIn,
    SummaryOut,
    TransitionIn,
)

router = Router(tags=["feedback"])
public_router = Router(tags=["feedback"], auth=None)


class ErrorOut(Schema):
    detail: str
    errors: list[dict[str, str]] = []


class FeedbackFilterIn(Filters):
    status: Annotated[FeedbackStatus, listed(FeedbackStatus)] | None = None
    category: Annotated[Category, listed(Category)] | None = None
    channel: Annotated[Channel, listed(Channel)] | None = None
    owner: Id | None = None
    breached: bool | None = None
    open: bool | None = None
    received_from: Day | None = None
    received_to: Day | None = None
    q: Search | None = None

    _range = not_before("received_from", "received_to")


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _get(request: HttpRequest, feedback_id: int) -> Feedback:
    return selectors.feedback_get(actor=_actor(request), pk=feedback_id)


def _client(pk: int | None) -> Client | None:
    if pk is None:
        return None
    client = Client.objects.filter(pk=pk).first()
    if client is None:
        raise ValidationError({"client": [_("No client has id %(id)s.") % {"id": pk}]})
    return client


def _user(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError(
            {field: [_("No active user has id %(id)s.") % {"id": pk}]}
        )
    return user


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --------------------------------------------------------------------------
# Public
# --------------------------------------------------------------------------


@public_router.post(
    "/public/feedback",
    response={201: PublicFeedbackOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Send feedback or a complaint to the firm (no login; rate-limited)",
)
def public_feedback(request: HttpRequest, payload: PublicFeedbackIn) -> Any:
    try:
        feedback = services.feedback_submit_public(
            name=payload.name,
            contact=payload.contact,
            content=payload.content,
            expected_resolution=payload.expected_resolution,
            category=payload.category,
            honeypot=payload.website,
            ip=_ip(request),
        )
    except RateLimited as exc:
        return _json_429(request, exc)
    except SpamRejected:
        return Status(
            400,
            {
                "detail": _("The submission was rejected."),
                "errors": [
                    {"field": "website", "message": _("This field must be empty.")}
                ],
            },
        )
    return Status(
        201,
        {
            "reference": feedback.reference,
            "received_at": feedback.received_at,
            "contact_due": feedback.contact_due,
            "reply_due": feedback.reply_due,
            "message": _(
                "Thank you. We will contact you within 24 hours and reply with a "
                "solution within 3 working days."
            ),
        },
    )


def _json_429(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    from lexkeep.api.urls import api

    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------


@router.get(
    "/feedback",
    response=list[FeedbackOut],
    summary="List feedback cases (filters: status, category, channel, owner, "
    "breached, open, received_from/to, q)",
)
@paginate(BoundedPagination)
def feedback_list(request: HttpRequest, filters: Query[FeedbackFilterIn]) -> Any:
    return selectors.feedback_list(
        actor=_actor(request), filters=_filters(filters.dict())
    )


def _filters(data: dict[str, Any]) -> selectors.FeedbackFilters:
    return selectors.FeedbackFilters(**data)


@router.post(
    "/feedback",
    response={201: FeedbackDetailOut},
    summary="Record a complaint received by phone, email or in person",
)
def feedback_create(request: HttpRequest, payload: FeedbackIn) -> Status:
    actor = _actor(request)
    feedback = services.feedback_create_staff(
        actor=actor,
        channel=payload.channel,
        name=payload.name,
        contact=payload.contact,
        content=payload.content,
        received_at=payload.received_at,
        expected_resolution=payload.expected_resolution,
        category=payload.category,
        client=_client(payload.client),
    )
    return Status(201, selectors.feedback_get(actor=actor, pk=feedback.pk))


@router.get(
    "/feedback/ledger.xlsx",
    response={200: None},
    tags=["export"],
    summary="The feedback ledger 《客户反馈台账》 as Excel (same filters as the list)",
)
def feedback_ledger_xlsx(
    request: HttpRequest, filters: Query[FeedbackFilterIn]
) -> HttpResponseBase:
    export = ledger_export(
        actor=_actor(request), filters=_filters(filters.dict()), request=request
    )
    return FileResponse(
        export.file,
        as_attachment=True,
        filename=export.filename,
        content_type=XLSX_CONTENT_TYPE,
    )


@router.get(
    "/feedback/summary",
    response=SummaryOut,
    summary="Quarterly summary: counts by category, SLA performance, most common "
    "problems and their improvement measures (?quarter=2026Q4)",
)
def feedback_summary(request: HttpRequest, quarter: Code) -> dict[str, Any]:
    actor = _actor(request)
    if not actor.has_perm("feedback.view_feedback"):
        raise PermissionDenied
    summary = selectors.quarterly_summary(actor=actor, quarter=quarter)

    def row(r: selectors.CategoryRow) -> dict[str, Any]:
        return {
            "category": r.code,
            "label": r.label,
            "count": r.count,
            "share": r.share,
            "measures": [
                {
                    "id": m.pk,
                    "quarter": m.quarter,
                    "category": m.category,
                    "measure": m.measure,
                    "owner": m.owner_id,
                    "recorded_by": m.recorded_by_id,
                    "recorded_at": m.recorded_at,
                }
                for m in r.measures
            ],
        }

    return {
        "quarter": summary.quarter,
        "total": summary.total,
        "dismissed": summary.dismissed,
        "by_category": [row(r) for r in summary.categories],
        "contact_within_24h_percent": summary.contact_rate,
        "contact_decided": summary.contact_decided,
        "contact_on_time": summary.contact_on_time,
        "reply_within_working_days_percent": summary.reply_rate,
        "reply_decided": summary.reply_decided,
        "reply_on_time": summary.reply_on_time,
        "resolved": summary.resolved,
        "extended": summary.extended,
        "satisfaction_average": summary.satisfaction_average,
        "satisfaction_count": summary.satisfaction_count,
        "most_common": [row(r) for r in summary.top],
    }


@router.post(
    "/feedback/improvements",
    response={201: MeasureOut},
    summary="Record an improvement measure for a quarter's problem",
)
def improvement_create(request: HttpRequest, payload: MeasureIn) -> Status:
    item = services.improvement_measure_record(
        actor=_actor(request),
        quarter=payload.quarter,
        category=payload.category,
        measure=payload.measure,
        owner=_user(payload.owner, "owner"),
    )
    return Status(201, item)


@router.get(
    "/feedback/{int:feedback_id}",
    response=FeedbackDetailOut,
    summary="A feedback case with its history",
)
def feedback_detail(request: HttpRequest, feedback_id: Id) -> Feedback:
    return _get(request, feedback_id)


@router.patch(
    "/feedback/{int:feedback_id}",
    response=FeedbackDetailOut,
    summary="Classify a case, link it to a client, or give it another owner",
)
def feedback_patch(
    request: HttpRequest, feedback_id: Id, payload: FeedbackPatch
) -> Feedback:
    actor = _actor(request)
    feedback = _get(request, feedback_id)
    changes = payload.dict(exclude_unset=True)
    if "owner" in changes:
        owner = _user(changes.pop("owner"), "owner")
        if owner is None:
            raise ValidationError({"owner": [_("Give the new owner's id.")]})
        feedback = services.feedback_assign(actor=actor, feedback=feedback, owner=owner)
    kwargs: dict[str, Any] = {}
    if "category" in changes and changes["category"] is not None:
        kwargs["category"] = changes["category"]
    if "client" in changes:
        kwargs["client"] = _client(changes["client"])
    if kwargs:
        services.feedback_update(actor=actor, feedback=feedback, **kwargs)
    return _get(request, feedback_id)


@router.post(
    "/feedback/{int:feedback_id}/transition",
    response={200: FeedbackDetailOut, 409: ErrorOut},
    summary="Move a case: contact, propose, revise, resolve, close, dismiss, reopen "
    "(409 if its state does not allow it)",
)
def feedback_transition(
    request: HttpRequest, feedback_id: Id, payload: TransitionIn
) -> Feedback:
    services.feedback_transition(
        actor=_actor(request),
        feedback=_get(request, feedback_id),
        action=payload.action,
        note=payload.note,
        occurred_at=payload.occurred_at,
        satisfaction=payload.satisfaction,
        dismissed_as=payload.dismissed_as,
    )
    return _get(request, feedback_id)


@router.post(
    "/feedback/{int:feedback_id}/extension",
    response={201: ExtensionOut, 409: ErrorOut},
    summary="Extend the reply deadline: needs a reason and when/how the client "
    "was told (SPEC §5)",
)
def feedback_extension(
    request: HttpRequest, feedback_id: Id, payload: ExtensionIn
) -> Status:
    extension = services.feedback_extend(
        actor=_actor(request),
        feedback=_get(request, feedback_id),
        working_days=payload.working_days,
        reason=payload.reason,
        client_informed_at=payload.client_informed_at,
        client_informed_via=payload.client_informed_via,
    )
    return Status(201, extension)


@router.post(
    "/feedback/{int:feedback_id}/satisfaction",
    response={200: FeedbackDetailOut, 409: ErrorOut},
    summary="Record the client's satisfaction (1–5) after resolution",
)
def feedback_satisfaction(
    request: HttpRequest, feedback_id: Id, payload: SatisfactionIn
) -> Feedback:
    services.feedback_satisfaction_record(
        actor=_actor(request),
        feedback=_get(request, feedback_id),
        satisfaction=payload.satisfaction,
        note=payload.note,
    )
    return _get(request, feedback_id)
