"""Duty pages: the list (mine / all), one duty, its documents, and the rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lexkeep.core.exceptions import InvalidTransition
from lexkeep.service import selectors, services
from lexkeep.service.choices import CALENDAR_CADENCES, DutyScope
from lexkeep.service.forms import DutyDoneForm, DutyFilterForm, RuleForm
from lexkeep.service.models import Contact, Duty, DutyDocument, DutyRule
from lexkeep.service.services.documents import CONTENT_TYPES
from lexkeep.service.views._common import (
    actor,
    download,
    paginate,
    query_without_page,
    service_view,
)


@service_view
def duty_list(request: HttpRequest) -> HttpResponse:
    """Owed duties by due date: the user's own, or all the user may see."""
    user = actor(request)
    form = DutyFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    scope = f.get("scope") or "mine"
    status = f.get("status") or "pending"
    duties = selectors.duty_list(
        actor=user,
        status=None if status == "any" else status,
        tier=f.get("tier") or None,
        kind=f.get("kind") or None,
        mine=scope == "mine",
    )
    return render(
        request,
        "service/duties.html",
        {
            "form": form,
            "scope": scope,
            "page": paginate(request, duties),
            "query": query_without_page(request),
        },
    )


def _duty(request: HttpRequest, pk: int) -> Duty:
    try:
        return selectors.duty_get(actor=actor(request), pk=pk)
    except Duty.DoesNotExist:
        raise Http404(_("No such duty.")) from None


@service_view
def duty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A duty, its documents; POST marks it done or generates its documents."""
    user = actor(request)
    duty = _duty(request, pk)
    candidates = Contact.objects.filter(
        client_id=duty.client_id,
        channel__in=list(duty.rule.channels),
        occurred_on__gte=duty.period_start,
    ).order_by("-occurred_at")
    if duty.rule.cadence in CALENDAR_CADENCES:
        candidates = candidates.filter(occurred_on__lte=duty.due_date)
    if duty.rule.scope == DutyScope.MATTER:
        candidates = candidates.filter(matter=duty.matter)
    form = DutyDoneForm(
        request.POST if request.POST.get("action") == "done" else None,
        contacts=candidates[:50],
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "generate":
                services.duty_documents_generate(duty=duty, actor=user, request=request)
                messages.success(request, _("The documents are generated."))
                return redirect("service:duty_detail", pk=duty.pk)
            if action == "done" and form.is_valid():
                services.duty_complete(
                    actor=user,
                    duty=duty,
                    contact=form.cleaned_data["contact"],
                    request=request,
                )
                messages.success(request, _("The duty is marked done."))
                return redirect("service:duty_detail", pk=duty.pk)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            messages.error(request, str(exc))
            return redirect("service:duty_detail", pk=duty.pk)
        status = 400
    return render(
        request,
        "service/duty_detail.html",
        {
            "duty": duty,
            "form": form,
            "documents": duty.documents.all(),
            "may_generate": bool(duty.rule.document)
            and user.has_perm("service.generate_document", duty.client),
            "may_complete": duty.status in ("open", "overdue")
            and user.has_perm("service.complete_duty", duty.client),
        },
        status=status,
    )


@service_view
def document_download(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    """Download a duty's document; the download is written to the access log."""
    try:
        item = selectors.duty_document_get(actor=actor(request), duty=pk, pk=document)
        data = services.duty_document_read(
            actor=actor(request), document=item, request=request
        )
    except DutyDocument.DoesNotExist:
        raise Http404(_("No such document.")) from None
    return download(data, item.name, CONTENT_TYPES[item.format])


@service_view
def rule_list(request: HttpRequest) -> HttpResponse:
    """The duty rules in force; the director may change them."""
    return render(
        request,
        "service/rules.html",
        {
            "rules": selectors.duty_rule_list(),
            "may_change": actor(request).has_perm("service.change_dutyrule"),
        },
    )


@service_view
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one duty rule (director)."""
    user = actor(request)
    if not user.has_perm("service.change_dutyrule"):
        raise PermissionDenied(_("Only the director may change the duty rules."))
    try:
        rule = DutyRule.objects.get(pk=pk)
    except DutyRule.DoesNotExist:
        raise Http404(_("No such rule.")) from None
    initial = {name: getattr(rule, name) for name in services.duties.RULE_FIELDS}
    form = RuleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.duty_rule_update(actor=user, rule=rule, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("The rule is changed; the next sweep applies it.")
                )
                return redirect("service:rules")
        status = 400
    return render(
        request, "service/rule_form.html", {"rule": rule, "form": form}, status=status
    )
