"""Pages of feedback and complaints (SPEC §5).

The public form and its thank-you page need no login. The staff pages
(case list, case, intake, ledger, quarterly summary) are for the roles of
the feedback area; which cases a user sees is decided by the selectors and
what they may do by the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lexkeep.accounts.models import Role, User
from lexkeep.clients.models import Client
from lexkeep.core.exceptions import InvalidTransition
from lexkeep.feedback import selectors, services, sla
from lexkeep.feedback.excel import XLSX_CONTENT_TYPE, ledger_export
from lexkeep.feedback.exceptions import RateLimited, SpamRejected
from lexkeep.feedback.forms import (
    AssignForm,
    ClassifyForm,
    ExtensionForm,
    FeedbackFilterForm,
    MeasureForm,
    PublicFeedbackForm,
    SatisfactionForm,
    StaffFeedbackForm,
    TransitionForm,
)
from lexkeep.feedback.lifecycle import (
    ACTION_LABELS,
    DISMISS,
    EVENT_LABELS,
    FEEDBACK_LIFECYCLE,
    NOTE_REQUIRED,
    REOPEN,
    RESOLVE,
    REVISE,
)
from lexkeep.feedback.models import Dismissal, Feedback, Status
from lexkeep.feedback.quarters import quarter_of, quarter_parse, quarter_shift
from lexkeep.web.areas import FEEDBACK
from lexkeep.web.forms import form_submit, message_redirect

SESSION_REFERENCE = "feedback_reference"
PAGE_SIZE = 25
View = TypeVar("View", bound=Callable[..., HttpResponse])


def actor(request: HttpRequest) -> User:
    """Return the signed-in user of ``request``."""
    return request.user  # type: ignore[return-value]


def area_view(view: View) -> View:
    """Require sign-in and a role of the feedback area (SPEC §1, §5)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not FEEDBACK.visible_to(actor(request).roles):
            raise PermissionDenied(_("Your role does not give access to this area."))
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def paginate(request: HttpRequest, items: Any) -> Page:
    """Return the requested page of ``items`` (``?page=``), clamped to range."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _query(params: Any) -> str:
    """Return the query string of ``params`` without ``page`` and empty values."""
    return urlencode([(k, v) for k, v in params.items() if k != "page" and v])


# --------------------------------------------------------------------------
# Public
# --------------------------------------------------------------------------


@never_cache
def public_form(request: HttpRequest) -> HttpResponse:
    """The web feedback form that needs no login (SPEC §5 "Channels")."""
    form = PublicFeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = services.feedback_submit_public(
                    name=data["name"],
                    contact=data["contact"],
                    content=data["content"],
                    expected_resolution=data["expected_resolution"],
                    category=data["category"],
                    honeypot=data["website"],
                    ip=request.META.get("REMOTE_ADDR") or None,
                )
            except RateLimited as exc:
                form.add_error(None, str(exc))
                response = render(
                    request, "feedback/public_form.html", {"form": form}, status=429
                )
                response["Retry-After"] = str(exc.retry_after)
                return response
            except SpamRejected:
                form.add_error(None, _("The submission was rejected."))
                status = 400
            except ValidationError as exc:
                form.add_service_errors(exc)
                status = 400
            else:
                request.session[SESSION_REFERENCE] = feedback.reference
                return redirect("feedback_public:thanks")
        else:
            status = 400
    return render(request, "feedback/public_form.html", {"form": form}, status=status)


@never_cache
def public_thanks(request: HttpRequest) -> HttpResponse:
    """Thank the submitter and show their reference number."""
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect("feedback_public:form")
    return render(request, "feedback/public_thanks.html", {"reference": reference})


# --------------------------------------------------------------------------
# Staff: list, intake, case
# --------------------------------------------------------------------------


def _filters(form: FeedbackFilterForm) -> selectors.FeedbackFilters:
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or None
    sla_filter = data.get("sla") or ""
    return selectors.FeedbackFilters(
        status=None if status == "open" else status,
        open=True if status == "open" else None,
        category=data.get("category") or None,
        channel=data.get("channel") or None,
        breached={"breached": True, "kept": False}.get(sla_filter),
        received_from=data.get("received_from"),
        received_to=data.get("received_to"),
        q=(data.get("q") or "").strip() or None,
    )


def _with_clocks(cases: Any, now: dt.datetime) -> list[dict[str, Any]]:
    return [
        {
            "case": case,
            "contact": sla.contact_clock(case, now),
            "reply": sla.reply_clock(case, now),
        }
        for case in cases
    ]


@area_view
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases with their SLA badges; open cases by default (SPEC §5)."""
    user = actor(request)
    now = timezone.now()
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "open"
    form = FeedbackFilterForm(params)
    page = paginate(
        request, selectors.feedback_list(actor=user, filters=_filters(form))
    )
    page.object_list = _with_clocks(page.object_list, now)  # type: ignore[misc]
    query = _query(params)
    return render(
        request,
        "feedback/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "counts": selectors.open_counts(actor=user, now=now),
            "escalations": selectors.escalation_list(actor=user, limit=8),
            "may_create": user.has_perm("feedback.add_feedback"),
        },
    )


@area_view
def case_create(request: HttpRequest) -> HttpResponse:
    """Record a complaint received by phone, email or in person (SPEC §5)."""
    user = actor(request)
    if not user.has_perm("feedback.add_feedback"):
        raise PermissionDenied(
            _("Only client-service specialists and the director record complaints.")
        )
    form = StaffFeedbackForm(request.POST or None)
    if request.method != "POST":
        return render(request, "feedback/create.html", {"form": form})
    return form_submit(
        form,
        lambda data: services.feedback_create_staff(
            actor=user, **{**data, "client": _client(data.get("client"))}
        ),
        done=lambda feedback: message_redirect(
            request,
            _("Complaint %(reference)s has been recorded.")
            % {"reference": feedback.reference},
            feedback.get_absolute_url(),
        ),
        invalid=lambda: render(
            request, "feedback/create.html", {"form": form}, status=400
        ),
    )


def _client(pk: int | None) -> Client | None:
    if not pk:
        return None
    client = Client.objects.filter(pk=pk).first()
    if client is None:
        raise ValidationError({"client": [_("No client has this id.")]})
    return client


def _case(request: HttpRequest, pk: int) -> Feedback:
    try:
        return selectors.feedback_get(actor=actor(request), pk=pk)
    except Feedback.DoesNotExist as exc:
        raise Http404 from exc


def _action_forms(case: Feedback) -> list[dict[str, Any]]:
    forms = []
    for action in FEEDBACK_LIFECYCLE.allowed_actions(case.status):
        forms.append(
            {
                "action": action,
                "label": ACTION_LABELS[action],
                "note_label": NOTE_REQUIRED.get(action, ""),
                "note_required": action in NOTE_REQUIRED,
                "with_time": action in ("contact", "propose"),
                "with_satisfaction": action == RESOLVE,
                "with_dismissal": action == DISMISS,
                "primary": action not in (REVISE, REOPEN, DISMISS),
            }
        )
    return sorted(forms, key=lambda f: not f["primary"])


def _event_rows(case: Feedback) -> list[dict[str, Any]]:
    labels = dict(Status.choices)
    rows = []
    for event in selectors.feedback_history(feedback=case):
        rows.append(
            {
                "event": event,
                "label": EVENT_LABELS.get(event.action, event.action),
                "from_label": labels.get(event.from_status, ""),
                "to_label": labels.get(event.to_status, ""),
            }
        )
    return rows


def _render_case(
    request: HttpRequest,
    case: Feedback,
    *,
    status: int = 200,
    failed: dict[str, Any] | None = None,
) -> HttpResponse:
    user = actor(request)
    now = timezone.now()
    may_handle = user.has_perm("feedback.change_feedback")
    failed = failed or {}
    context = {
        "case": case,
        "contact": selectors.contact_for(user, case),
        "contact_masked": not user.has_perm("feedback.view_contact", case),
        "contact_clock": sla.contact_clock(case, now),
        "reply_clock": sla.reply_clock(case, now),
        "events": _event_rows(case),
        "extensions": case.extensions.select_related("granted_by"),
        "escalations": case.escalations.all(),
        "may_handle": may_handle,
        "actions": _action_forms(case) if may_handle else [],
        "dismissals": Dismissal.choices,
        "failed_action": failed.get("action"),
        "transition_form": failed.get("transition") or TransitionForm(),
        "extension_form": failed.get("extension") or ExtensionForm(),
        "may_extend": may_handle
        and case.status in (Status.RECEIVED, Status.CONTACTED)
        and now <= case.reply_due,
        "satisfaction_form": failed.get("satisfaction")
        or SatisfactionForm(initial={"satisfaction": case.satisfaction}),
        "may_rate": may_handle and services.satisfaction_open(case),
        "assign_form": AssignForm(initial={"owner": case.owner_id}),
        "classify_form": ClassifyForm(initial={"category": case.category}),
        "policy": sla.policy_get(),
    }
    return render(request, "feedback/detail.html", context, status=status)


@area_view
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A case: facts, both clocks, the timeline and the allowed actions."""
    return _render_case(request, _case(request, pk))


@area_view
@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply one move of the transition map (``lifecycle``)."""
    case = _case(request, pk)
    form = TransitionForm(request.POST)

    def done(_result: object) -> HttpResponse:
        action = form.cleaned_data["action"]
        return message_redirect(
            request,
            _("%(reference)s: %(action)s — done.")
            % {
                "reference": case.reference,
                "action": ACTION_LABELS.get(action, action),
            },
            case.get_absolute_url(),
        )

    return form_submit(
        form,
        lambda data: services.feedback_transition(
            actor=actor(request), feedback=case, **data
        ),
        done=done,
        refused=lambda exc: _refused(request, case, exc),
        invalid=lambda: _render_case(
            request,
            case,
            status=400,
            failed={"action": request.POST.get("action"), "transition": form},
        ),
    )


def _refused(
    request: HttpRequest, case: Feedback, exc: InvalidTransition
) -> HttpResponse:
    """Say why the case's lifecycle refused the move, back on the case page."""
    return message_redirect(
        request, str(exc), case.get_absolute_url(), level=messages.ERROR
    )


@area_view
@require_POST
def case_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """Extend the reply deadline with a reason told to the client (SPEC §5)."""
    case = _case(request, pk)
    form = ExtensionForm(request.POST)
    return form_submit(
        form,
        lambda data: services.feedback_extend(
            actor=actor(request), feedback=case, **data
        ),
        done=lambda extension: message_redirect(
            request,
            _("The reply deadline is now %(due)s.")
            % {"due": timezone.localtime(extension.new_reply_due).strftime("%Y-%m-%d")},
            case.get_absolute_url(),
        ),
        refused=lambda exc: _refused(request, case, exc),
        invalid=lambda: _render_case(
            request, case, status=400, failed={"action": "extend", "extension": form}
        ),
    )


@area_view
@require_POST
def case_satisfaction(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the client's satisfaction after resolution."""
    case = _case(request, pk)
    form = SatisfactionForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_satisfaction_record(
                actor=actor(request),
                feedback=case,
                satisfaction=form.cleaned_data["satisfaction"],
                note=form.cleaned_data["note"],
            )
        except InvalidTransition as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            form.add_service_errors(exc)
            return _render_case(
                request,
                case,
                status=400,
                failed={"action": "satisfaction", "satisfaction": form},
            )
        else:
            messages.success(request, _("The client's satisfaction has been recorded."))
    return redirect(case.get_absolute_url())


@area_view
@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the case to another client-service specialist."""
    case = _case(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        owner: User = form.cleaned_data["owner"]
        try:
            services.feedback_assign(actor=actor(request), feedback=case, owner=owner)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s now owns this case.") % {"name": owner.display_name},
            )
    else:
        messages.error(request, _("Choose a client-service specialist."))
    return redirect(case.get_absolute_url())


@area_view
@require_POST
def case_classify(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the category of a case."""
    case = _case(request, pk)
    form = ClassifyForm(request.POST)
    if form.is_valid():
        services.feedback_update(
            actor=actor(request), feedback=case, category=form.cleaned_data["category"]
        )
        messages.success(request, _("The category has been changed."))
    return redirect(case.get_absolute_url())


# --------------------------------------------------------------------------
# Ledger and quarterly summary
# --------------------------------------------------------------------------


@area_view
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger 《客户反馈台账》: content, handling, outcome (SPEC §5)."""
    user = actor(request)
    form = FeedbackFilterForm(request.GET or None)
    cases = selectors.feedback_list(actor=user, filters=_filters(form))
    page = paginate(request, cases)
    query = request.GET.urlencode()
    return render(
        request,
        "feedback/ledger.html",
        {
            "form": form,
            "page": page,
            "query": _query(request.GET),
            "export_query": query,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@area_view
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    """Download the (filtered) ledger as Excel; the export is audit-logged."""
    form = FeedbackFilterForm(request.GET or None)
    export = ledger_export(
        actor=actor(request), filters=_filters(form), request=request
    )
    return FileResponse(  # type: ignore[return-value]
        export.file,
        as_attachment=True,
        filename=export.filename,
        content_type=XLSX_CONTENT_TYPE,
    )


@area_view
def summary(request: HttpRequest) -> HttpResponse:
    """The quarterly summary (SPEC §5) and the improvement measures."""
    user = actor(request)
    quarter = request.GET.get("quarter") or quarter_of(timezone.localdate())
    try:
        quarter_parse(quarter)
    except ValidationError:
        quarter = quarter_of(timezone.localdate())
    form = MeasureForm(request.POST or None)

    def page(status: int) -> HttpResponse:
        result = selectors.quarterly_summary(actor=user, quarter=quarter)
        peak = max((row.count for row in result.categories), default=0)
        return render(
            request,
            "feedback/summary.html",
            {
                "summary": result,
                "peak": peak or 1,
                "previous": quarter_shift(quarter, -1),
                "next": quarter_shift(quarter, 1),
                "form": form,
                "may_record": user.has_perm("feedback.add_improvementmeasure"),
                "is_director": user.has_role(Role.DIRECTOR),
            },
            status=status,
        )

    if request.method != "POST":
        return page(200)
    return form_submit(
        form,
        lambda data: services.improvement_measure_record(
            actor=user, quarter=quarter, **data
        ),
        done=lambda _measure: message_redirect(
            request,
            _("The improvement measure has been recorded."),
            f"{reverse('feedback:summary')}?quarter={quarter}",
        ),
        invalid=lambda: page(400),
    )
