"""API: contacts, service duties, compliance and notifications (SPEC §2.2, §4).

Handlers parse input and call a selector or a service. Errors follow the
contract: 400/422 naming each field, 403 not allowed, 404 not visible, 409
a duty that is already done or cancelled.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from lexkeep.accounts.models import User
from lexkeep.api.pagination import BoundedPagination
from lexkeep.api.types import Day, Id
from lexkeep.clients.models import Client
from lexkeep.clients.visibility import client_visibility_q
from lexkeep.matters.models import Matter
from lexkeep.service import selectors, services
from lexkeep.service.models import Contact, DutyRule
from lexkeep.service.schemas import (
    AttachmentOut,
    ClientComplianceOut,
    ContactFilters,
    ContactIn,
    ContactOut,
    DashboardOut,
    DocumentOut,
    DutyDetailOut,
    DutyDoneIn,
    DutyFilters,
    DutyOut,
    NotificationOut,
    RuleOut,
    RulePatch,
)
from lexkeep.service.services.contacts import MAX_ATTACHMENT_BYTES

router = Router(tags=["service"])


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _require_service_role(actor: User) -> None:
    if not actor.has_perm("service.view_dashboard"):
        raise PermissionDenied(_("Your role gives no access to contacts and duties."))


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(
        data, content_type=content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# --------------------------------------------------------------------------
# Contacts


@router.get(
    "/contacts",
    response=list[ContactOut],
    summary="List the contacts you may see (filters: client, matter, channel, "
    "compliant, direction, purpose, user, since, until)",
)
@paginate(BoundedPagination)
def contact_list(request: HttpRequest, filters: Query[ContactFilters]) -> Any:
    actor = _actor(request)
    _require_service_role(actor)
    return selectors.contact_list(actor=actor, **filters.dict()).prefetch_related(
        "attachments", "satisfied_duties"
    )


@router.post("/contacts", response={201: ContactOut}, summary="Log a contact")
def contact_create(request: HttpRequest, payload: ContactIn) -> Status:
    actor = _actor(request)
    _require_service_role(actor)
    client = Client.objects.filter(
        client_visibility_q(actor), pk=payload.client
    ).first()
    if client is None:
        raise ValidationError(
            {
                "client": [
                    _("No client with id %(id)s is visible to you.")
                    % {"id": payload.client}
                ]
            }
        )
    matter = None
    if payload.matter is not None:
        matter = Matter.objects.filter(pk=payload.matter, client=client).first()
        if matter is None:
            raise ValidationError(
                {
                    "matter": [
                        _("This client has no matter with id %(id)s.")
                        % {"id": payload.matter}
                    ]
                }
            )
    who = None
    if payload.user is not None:
        who = User.objects.filter(pk=payload.user, is_active=True).first()
        if who is None:
            raise ValidationError(
                {"user": [_("No active user has id %(id)s.") % {"id": payload.user}]}
            )
    contact = services.contact_log(
        actor=actor,
        client=client,
        matter=matter,
        channel=payload.channel,
        direction=payload.direction,
        purpose=payload.purpose,
        occurred_at=payload.occurred_at,
        summary=payload.summary,
        user=who,
        request=request,
    )
    return Status(201, selectors.contact_get(actor=actor, pk=contact.pk))


@router.get("/contacts/{contact_id}", response=ContactOut, summary="One contact")
def contact_detail(request: HttpRequest, contact_id: Id) -> Contact:
    return selectors.contact_get(actor=_actor(request), pk=contact_id)


@router.post(
    "/contacts/{contact_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach a file to a contact (stored encrypted)",
)
def attachment_add(
    request: HttpRequest, contact_id: Id, file: File[UploadedFile]
) -> Status:
    actor = _actor(request)
    contact = selectors.contact_get(actor=actor, pk=contact_id)
    if file.size and file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB.")]})
    attachment = services.contact_attachment_add(
        actor=actor,
        contact=contact,
        item=services.AttachmentInput(
            name=file.name or "attachment",
            content=file.read(),
            content_type=file.content_type or "",
        ),
        request=request,
    )
    return Status(201, attachment)


@router.get(
    "/contacts/{contact_id}/attachments/{attachment_id}",
    summary="Download an attachment (written to the access log)",
    response={200: None},
)
def attachment_download(
    request: HttpRequest, contact_id: Id, attachment_id: Id
) -> HttpResponse:
    actor = _actor(request)
    attachment = selectors.attachment_get(
        actor=actor, contact=contact_id, pk=attachment_id
    )
    data = services.contact_attachment_read(
        actor=actor, attachment=attachment, request=request
    )
    return _download(data, attachment.name, attachment.content_type)


# --------------------------------------------------------------------------
# Duties


@router.get(
    "/duties",
    response=list[DutyOut],
    summary="List service duties (filters: status, tier, user, client, kind, mine, "
    "due_before, due_after)",
)
@paginate(BoundedPagination)
def duty_list(request: HttpRequest, filters: Query[DutyFilters]) -> Any:
    actor = _actor(request)
    _require_service_role(actor)
    return selectors.duty_list(actor=actor, **filters.dict())


@router.get("/duties/{duty_id}", response=DutyDetailOut, summary="One duty")
def duty_detail(request: HttpRequest, duty_id: Id) -> Any:
    return selectors.duty_get(actor=_actor(request), pk=duty_id)


@router.post(
    "/duties/{duty_id}/done",
    response=DutyDetailOut,
    summary="Mark a duty done by linking a logged contact",
)
def duty_done(request: HttpRequest, duty_id: Id, payload: DutyDoneIn) -> Any:
    actor = _actor(request)
    duty = selectors.duty_get(actor=actor, pk=duty_id)
    try:
        contact = selectors.contact_get(actor=actor, pk=payload.contact)
    except Contact.DoesNotExist:
        raise ValidationError(
            {
                "contact": [
                    _("No contact with id %(id)s is visible to you.")
                    % {"id": payload.contact}
                ]
            }
        ) from None
    services.duty_complete(actor=actor, duty=duty, contact=contact, request=request)
    return selectors.duty_get(actor=actor, pk=duty_id)


@router.post(
    "/duties/{duty_id}/documents",
    response={201: list[DocumentOut]},
    summary="Generate the duty's document (service report or fee statement) "
    "as PDF and Excel",
)
def duty_documents_generate(request: HttpRequest, duty_id: Id) -> Status:
    actor = _actor(request)
    duty = selectors.duty_get(actor=actor, pk=duty_id)
    documents = services.duty_documents_generate(
        duty=duty, actor=actor, request=request
    )
    return Status(201, documents)


@router.get(
    "/duties/{duty_id}/documents/{document_id}",
    summary="Download a duty document (written to the access log)",
    response={200: None},
)
def duty_document_download(
    request: HttpRequest, duty_id: Id, document_id: Id
) -> HttpResponse:
    actor = _actor(request)
    document = selectors.duty_document_get(actor=actor, duty=duty_id, pk=document_id)
    data = services.duty_document_read(actor=actor, document=document, request=request)
    return _download(
        data, document.name, services.documents.CONTENT_TYPES[document.format]
    )


@router.get("/duty-rules", response=list[RuleOut], summary="The duty rules in force")
def rule_list(request: HttpRequest) -> Any:
    _require_service_role(_actor(request))
    return selectors.duty_rule_list()


@router.patch(
    "/duty-rules/{rule_id}", response=RuleOut, summary="Change a duty rule (director)"
)
def rule_update(request: HttpRequest, rule_id: Id, payload: RulePatch) -> Any:
    actor = _actor(request)
    if not actor.has_perm("service.change_dutyrule"):
        raise PermissionDenied(_("Only the director may change the duty rules."))
    rule = DutyRule.objects.get(pk=rule_id)
    changes = payload.dict(exclude_unset=True)
    if "channels" in changes and changes["channels"] is not None:
        changes["channels"] = [str(c) for c in changes["channels"]]
    return services.duty_rule_update(actor=actor, rule=rule, **changes)


# --------------------------------------------------------------------------
# Compliance and notifications


@router.get(
    "/compliance",
    response=DashboardOut,
    summary="Compliance firm-wide, per tier and per lawyer (what you may see)",
)
def compliance(request: HttpRequest, today: Day | None = None) -> Any:
    actor = _actor(request)
    _require_service_role(actor)
    return selectors.compliance_dashboard(actor=actor, today=today)


@router.get(
    "/compliance/clients/{client_id}",
    response=ClientComplianceOut,
    summary="One client's compliance summary",
)
def client_compliance(
    request: HttpRequest, client_id: Id, today: Day | None = None
) -> Any:
    actor = _actor(request)
    client = Client.objects.filter(client_visibility_q(actor)).get(pk=client_id)
    result = selectors.client_compliance(actor=actor, client=client, today=today)
    return {
        "client": result.client_id,
        "status": result.status,
        "last_contact_on": result.last_contact_on,
        "summary": result.summary,
        "next_due": result.next_due,
        "overdue": result.overdue,
    }


@router.get(
    "/notifications",
    response=list[NotificationOut],
    summary="Your notifications (reminders of service duties)",
)
@paginate(BoundedPagination)
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    return selectors.notification_list(user=_actor(request), unread_only=unread)


@router.post(
    "/notifications/read",
    response=dict[str, int],
    summary="Mark your notifications read (all, or one with ?id=)",
)
def notifications_read(request: HttpRequest, id: Id | None = None) -> Any:  # noqa: A002
    return {"marked": services.notifications_mark_read(user=_actor(request), pk=id)}
