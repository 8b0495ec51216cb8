"""Records made on a client's page: consents, reviews, changes, tier and team.

Each view parses one form, calls one service and returns to the tab it came
from; on refusal the tab is shown again with the service's reasons on the
fields (400).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
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
from lexkeep.clients.models import Client, ClientUpdate, Consent
from lexkeep.clients.views._common import actor, area_view, uploaded_bytes
from lexkeep.clients.views.client import get_client, render_client
from lexkeep.matters.selectors import matter_list
from lexkeep.web.areas import CLIENTS
from lexkeep.web.forms import ServiceForm, form_submit, message_redirect


def _tab(pk: int, tab: str) -> str:
    """Return the address of the client's ``tab``."""
    name = "clients:detail" if tab == "basic" else f"clients:{tab}"
    return reverse(name, args=[pk])


def _record(
    request: HttpRequest,
    client: Client,
    form: ServiceForm,
    service: Callable[..., object],
    message: str,
    *,
    tab: str,
    key: str,
) -> HttpResponse:
    """Call ``service(**form.cleaned_data)`` and return to ``tab`` with ``message``.

    A form the form or the service refuses shows ``tab`` again with the
    reasons on its fields (400).
    """
    return form_submit(
        form,
        lambda data: service(**data),
        done=lambda _result: message_redirect(request, message, _tab(client.pk, tab)),
        invalid=lambda: render_client(
            request, client, tab, status=400, forms={key: form}
        ),
    )


@area_view(CLIENTS)
@require_POST
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a consent with its signed document (SPEC §6)."""
    client = get_client(request, pk)
    form = ConsentForm(request.POST, request.FILES)

    def record(data: dict[str, Any]) -> Consent:
        fields = dict(data)
        document, name = uploaded_bytes(fields.pop("document", None))
        return services.consent_record(
            actor=actor(request),
            client=client,
            document=document,
            document_name=name,
            **fields,
        )

    return form_submit(
        form,
        record,
        done=lambda _consent: message_redirect(
            request, _("The consent has been recorded."), _tab(pk, "consents")
        ),
        invalid=lambda: render_client(
            request, client, "consents", status=400, forms={"consent": form}
        ),
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
    return form_submit(
        form,
        lambda data: services.consent_withdraw(
            actor=actor(request), consent=consent, **data
        ),
        done=lambda _result: message_redirect(
            request, _("The withdrawal has been recorded."), _tab(pk, "consents")
        ),
        refused=lambda _exc: message_redirect(
            request,
            _("This consent has already been withdrawn."),
            _tab(pk, "consents"),
            level=messages.ERROR,
        ),
        invalid=lambda: render_client(
            request,
            get_client(request, pk),
            "consents",
            status=400,
            forms={"withdraw": (consent.pk, form)},
        ),
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
    service = partial(
        services.client_review_record, actor=actor(request), client=client
    )
    message = _("The quarterly review has been recorded.")
    form = ReviewForm(request.POST)
    return _record(request, client, form, service, message, tab="basic", key="review")


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

    def recorded(update: ClientUpdate) -> HttpResponse:
        if update.late:
            return message_redirect(
                request,
                _(
                    "The change has been recorded, late: it was due by "
                    "%(due)s (2 working days after it happened)."
                )
                % {"due": update.due_on.isoformat()},
                _tab(pk, "basic"),
                level=messages.WARNING,
            )
        return message_redirect(
            request, _("The change has been recorded."), _tab(pk, "basic")
        )

    return form_submit(
        form,
        lambda data: services.client_update_record(
            actor=user, client=client, **{**data, "matter": form.matter_object()}
        ),
        done=recorded,
        invalid=lambda: render_client(
            request, client, "basic", status=400, forms={"update": form}
        ),
    )


@area_view(CLIENTS)
@require_POST
def tier_override(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner sets the tier by hand with a written reason (SPEC §2.1)."""
    client = get_client(request, pk)
    service = partial(
        services.client_tier_override, actor=actor(request), client=client
    )
    form = TierOverrideForm(request.POST)
    message = _("The tier has been set.")
    return _record(request, client, form, service, message, tab="team", key="tier")


@area_view(CLIENTS)
@require_POST
def tier_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the client to the tier its fees give (SPEC §2.1)."""
    client = get_client(request, pk)
    services.client_tier_release_override(actor=actor(request), client=client)
    return message_redirect(
        request, _("The tier is computed from fees again."), _tab(pk, "team")
    )


@area_view(CLIENTS)
@require_POST
def team_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign the relationship owner and the dedicated team (SPEC §2.2)."""
    client = get_client(request, pk)
    form = TeamForm(request.POST)
    message = _("The service team has been assigned.")
    service = partial(services.client_assign_team, actor=actor(request), client=client)
    return _record(request, client, form, service, message, tab="team", key="team")
