"""Pages of matters (SPEC §3): list, page, opening on a decided check, records.

Thin views: parse with a form, call a selector or service, render. A matter
the user may not see is a 404; an action they may not take a 403; a
closed matter that cannot change shows a message (InvalidTransition).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lexkeep.accounts.models import User
from lexkeep.clients import conflicts
from lexkeep.clients import selectors as client_selectors
from lexkeep.clients.masking import SENSITIVE_FIELDS
from lexkeep.clients.models import Client
from lexkeep.clients.views._common import (
    actor,
    area_view,
    paginate,
    query_without_page,
)
from lexkeep.matters import selectors, services
from lexkeep.matters.forms import (
    CloseForm,
    FeeForm,
    HearingForm,
    KeyDatesForm,
    MatterFilterForm,
    MatterOpenForm,
    PartyForm,
)
from lexkeep.matters.models import ConflictCheck, Hearing, Matter, MatterParty
from lexkeep.web.areas import MATTERS
from lexkeep.web.forms import ServiceForm, form_submit, message_redirect

#: Clients offered in the open form when the check names none.
CLIENT_CHOICES = 50
#: Fields of the open form passed to ``matter_open`` as they are.
OPEN_FIELDS = (
    "name",
    "case_number",
    "domain",
    "sub_domain",
    "supervising_lawyer",
    "engagement_start",
    "engagement_end",
    "description",
)


@area_view(MATTERS)
def matter_list(request: HttpRequest) -> HttpResponse:
    """List the matters the user may see, filtered and searched, 25 a page."""
    user = actor(request)
    form = MatterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    lawyer = filters.get("lawyer")
    client_pk = filters.get("client")
    client = None
    if client_pk:
        try:
            client = client_selectors.client_get(actor=user, pk=client_pk)
        except Client.DoesNotExist:
            raise Http404 from None
    matters = selectors.matter_list(
        actor=user,
        status=filters.get("status") or "",
        domain=filters.get("domain") or "",
        client=client_pk or None,
        lawyer=lawyer.pk if lawyer else None,
        q=filters.get("q") or "",
    )
    # The list shows the client's name only: do not load (and decrypt) its
    # sensitive fields.
    matters = matters.defer(*(f"client__{f}" for f in SENSITIVE_FIELDS))
    context = {
        "form": form,
        "page": paginate(request, matters),
        "filtered": any(filters.values()),
        "client": client,
        "q": filters.get("q") or "",
        "query": query_without_page(request),
    }
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, "matters/_matter_results.html", context)
    return render(request, "matters/list.html", context)


def get_matter(request: HttpRequest, pk: int) -> Matter:
    """Return matter ``pk`` if the user may see it; otherwise 404."""
    try:
        return selectors.matter_get(actor=actor(request), pk=pk)
    except Matter.DoesNotExist:
        raise Http404(_("No such matter.")) from None


def render_matter(
    request: HttpRequest,
    matter: Matter,
    *,
    status: int = 200,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render a matter's page with its parties, hearings, fees and dates."""
    user = actor(request)
    forms = forms or {}
    may_edit = services.may_edit(user, matter)
    is_open = matter.status == Matter.Status.OPEN
    records = selectors.matter_records(actor=user, matter=matter)
    context: dict[str, Any] = {
        "matter": matter,
        "check": matter.conflict_check,
        "archive": records.archive,
        "fees": records.fees,
        "fees_total": records.fees_total,
        "may_edit": may_edit,
        "is_open": is_open,
    }
    if may_edit:
        today = timezone.localdate()
        context.update(
            {
                "party_form": forms.get("party") or PartyForm(),
                "hearing_form": forms.get("hearing") or HearingForm(),
                "fee_form": forms.get("fee") or FeeForm(initial={"received_on": today}),
                "dates_form": forms.get("dates")
                or KeyDatesForm(
                    domain=matter.domain,
                    initial={
                        name: getattr(matter, name) for name in services.KEY_DATE_FIELDS
                    },
                ),
            }
        )
        if is_open:
            context["close_form"] = forms.get("close") or CloseForm(
                domain=matter.domain, initial={"business_end_date": today}
            )
    return render(request, "matters/detail.html", context, status=status)


@area_view(MATTERS)
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one matter."""
    return render_matter(request, get_matter(request, pk))


@area_view(MATTERS)
def matter_open(request: HttpRequest) -> HttpResponse:
    """Open a matter on a decided conflict check (``?check=``; SPEC §2.4, §3)."""
    user = actor(request)
    raw = request.GET.get("check") or request.POST.get("check") or ""
    if not raw.isdigit():
        messages.info(request, _("A matter starts with a conflict check."))
        return redirect("clients:conflict_check")
    try:
        check = conflicts.conflict_check_get(actor=user, pk=int(raw))
    except ConflictCheck.DoesNotExist:
        raise Http404 from None
    choices = selectors.matter_client_choices(
        actor=user,
        check=check,
        wanted=request.GET.get("client") or request.POST.get("client") or "",
        limit=CLIENT_CHOICES,
    )
    initial: dict[str, Any] = {
        "engagement_start": timezone.localdate(),
        "client": request.GET.get("client") or (choices[0][0] if choices else ""),
        "handling_lawyers": [user.pk],
        "record_parties": True,
    }
    form = MatterOpenForm(request.POST or None, clients=choices, initial=initial)

    def page(status: int) -> HttpResponse:
        context = {"form": form, "check": check, "choices": choices}
        return render(request, "matters/open.html", context, status=status)

    if request.method != "POST":
        return page(200)

    def open_matter(data: dict[str, Any]) -> Matter:
        client = client_selectors.client_get(actor=user, pk=int(data["client"]))
        parties = (
            [
                {
                    "role": p.get("role", ""),
                    "name": p.get("name", ""),
                    "credit_code": p.get("credit_code", ""),
                }
                for p in check.parties
            ]
            if data["record_parties"]
            else []
        )
        return services.matter_open(
            actor=user,
            client=client,
            conflict_check=check,
            handling_lawyers=list(data["handling_lawyers"]),
            assistants=list(data["assistants"]),
            agreed_fee=data["agreed_fee"] or Decimal("0"),
            parties=parties,
            **{name: data[name] for name in OPEN_FIELDS},
        )

    return form_submit(
        form,
        open_matter,
        done=lambda matter: message_redirect(
            request,
            _("Matter “%(name)s” has been opened.") % {"name": matter.name},
            matter,
        ),
        invalid=lambda: page(400),
    )


def _edit_action(
    request: HttpRequest,
    pk: int,
    key: str,
    form: ServiceForm,
    service: Callable[..., object],
    success: str,
) -> HttpResponse:
    """Call ``service(actor=…, matter=…, **cleaned_data)`` if ``form`` is valid.

    On success back to the matter with ``success``; a closed matter refuses
    with a message; otherwise the page again with the errors under ``key``.
    """
    matter = get_matter(request, pk)
    return form_submit(
        form,
        lambda data: service(actor=actor(request), matter=matter, **data),
        done=lambda _result: message_redirect(request, success, matter),
        refused=lambda _exc: message_redirect(
            request,
            _("A closed matter cannot be changed."),
            matter,
            level=messages.ERROR,
        ),
        invalid=lambda: render_matter(
            request, get_matter(request, pk), status=400, forms={key: form}
        ),
    )


@area_view(MATTERS)
@require_POST
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a counterparty or related party."""
    form = PartyForm(request.POST)
    done = _("The party has been added.")
    return _edit_action(request, pk, "party", form, services.matter_party_add, done)


@area_view(MATTERS)
@require_POST
def party_remove(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """Remove a party recorded by mistake."""
    try:
        party = selectors.matter_party_get(
            actor=actor(request), matter_pk=pk, pk=party_pk
        )
    except (Matter.DoesNotExist, MatterParty.DoesNotExist) as exc:
        raise Http404 from exc
    services.matter_party_remove(actor=actor(request), party=party)
    messages.success(request, _("The party has been removed."))
    return redirect("matters:detail", pk=pk)


@area_view(MATTERS)
@require_POST
def hearing_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a hearing."""
    form = HearingForm(request.POST)
    done = _("The hearing has been added.")
    return _edit_action(request, pk, "hearing", form, services.matter_hearing_add, done)


@area_view(MATTERS)
@require_POST
def hearing_remove(request: HttpRequest, pk: int, hearing_pk: int) -> HttpResponse:
    """Remove a hearing (cancelled or entered by mistake)."""
    try:
        hearing = selectors.hearing_get(
            actor=actor(request), matter_pk=pk, pk=hearing_pk
        )
    except (Matter.DoesNotExist, Hearing.DoesNotExist) as exc:
        raise Http404 from exc
    services.matter_hearing_remove(actor=actor(request), hearing=hearing)
    messages.success(request, _("The hearing has been removed."))
    return redirect("matters:detail", pk=pk)


@area_view(MATTERS)
@require_POST
def fee_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record fees received; the client's tier is recomputed by the service."""
    form = FeeForm(request.POST)
    done = _("The fee receipt has been recorded.")
    return _edit_action(request, pk, "fee", form, services.fee_receipt_record, done)


@area_view(MATTERS)
@require_POST
def key_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the key dates (filing, judgment, … ; SPEC §3)."""
    matter = get_matter(request, pk)
    form = KeyDatesForm(request.POST, domain=matter.domain)

    def set_dates(*, actor: User, matter: Matter, **dates: Any) -> Matter:
        return services.matter_key_dates_set(actor=actor, matter=matter, dates=dates)

    done = _("The key dates have been saved.")
    return _edit_action(request, pk, "dates", form, set_dates, done)


@area_view(MATTERS)
@require_POST
def matter_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the matter with its business end date (starts archive intake)."""
    matter = get_matter(request, pk)
    form = CloseForm(request.POST, domain=matter.domain)
    done = _("The matter has been closed; its archive is due within 3 working days.")
    return _edit_action(request, pk, "close", form, services.matter_close, done)
