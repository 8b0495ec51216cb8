"""A client's page with its tabs, the register and edit forms, and "show ID".

Thin views: parse with a form, call a selector or service, render. Errors
map to what the user sees: ``ValidationError`` → messages on the fields,
``PermissionDenied`` → 403, ``DoesNotExist`` (not there, or not visible) →
404.
"""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lexkeep.accounts.models import User
from lexkeep.clients import selectors, services
from lexkeep.clients.choices import ClientType
from lexkeep.clients.conflicts import CHECK_ROLES
from lexkeep.clients.forms import (
    ClientForm,
    ConsentForm,
    ReviewForm,
    TeamForm,
    TierOverrideForm,
    UpdateRecordForm,
    WithdrawForm,
    domain_values,
)
from lexkeep.clients.masking import SENSITIVE_FIELDS, mask_value
from lexkeep.clients.models import Client
from lexkeep.clients.services.clients import REQUIRED_BY_TYPE
from lexkeep.clients.views._common import actor, area_view, uploaded_bytes
from lexkeep.matters.models import Matter
from lexkeep.matters.selectors import matter_list
from lexkeep.service.selectors import client_compliance
from lexkeep.web.areas import CLIENTS

TABS = ("basic", "matters", "history", "consents", "team")


def get_client(request: HttpRequest, pk: int) -> Client:
    """Return client ``pk`` if the user may see it; otherwise 404."""
    try:
        return selectors.client_get(actor=actor(request), pk=pk)
    except Client.DoesNotExist:
        raise Http404(_("No such client.")) from None


def _client_matters(user: User, client: Client) -> QuerySet[Matter]:
    """Return ``client``'s matters ``user`` may see, without the client row."""
    return (
        matter_list(actor=user, client=client.pk)
        .select_related(None)
        .select_related("supervising_lawyer")
    )


def render_client(
    request: HttpRequest,
    client: Client,
    tab: str,
    *,
    status: int = 200,
    forms: dict[str, Any] | None = None,
    revealed: dict[str, str] | None = None,
) -> HttpResponse:
    """Render ``client``'s page on ``tab``, loading only that tab's records."""
    user = actor(request)
    may_change = user.has_perm("clients.change_client", client)
    context: dict[str, Any] = {
        "client": client,
        "tab": tab,
        "tabs": TABS,
        "may_change": may_change,
        "may_override": user.has_perm("clients.override_tier"),
        "may_assign": user.has_perm("clients.assign_team"),
        "may_check": user.has_role(*CHECK_ROLES),
        "revealed": revealed or {},
        "is_individual": client.client_type == ClientType.INDIVIDUAL,
    }
    forms = forms or {}
    if tab == "basic":
        consent = selectors.client_consent_state(actor=user, client=client)
        review = selectors.client_review_state(
            actor=user, client=client, today=timezone.localdate()
        )
        context.update(
            {
                "sensitive_active": consent.sensitive_active,
                "sensitive_withdrawn": consent.sensitive_withdrawn,
                "masked": {
                    f: mask_value(f, getattr(client, f)) for f in SENSITIVE_FIELDS
                },
                "may_reveal": user.has_perm("clients.reveal_sensitive", client),
                "review_status": review.status,
                "last_review": review.last_reviewed_on,
                "reviews": list(
                    selectors.client_review_list(actor=user, client=client)[:4]
                ),
                "updates": list(
                    selectors.client_update_list(actor=user, client=client)[:5]
                ),
            }
        )
        # The service the client's tier promises, and whether it got it
        # (SPEC §2.2, §4), for whoever may see its duties; the service page
        # holds the duties and the contact log.
        with suppress(Client.DoesNotExist):
            context["compliance"] = client_compliance(actor=user, client=client)
        if may_change:
            today = timezone.localdate()
            matters = list(
                matter_list(actor=user, client=client.pk)
                .select_related(None)
                .prefetch_related(None)
                .only("pk", "name", "client_id")
            )
            context["review_form"] = forms.get("review") or ReviewForm(
                initial={"reviewed_on": today}
            )
            context["update_form"] = forms.get("update") or UpdateRecordForm(
                matters=matters, initial={"occurred_on": today}
            )
    elif tab == "matters":
        context["matters"] = list(_client_matters(user, client))
    elif tab == "history":
        context["history"] = selectors.client_history_shown(actor=user, client=client)
    elif tab == "consents":
        consent = selectors.client_consent_state(actor=user, client=client)
        consents = consent.consents
        context["sensitive_active"] = consent.sensitive_active
        context["sensitive_withdrawn"] = consent.sensitive_withdrawn
        context["consents"] = consents
        if may_change:
            context["consent_form"] = forms.get("consent") or ConsentForm(
                initial={"signed_on": timezone.localdate()}
            )
            withdraw = forms.get("withdraw")
            context["withdraw_forms"] = {
                c.pk: (
                    withdraw[1]
                    if withdraw and withdraw[0] == c.pk
                    else WithdrawForm(
                        prefix=f"w{c.pk}",
                        initial={"withdrawn_on": timezone.localdate()},
                    )
                )
                for c in consents
                if c.is_active
            }
    elif tab == "team":
        team = list(client.team.all())
        context["team"] = team
        context["tier_changes"] = list(
            selectors.tier_change_list(actor=user, client=client)
        )
        context["assignment_errors"] = services.assignment_errors(
            tier=client.tier, owner=client.owner, team=team
        )
        if context["may_override"]:
            context["tier_form"] = forms.get("tier") or TierOverrideForm(
                initial={"tier": client.tier}
            )
        if context["may_assign"]:
            context["team_form"] = forms.get("team") or TeamForm(
                initial={"owner": client.owner_id, "team": [m.pk for m in team]}
            )
    response = render(request, "clients/detail.html", context, status=status)
    if revealed:
        response["Cache-Control"] = "no-store"
    return response


@area_view(CLIENTS)
def client_detail(request: HttpRequest, pk: int, tab: str = "basic") -> HttpResponse:
    """Show one tab of a client's page (basic, matters, history, consents, team)."""
    if tab not in TABS:
        raise Http404
    return render_client(request, get_client(request, pk), tab)


@area_view(CLIENTS)
@require_POST
def client_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """Show a sensitive value unmasked, once, and log the view (SPEC §6).

    The service decides who may (403 otherwise) and writes the audit entry;
    htmx swaps just the value, a plain form post re-renders the page.
    """
    client = get_client(request, pk)
    if field not in SENSITIVE_FIELDS:
        raise Http404
    value = services.client_sensitive_reveal(
        actor=actor(request), client=client, field=field, request=request
    )
    if request.htmx:  # type: ignore[attr-defined]
        response = render(
            request,
            "clients/_revealed.html",
            {"value": value, "field": field, "client": client},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render_client(request, client, "basic", revealed={field: value})


def _required_json() -> str:
    """Return which fields each type needs (SPEC §2.3), for the form's script."""
    return json.dumps({k: list(v) for k, v in REQUIRED_BY_TYPE.items()})


@area_view(CLIENTS)
def client_create(request: HttpRequest) -> HttpResponse:
    """Register a client, with the separate consent when an ID number is given."""
    user = actor(request)
    if not user.has_perm("clients.add_client"):
        raise PermissionDenied(_("You may not register clients."))
    may_choose_owner = user.has_perm("clients.assign_team")
    form = ClientForm(
        request.POST or None,
        request.FILES or None,
        may_choose_owner=may_choose_owner,
        initial={"client_type": request.GET.get("type") or ClientType.INDIVIDUAL},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            consent = None
            if form.has_consent():
                document, document_name = uploaded_bytes(
                    form.cleaned_data.get("consent_document")
                )
                consent = services.ConsentInput(
                    purpose=form.cleaned_data.get("consent_purpose") or "",
                    scope=form.cleaned_data.get("consent_scope") or "",
                    use=form.cleaned_data.get("consent_use") or "",
                    signed_on=form.cleaned_data.get("consent_signed_on"),
                    document=document,
                    document_name=document_name,
                )
            try:
                client = services.client_create(
                    actor=user,
                    owner=form.cleaned_data.get("owner"),
                    consent=consent,
                    **form.client_data(),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("Client “%(name)s” has been registered.") % {"name": client.name},
                )
                return redirect(client)
    return render(
        request,
        "clients/form.html",
        {"form": form, "editing": False, "required_json": _required_json()},
        status=status,
    )


@area_view(CLIENTS)
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a client's information; the history keeps old and new values."""
    user = actor(request)
    client = get_client(request, pk)
    if not user.has_perm("clients.change_client", client):
        raise PermissionDenied(_("You may not change this client."))
    initial = {
        name: getattr(client, name)
        for name in (
            "client_type",
            "enterprise_kind",
            "name",
            "gender",
            "credit_code",
            "legal_representative",
            "phone",
            "email",
            "address",
            "registered_address",
            "preferred_channel",
            "service_focus",
            "news_opt_out",
            "notes",
        )
    }
    initial["domains"] = domain_values(client)
    form = ClientForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = form.client_data()
            for field in SENSITIVE_FIELDS:
                # Empty keeps the value on record (it is never shown here).
                if not changes.get(field):
                    changes.pop(field, None)
            try:
                services.client_update(actor=user, client=client, changes=changes)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The client's information was saved."))
                return redirect(client)
    return render(
        request,
        "clients/form.html",
        {
            "form": form,
            "editing": True,
            "client": client,
            "required_json": _required_json(),
            "masked": {f: mask_value(f, getattr(client, f)) for f in SENSITIVE_FIELDS},
        },
        status=status,
    )
