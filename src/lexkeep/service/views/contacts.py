"""Contact pages: the log (global and per client), logging one, attachments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.clients.models import Client
from lexkeep.clients.search import client_ids_matching
from lexkeep.clients.visibility import client_visibility_q
from lexkeep.matters.models import Matter
from lexkeep.service import selectors, services
from lexkeep.service.forms import AttachmentForm, ContactFilterForm, ContactForm
from lexkeep.service.models import Contact, ContactAttachment
from lexkeep.service.views._common import (
    actor,
    download,
    paginate,
    query_without_page,
    service_view,
)


def _client(request: HttpRequest, pk: int | str | None) -> Client:
    try:
        key = int(pk or 0)
        return Client.objects.filter(client_visibility_q(actor(request))).get(pk=key)
    except (Client.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such client.")) from None


@service_view
def contact_list(request: HttpRequest) -> HttpResponse:
    """All contacts the user may see, with filters; personal channels flagged."""
    user = actor(request)
    form = ContactFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    compliant = {"yes": True, "no": False}.get(f.get("compliant") or "")
    contacts = selectors.contact_list(
        actor=user,
        channel=f.get("channel") or None,
        compliant=compliant,
        purpose=f.get("purpose") or None,
        since=f.get("since"),
        until=f.get("until"),
    )
    q = (f.get("q") or "").strip()
    if q:
        contacts = contacts.filter(client_id__in=client_ids_matching(q))
    return render(
        request,
        "service/contacts.html",
        {
            "form": form,
            "page": paginate(request, contacts),
            "query": query_without_page(request),
            "filtered": any(f.values()),
        },
    )


@service_view
def client_service(request: HttpRequest, pk: int) -> HttpResponse:
    """One client's service: compliance, owed duties and the contact log."""
    user = actor(request)
    client = _client(request, pk)
    compliance = selectors.client_compliance(actor=user, client=client)
    contacts = selectors.contact_list(actor=user, client=client.pk)
    recent = selectors.duty_list(actor=user, client=client.pk, status="done").order_by(
        "-done_on", "-pk"
    )[:10]
    return render(
        request,
        "service/client.html",
        {
            "client": client,
            "compliance": compliance,
            "page": paginate(request, contacts),
            "query": query_without_page(request),
            "recent_done": recent,
        },
    )


@service_view
def contact_new(request: HttpRequest) -> HttpResponse:
    """Log a contact with a client (SPEC §4); ``?client=`` picks the client."""
    user = actor(request)
    client = _client(request, request.POST.get("client") or request.GET.get("client"))
    matters = Matter.objects.filter(client=client).order_by("-engagement_start", "pk")
    initial: dict[str, Any] = {
        "occurred_at": timezone.localtime().replace(second=0, microsecond=0)
    }
    if request.GET.get("matter"):
        initial["matter"] = request.GET["matter"]
    form = ContactForm(
        request.POST or None, request.FILES or None, matters=matters, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("attachment")
            files = []
            if upload:
                files.append(
                    services.AttachmentInput(
                        name=upload.name,
                        content=upload.read(),
                        content_type=upload.content_type or "",
                    )
                )
            try:
                contact = services.contact_log(
                    actor=user,
                    client=client,
                    matter=data.get("matter"),
                    channel=data["channel"],
                    direction=data["direction"],
                    purpose=data["purpose"],
                    occurred_at=data["occurred_at"],
                    summary=data.get("summary") or "",
                    attachments=files,
                    request=request,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                if not contact.compliant_channel:
                    messages.warning(
                        request,
                        _(
                            "Logged. Personal WeChat or QQ is not a firm channel: "
                            "the contact is flagged as non-compliant."
                        ),
                    )
                else:
                    messages.success(request, _("The contact is logged."))
                return redirect("service:client", pk=client.pk)
        status = 400
    return render(
        request,
        "service/contact_form.html",
        {"form": form, "client": client},
        status=status,
    )


def _contact(request: HttpRequest, pk: int) -> Contact:
    try:
        return selectors.contact_get(actor=actor(request), pk=pk)
    except Contact.DoesNotExist:
        raise Http404(_("No such contact.")) from None


@service_view
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A contact, its attachments and the duties it satisfied; POST adds a file."""
    user = actor(request)
    contact = _contact(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.contact_attachment_add(
                    actor=user,
                    contact=contact,
                    item=services.AttachmentInput(
                        name=upload.name,
                        content=upload.read(),
                        content_type=upload.content_type or "",
                    ),
                    request=request,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied:
                raise
            else:
                messages.success(request, _("The file is attached."))
                return redirect("service:contact_detail", pk=contact.pk)
        status = 400
    return render(
        request,
        "service/contact_detail.html",
        {"contact": contact, "form": form},
        status=status,
    )


@service_view
def attachment_download(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    """Download an attachment; the download is written to the access log."""
    try:
        item = selectors.attachment_get(actor=actor(request), contact=pk, pk=attachment)
        data = services.contact_attachment_read(
            actor=actor(request), attachment=item, request=request
        )
    except ContactAttachment.DoesNotExist:
        raise Http404(_("No such file.")) from None
    return download(data, item.name, item.content_type)
