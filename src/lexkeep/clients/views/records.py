"""Records made on a client's page: consents, reviews, changes, tier and team.

Each view parses one form, calls one service and returns to the tab it came
from; on refusal the tab is shown again with the service's reasons on the
fields (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lexkeep.clients import selectors, services
from lexkeep.clients.forms import (
    ConsentForm,
    ReviewForm,
    TeamForm,
    TierOverrideForm,
    UpdateRecordForm,
    WithdrawForm,
)
from lexkeep.clients.models import Consent
from lexkeep.clients.views._common import actor, area_view, uploaded_bytes
from lexkeep.clients.views.client import get_client, render_client
from lexkeep.core.exceptions import InvalidTransition
from lexkeep.matters.selectors import matter_list
from lexkeep.web.areas import CLIENTS


def _tab(pk: int, tab: str) -> HttpResponse:
    name = "clients:detail" if tab == "basic" else f"clients:{tab}"
    return redirect(reverse(name, args=[pk]))


@area_view(CLIENTS)
@require_POST
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a consent with its signed document (SPEC §6)."""
    client = get_client(request, pk)
    form = ConsentForm(request.POST, request.FILES)
    if form.is_valid():
        document, name = uploaded_bytes(form.cleaned_data.get("document"))
        try:
            services.consent_record(
                actor=actor(request),
                client=client,
                kind=form.cleaned_data["kind"],
                purpose=form.cleaned_data["purpose"],
                scope=form.cleaned_data["scope"],
                use=form.cleaned_data["use"],
                signed_on=form.cleaned_data["signed_on"],
                document=document,
                document_name=name,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The consent has been recorded."))
            return _tab(pk, "consents")
    return render_client(
        request, client, "consents", status=400, forms={"consent": form}
    )


def _consent(request: HttpRequest, pk: int, consent_pk: int) -> Consent:
    try:
        consent = selectors.consent_get(actor=actor(request), pk=consent_pk)
    except Consent.DoesNotExist:
        raise Http404 from None
    if consent.client_id != pk:
        raise Http404
    return consent


@area_view(CLIENTS)
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """Record a withdrawal; the service erases sensitive data if it must."""
    consent = _consent(request, pk, consent_pk)
    form = WithdrawForm(request.POST, prefix=f"w{consent.pk}")
    if form.is_valid():
        try:
            services.consent_withdraw(
                actor=actor(request),
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except InvalidTransition:
            messages.error(request, _("This consent has already been withdrawn."))
            return _tab(pk, "consents")
        else:
            messages.success(request, _("The withdrawal has been recorded."))
            return _tab(pk, "consents")
    return render_client(
        request,
        get_client(request, pk),
        "consents",
        status=400,
        forms={"withdraw": (consent.pk, form)},
    )


@area_view(CLIENTS)
def consent_document(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """Send the signed consent document; the service logs the view (SPEC §6)."""
    consent = _consent(request, pk, consent_pk)
    try:
        data = services.consent_document_read(
            actor=actor(request), consent=consent, request=request
        )
    except Consent.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f'attachment; filename="consent-{consent.pk}"; '
        f"filename*=UTF-8''{_quote(consent.document_name or 'consent.pdf')}"
    )
    response["Cache-Control"] = "no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@area_view(CLIENTS)
@require_POST
def review_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the quarterly confirmation of the client's information (SPEC §2.4)."""
    client = get_client(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.client_review_record(
                actor=actor(request), client=client, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The quarterly review has been recorded."))
            return _tab(pk, "basic")
    return render_client(request, client, "basic", status=400, forms={"review": form})


@area_view(CLIENTS)
@require_POST
def update_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a major change; the service flags it if later than 2 working days."""
    user = actor(request)
    client = get_client(request, pk)
    matters = list(
        matter_list(actor=user, client=client.pk)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "name", "client_id")
    )
    form = UpdateRecordForm(request.POST, matters=matters)
    if form.is_valid():
        try:
            update = services.client_update_record(
                actor=user,
                client=client,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                occurred_on=form.cleaned_data["occurred_on"],
                matter=form.matter_object(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if update.late:
                messages.warning(
                    request,
                    _(
                        "The change has been recorded, late: it was due by "
                        "%(due)s (2 working days after it happened)."
                    )
                    % {"due": update.due_on.isoformat()},
                )
            else:
                messages.success(request, _("The change has been recorded."))
            return _tab(pk, "basic")
    return render_client(request, client, "basic", status=400, forms={"update": form})


@area_view(CLIENTS)
@require_POST
def tier_override(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner sets the tier by hand with a written reason (SPEC §2.1)."""
    client = get_client(request, pk)
    form = TierOverrideForm(request.POST)
    if form.is_valid():
        try:
            services.client_tier_override(
                actor=actor(request),
                client=client,
                tier=form.cleaned_data["tier"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The tier has been set."))
            return _tab(pk, "team")
    return render_client(request, client, "team", status=400, forms={"tier": form})


@area_view(CLIENTS)
@require_POST
def tier_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the client to the tier its fees give (SPEC §2.1)."""
    client = get_client(request, pk)
    services.client_tier_release_override(actor=actor(request), client=client)
    messages.success(request, _("The tier is computed from fees again."))
    return _tab(pk, "team")


@area_view(CLIENTS)
@require_POST
def team_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign the relationship owner and the dedicated team (SPEC §2.2)."""
    client = get_client(request, pk)
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            services.client_assign_team(
                actor=actor(request),
                client=client,
                owner=form.cleaned_data["owner"],
                team=form.cleaned_data["team"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The service team has been assigned."))
            return _tab(pk, "team")
    return render_client(request, client, "team", status=400, forms={"team": form})
