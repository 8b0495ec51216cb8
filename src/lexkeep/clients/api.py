"""API: clients, consents, reviews, major changes, tiers and teams (SPEC §2, §6).

Handlers parse input and call a selector or a service; visibility, rules
and validation live there. Errors follow the contract: 400/422 naming each
field, 403 not allowed, 404 not visible, 409 a state conflict.
"""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from lexkeep.accounts.models import User
from lexkeep.api.pagination import BoundedPagination, RowsPagination
from lexkeep.api.types import Code, Day, Filters, Id, Search
from lexkeep.clients import selectors, services
from lexkeep.clients.choices import ClientType, Domain, SubDomain, Tier
from lexkeep.clients.models import Client
from lexkeep.clients.schemas import (
    ClientIn,
    ClientOut,
    ClientPatch,
    ClientRef,
    ClientRowOut,
    ConsentIn,
    ConsentOut,
    HistoryRowOut,
    ReviewGroupOut,
    ReviewIn,
    ReviewOut,
    TeamIn,
    TierChangeOut,
    TierOverrideIn,
    TierPolicyIO,
    UpdateIn,
    UpdateOut,
    WithdrawIn,
)
from lexkeep.clients.search import client_ids_matching

router = Router(tags=["clients"])

#: Largest consent document accepted through the API (a signed scan).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class ClientFilters(Filters):
    client_type: ClientType | None = None
    domain: Domain | None = None
    sub_domain: SubDomain | None = None
    tier: Tier | None = None
    owner: Id | None = None
    review: Literal["current", "due", "overdue"] | None = None
    q: Search | None = Field(
        None, description="Any part of the name or credit code (1 character or more)."
    )


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _user(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError(
            {field: [_("No active user has id %(id)s.") % {"id": pk}]}
        )
    return user


def _get(request: HttpRequest, client_id: int) -> Client:
    return selectors.client_get(actor=_actor(request), pk=client_id)


def _shown(request: HttpRequest, client_id: int) -> dict[str, Any]:
    """Return the client as the API shows it (:class:`ClientOut`), masked."""
    return selectors.client_row(actor=_actor(request), pk=client_id)


@router.get(
    "/clients",
    response=list[ClientRowOut],
    summary="List the clients you may see (filters: type, domain, tier, owner, review)",
)
@paginate(RowsPagination)
def client_list(request: HttpRequest, filters: Query[ClientFilters]) -> Any:
    data = filters.dict()
    q = (data.pop("q") or "").strip()
    return selectors.client_rows(
        actor=_actor(request),
        ids=client_ids_matching(q) if q else None,
        **data,
    )


@router.post("/clients", response={201: ClientOut}, summary="Register a client")
def client_create(request: HttpRequest, payload: ClientIn) -> Status:
    data = payload.dict()
    consent = data.pop("consent")
    owner = _user(data.pop("owner"), "owner")
    client = services.client_create(
        actor=_actor(request),
        owner=owner,
        consent=services.ConsentInput(**consent) if consent else None,
        **data,
    )
    return Status(201, _shown(request, client.pk))


@router.get(
    "/clients/reassignment-needed",
    response=list[ClientRef],
    summary="Clients whose owner or team no longer fits their tier (SPEC §2.2)",
)
@paginate(BoundedPagination)
def reassignment_needed(request: HttpRequest) -> Any:
    return selectors.clients_needing_reassignment(actor=_actor(request))


@router.get(
    "/clients/review-status",
    response=list[ReviewGroupOut],
    summary="Clients due and overdue for the quarterly review, per owner (SPEC §2.4)",
)
def review_status(request: HttpRequest, today: Day | None = None) -> Any:
    groups = selectors.clients_review_status(
        actor=_actor(request), today=today or timezone.localdate()
    )
    return [
        {
            "owner": g.owner.pk if g.owner else None,
            "owner_name": str(g.owner) if g.owner else "",
            "due": g.due,
            "overdue": g.overdue,
        }
        for g in groups
    ]


@router.get(
    "/clients/{int:client_id}",
    response=ClientOut,
    summary="A client; ?reveal=id_number shows it unmasked if you may (logged)",
)
def client_detail(
    request: HttpRequest, client_id: Id, reveal: Code | None = None
) -> dict[str, Any]:
    row = _shown(request, client_id)
    if reveal:
        fields = [f.strip() for f in reveal.split(",") if f.strip()]
        client = _get(request, client_id)
        revealed = {
            field: services.client_sensitive_reveal(
                actor=_actor(request), client=client, field=field, request=request
            )
            for field in fields
        }
        row.update(revealed)
    return row


@router.patch("/clients/{int:client_id}", response=ClientOut, summary="Change a client")
def client_patch(
    request: HttpRequest, client_id: Id, payload: ClientPatch
) -> dict[str, Any]:
    client = _get(request, client_id)
    changes = payload.dict(exclude_unset=True)
    services.client_update(actor=_actor(request), client=client, changes=changes)
    return _shown(request, client_id)


@router.get(
    "/clients/{int:client_id}/history",
    response=list[HistoryRowOut],
    summary="Every change of a client: field, old, new, who, when (SPEC §2.4)",
)
def client_history(request: HttpRequest, client_id: Id) -> Any:
    client = _get(request, client_id)
    return selectors.client_history(actor=_actor(request), client=client)


@router.get(
    "/clients/{int:client_id}/reviews",
    response=list[ReviewOut],
    summary="Quarterly reviews of a client",
)
def review_list(request: HttpRequest, client_id: Id) -> Any:
    client = _get(request, client_id)
    return selectors.client_review_list(actor=_actor(request), client=client)


@router.post(
    "/clients/{int:client_id}/reviews",
    response={201: ReviewOut},
    summary="Record the quarterly review (a second one this quarter replaces it)",
)
def review_create(request: HttpRequest, client_id: Id, payload: ReviewIn) -> Status:
    client = _get(request, client_id)
    review = services.client_review_record(
        actor=_actor(request), client=client, **payload.dict()
    )
    return Status(201, review)


@router.get(
    "/clients/{int:client_id}/updates",
    response=list[UpdateOut],
    summary="Major changes recorded for a client",
)
def update_list(request: HttpRequest, client_id: Id) -> Any:
    client = _get(request, client_id)
    return selectors.client_update_list(actor=_actor(request), client=client)


@router.post(
    "/clients/{int:client_id}/updates",
    response={201: UpdateOut},
    summary="Record a major change (due within 2 working days, SPEC §2.4)",
)
def update_create(request: HttpRequest, client_id: Id, payload: UpdateIn) -> Status:
    from lexkeep.matters.models import Matter

    client = _get(request, client_id)
    data = payload.dict()
    matter = None
    matter_id = data.pop("matter")
    if matter_id is not None:
        matter = Matter.objects.filter(pk=matter_id, client=client).first()
        if matter is None:
            raise ValidationError(
                {"matter": [_("The matter is not one of this client's matters.")]}
            )
    update = services.client_update_record(
        actor=_actor(request), client=client, matter=matter, **data
    )
    return Status(201, update)


@router.get(
    "/clients/{int:client_id}/tier-changes",
    response=list[TierChangeOut],
    summary="Every change of a client's tier: who, when, why (SPEC §2.1)",
)
def tier_changes(request: HttpRequest, client_id: Id) -> Any:
    client = _get(request, client_id)
    return selectors.tier_change_list(actor=_actor(request), client=client)


@router.post(
    "/clients/{int:client_id}/tier",
    response=ClientOut,
    summary="Set the tier by hand with a reason (partner or director)",
)
def tier_override(
    request: HttpRequest, client_id: Id, payload: TierOverrideIn
) -> dict[str, Any]:
    client = _get(request, client_id)
    services.client_tier_override(
        actor=_actor(request), client=client, tier=payload.tier, reason=payload.reason
    )
    return _shown(request, client_id)


@router.delete(
    "/clients/{int:client_id}/tier",
    response=ClientOut,
    summary="Release a hand-set tier and recompute it from fees",
)
def tier_release(request: HttpRequest, client_id: Id) -> dict[str, Any]:
    client = _get(request, client_id)
    services.client_tier_release_override(actor=_actor(request), client=client)
    return _shown(request, client_id)


@router.put(
    "/clients/{int:client_id}/team",
    response=ClientOut,
    summary="Assign the relationship owner and dedicated team (SPEC §2.2)",
)
def team_assign(request: HttpRequest, client_id: Id, payload: TeamIn) -> dict[str, Any]:
    client = _get(request, client_id)
    owner = _user(payload.owner, "owner")
    members = list(User.objects.filter(pk__in=payload.team, is_active=True))
    missing = set(payload.team) - {m.pk for m in members}
    if missing:
        raise ValidationError(
            {"team": [_("No active user has id %(id)s.") % {"id": min(missing)}]}
        )
    services.client_assign_team(
        actor=_actor(request), client=client, owner=owner, team=members
    )
    return _shown(request, client_id)


@router.get(
    "/consents",
    response=list[ConsentOut],
    tags=["consents"],
    summary="Consents of the clients you may see (?client=)",
)
@paginate(BoundedPagination)
def consent_list(request: HttpRequest, client: Id | None = None) -> Any:
    return selectors.consent_list(actor=_actor(request), client=client)


@router.post(
    "/consents",
    response={201: ConsentOut},
    tags=["consents"],
    summary="Record a consent, with the signed document (multipart, optional)",
)
def consent_create(
    request: HttpRequest,
    payload: Form[ConsentIn],
    document: UploadedFile | None = File(None),  # noqa: B008
) -> Status:
    client = _get(request, payload.client)
    content = None
    name = ""
    if document is not None:
        if document.size and document.size > MAX_DOCUMENT_BYTES:
            raise ValidationError({"document": [_("The document is too large.")]})
        content = document.read()
        name = document.name or ""
    data = payload.dict()
    data.pop("client")
    consent = services.consent_record(
        actor=_actor(request),
        client=client,
        document=content,
        document_name=name,
        **data,
    )
    return Status(201, consent)


@router.post(
    "/consents/{int:consent_id}/withdraw",
    response=ConsentOut,
    tags=["consents"],
    summary="Record the withdrawal of a consent (sensitive data is then erased)",
)
def consent_withdraw(request: HttpRequest, consent_id: Id, payload: WithdrawIn) -> Any:
    consent = selectors.consent_get(actor=_actor(request), pk=consent_id)
    return services.consent_withdraw(
        actor=_actor(request),
        consent=consent,
        withdrawn_on=payload.withdrawn_on,
        note=payload.note,
    )


@router.get(
    "/consents/{int:consent_id}/document",
    tags=["consents"],
    summary="Download the signed consent document (logged)",
)
def consent_document(request: HttpRequest, consent_id: Id) -> HttpResponse:
    consent = selectors.consent_get(actor=_actor(request), pk=consent_id)
    data = services.consent_document_read(
        actor=_actor(request), consent=consent, request=request
    )
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename=consent-{consent.pk}"
    return response


@router.get("/tier-policy", response=TierPolicyIO, tags=["tiers"])
def tier_policy(request: HttpRequest) -> Any:
    """Return the fee thresholds of the tiers (SPEC §2.1)."""
    return services.tier_policy_get()


@router.put("/tier-policy", response=TierPolicyIO, tags=["tiers"])
def tier_policy_put(request: HttpRequest, payload: TierPolicyIO) -> Any:
    """Change the fee thresholds of the tiers (director only, SPEC §2.1)."""
    return services.tier_policy_update(
        actor=_actor(request),
        strategic_threshold=payload.strategic_threshold,
        key_threshold=payload.key_threshold,
    )
