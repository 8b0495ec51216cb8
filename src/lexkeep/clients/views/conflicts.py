"""The conflict-of-interest check pages (利益冲突检索; SPEC §2.4, product decision).

Run a check, read its hits (restricted ones only as "refer to a partner"),
decide it, and open a matter with a decided check.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lexkeep.clients import conflicts
from lexkeep.clients.forms import ConflictCheckForm, DecisionForm
from lexkeep.clients.models import Client
from lexkeep.clients.views._common import (
    actor,
    area_view,
    paginate,
    uploaded_bytes,
)
from lexkeep.clients.views.client import get_client
from lexkeep.clients.visibility import sees_everything
from lexkeep.core.exceptions import InvalidTransition
from lexkeep.matters.models import ConflictCheck, Matter
from lexkeep.web.areas import CLIENTS


def _for_client(request: HttpRequest) -> Client | None:
    raw = request.POST.get("client") or request.GET.get("client") or ""
    return get_client(request, int(raw)) if raw.isdigit() else None


@area_view(CLIENTS)
def conflict_check(request: HttpRequest) -> HttpResponse:
    """Show the check form and recent checks; run a check on POST."""
    user = actor(request)
    client = _for_client(request)
    initial: dict[str, Any] = {}
    if client is not None:
        initial = {"name": client.name, "credit_code": client.credit_code}
    form = ConflictCheckForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                check = conflicts.conflict_check_run(
                    actor=user,
                    name=form.cleaned_data["name"],
                    credit_code=form.cleaned_data["credit_code"],
                    id_number=form.cleaned_data["id_number"],
                    parties=form.parties(),
                    client=client,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("clients:conflict_check_detail", pk=check.pk)
    checks = conflicts.conflict_check_list(actor=user)
    return render(
        request,
        "clients/conflict_check.html",
        {
            "form": form,
            "for_client": client,
            "may_run": user.has_role(*conflicts.CHECK_ROLES),
            "page": paginate(request, checks),
        },
        status=status,
    )


def _get_check(request: HttpRequest, pk: int) -> ConflictCheck:
    try:
        return conflicts.conflict_check_get(actor=actor(request), pk=pk)
    except ConflictCheck.DoesNotExist:
        raise Http404(_("No such conflict check.")) from None


def _render_check(
    request: HttpRequest,
    check: ConflictCheck,
    *,
    form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = actor(request)
    hits = conflicts.conflict_check_hits_for(actor=user, check=check)
    try:
        matter: Matter | None = check.matter  # type: ignore[attr-defined]
    except Matter.DoesNotExist:
        matter = None
    pending = check.decision == ConflictCheck.Decision.PENDING
    may_decide = pending and (sees_everything(user) or check.searched_by_id == user.pk)
    usable = check.decision in (
        ConflictCheck.Decision.CLEAR,
        ConflictCheck.Decision.WAIVED,
    )
    return render(
        request,
        "clients/conflict_check_detail.html",
        {
            "check": check,
            "hits": hits,
            "restricted_count": sum(1 for h in hits if h["restricted"]),
            "adverse_count": sum(1 for h in hits if h.get("former_client_adverse")),
            "matter": matter,
            "may_decide": may_decide,
            "may_open_matter": usable
            and matter is None
            and user.has_role(*conflicts.CHECK_ROLES),
            "form": form or (DecisionForm() if may_decide else None),
        },
        status=status,
    )


@area_view(CLIENTS)
def conflict_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a check's hits and its decision (or the decision form)."""
    return _render_check(request, _get_check(request, pk))


@area_view(CLIENTS)
@require_POST
def conflict_check_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the decision: clear, waived (with the consent document) or declined."""
    check = _get_check(request, pk)
    form = DecisionForm(request.POST, request.FILES)
    if form.is_valid():
        document, name = uploaded_bytes(form.cleaned_data.get("waiver_document"))
        try:
            conflicts.conflict_check_decide(
                actor=actor(request),
                check=check,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                waiver_document=document,
                waiver_document_name=name,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except InvalidTransition:
            messages.error(request, _("This check has already been decided."))
            return redirect("clients:conflict_check_detail", pk=pk)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect("clients:conflict_check_detail", pk=pk)
    return _render_check(request, check, form=form, status=400)


@area_view(CLIENTS)
def conflict_check_waiver(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the waiver's informed-consent document; the read is logged."""
    check = _get_check(request, pk)
    try:
        data = conflicts.conflict_check_waiver_read(actor=actor(request), check=check)
    except ConflictCheck.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="waiver-{check.pk}"'
    response["Cache-Control"] = "no-store"
    return response


def open_matter_url(check: ConflictCheck) -> str:
    """Return the URL of the matter form preset with ``check``."""
    return reverse("matters:open") + f"?check={check.pk}"
