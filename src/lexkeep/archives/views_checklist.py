"""The director's page of required materials per business domain (SPEC §7.1).

Thin views over the checklist services — the same ones the API uses — which
refuse everyone but the director (403) and audit every change. A volume's
completeness check reads the list as changed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from lexkeep.accounts.models import User
from lexkeep.archives.choices import MaterialType
from lexkeep.archives.forms import ChecklistItemForm
from lexkeep.archives.models import RequiredMaterial
from lexkeep.archives.services import (
    ChecklistItem,
    checklist_item_add,
    checklist_item_deactivate,
    checklist_item_move,
    checklist_item_restore,
    checklist_item_update,
    checklist_row,
    checklist_rows,
)
from lexkeep.archives.views import desk_page
from lexkeep.clients.choices import Domain
from lexkeep.clients.views._common import actor, area_view
from lexkeep.web.areas import ARCHIVES
from lexkeep.web.forms import form_submit, message_redirect


def _domain(request: HttpRequest) -> str:
    domain = request.GET.get("domain") or request.POST.get("domain") or ""
    return domain if domain in Domain.values else Domain.LITIGATION.value


def _page_url(domain: str) -> str:
    return f"{reverse('archives:checklist')}?domain={domain}"


def _row_view(row: RequiredMaterial) -> dict[str, Any]:
    return {
        "row": row,
        "label": _(row.label),
        "types": [
            MaterialType(t).label if t in MaterialType.values else t
            for t in row.material_types
        ],
    }


def _render(
    request: HttpRequest, domain: str, form: ChecklistItemForm, status: int = 200
) -> HttpResponse:
    rows = checklist_rows(actor=actor(request), domain=domain)
    return desk_page(
        request,
        "archives/checklist.html",
        "checklist",
        {
            "domain": domain,
            "domains": Domain.choices,
            "required": [_row_view(r) for r in rows if r.active],
            "inactive": [_row_view(r) for r in rows if not r.active],
            "form": form,
        },
        status=status,
    )


@area_view(ARCHIVES)
def checklist(request: HttpRequest) -> HttpResponse:
    """List the required materials of a domain; POST adds one (the director)."""
    domain = _domain(request)
    if request.method != "POST":
        return _render(request, domain, ChecklistItemForm())
    checklist_rows(actor=actor(request), domain=domain)  # 403 before validating
    form = ChecklistItemForm(request.POST)
    return form_submit(
        form,
        lambda data: checklist_item_add(actor=actor(request), domain=domain, **data),
        done=lambda _items: message_redirect(
            request,
            _("“%(label)s” is now a required material.")
            % {"label": form.cleaned_data["label"]},
            _page_url(domain),
        ),
        invalid=lambda: _render(request, domain, form, status=400),
    )


def _row(request: HttpRequest, pk: int) -> RequiredMaterial:
    try:
        return checklist_row(actor=actor(request), pk=pk)
    except RequiredMaterial.DoesNotExist:
        raise Http404 from None


@area_view(ARCHIVES)
def checklist_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a required item's label and the types that satisfy it."""
    row = _row(request, pk)
    shown = _(row.label)
    if request.method != "POST":
        form = ChecklistItemForm(
            initial={"label": shown, "material_types": row.material_types}
        )
        return _edit_page(request, row, form)
    form = ChecklistItemForm(request.POST)

    def update(data: dict[str, Any]) -> list[ChecklistItem]:
        label = data["label"]
        return checklist_item_update(
            actor=actor(request),
            row=row,
            # An unchanged standard label stays translatable.
            label=row.label if label == shown else label,
            material_types=data["material_types"],
        )

    return form_submit(
        form,
        update,
        done=lambda _items: message_redirect(
            request,
            _("“%(label)s” has been changed.") % {"label": form.cleaned_data["label"]},
            _page_url(row.domain),
        ),
        invalid=lambda: _edit_page(request, row, form, status=400),
    )


def _edit_page(
    request: HttpRequest,
    row: RequiredMaterial,
    form: ChecklistItemForm,
    status: int = 200,
) -> HttpResponse:
    return desk_page(
        request,
        "archives/checklist_edit.html",
        "checklist",
        {"item": _row_view(row), "form": form, "domain": row.domain},
        status=status,
    )


#: What each button on a required item does, and what the page then says.
_ACTIONS: dict[str, tuple[Callable[[User, RequiredMaterial, bool], Any], str]] = {
    "off": (
        lambda user, row, _up: checklist_item_deactivate(actor=user, row=row),
        gettext_noop("“%(label)s” is no longer required."),
    ),
    "on": (
        lambda user, row, _up: checklist_item_restore(actor=user, row=row),
        gettext_noop("“%(label)s” is required again."),
    ),
    "move": (
        lambda user, row, up: checklist_item_move(actor=user, row=row, up=up),
        gettext_noop("“%(label)s” has moved."),
    ),
}


@area_view(ARCHIVES)
@require_POST
def checklist_item_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take an item off the list, put it back, or move it one place up or down."""
    if action not in _ACTIONS:
        raise Http404
    row = _row(request, pk)
    call, success = _ACTIONS[action]
    try:
        call(actor(request), row, request.POST.get("direction") == "up")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _(success) % {"label": _(row.label)})
    return redirect(_page_url(row.domain))
