"""The client list, and the reassignment and quarterly-review lists (SPEC §2)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lexkeep.clients import selectors
from lexkeep.clients.forms import ClientFilterForm
from lexkeep.clients.masking import SENSITIVE_FIELDS
from lexkeep.clients.search import client_ids_matching
from lexkeep.clients.views._common import (
    actor,
    area_view,
    paginate,
    query_without_page,
)
from lexkeep.web.areas import CLIENTS


@area_view(CLIENTS)
def client_list(request: HttpRequest) -> HttpResponse:
    """List the clients the user may see, filtered and searched, 25 a page.

    htmx requests (filter changes) get only the results; the same URL
    without JavaScript returns the whole page.
    """
    user = actor(request)
    form = ClientFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    q = (filters.get("q") or "").strip()
    owner = filters.get("owner")
    clients = selectors.client_list(
        actor=user,
        client_type=filters.get("client_type") or None,
        domain=filters.get("domain") or None,
        tier=filters.get("tier") or None,
        owner=owner.pk if owner else None,
        review=filters.get("review") or None,
        ids=client_ids_matching(q) if q else None,
    )
    # The list never shows sensitive values: do not load (and decrypt) them.
    clients = clients.defer(*SENSITIVE_FIELDS)
    today = timezone.localdate()
    page = paginate(request, selectors.with_review_status(clients, today=today))
    context = {
        "form": form,
        "page": page,
        "q": q,
        "filtered": any(filters.values()),
        "query": query_without_page(request),
        "may_create": user.has_perm("clients.add_client"),
    }
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, "clients/_client_results.html", context)
    return render(request, "clients/list.html", context)


@area_view(CLIENTS)
def reassignment_list(request: HttpRequest) -> HttpResponse:
    """Clients whose owner or team no longer fits their tier (SPEC §2.2)."""
    clients = selectors.clients_needing_reassignment(actor=actor(request)).defer(
        *SENSITIVE_FIELDS
    )
    return render(
        request,
        "clients/reassignment.html",
        {
            "page": paginate(request, clients),
            "query": query_without_page(request),
        },
    )


@area_view(CLIENTS)
def review_list(request: HttpRequest) -> HttpResponse:
    """Clients due and overdue for the quarterly review, per owner (SPEC §2.4)."""
    today = timezone.localdate()
    groups = selectors.clients_review_status(actor=actor(request), today=today)
    return render(
        request,
        "clients/reviews.html",
        {
            "groups": groups,
            "today": today,
            "due_total": sum(len(g.due) for g in groups),
            "overdue_total": sum(len(g.overdue) for g in groups),
        },
    )
