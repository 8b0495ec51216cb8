"""Generating and reading the documents a duty needs (SPEC §2.2, §6).

The quarterly client service report (key clients) and the monthly fee
statement (ordinary clients) are generated as PDF and Excel, encrypted with
the client's file key and saved with the duty; every download is written to
the access log.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.core.audit import audit_log
from lexkeep.core.crypto import file_key_for_scope
from lexkeep.core.storage import EncryptedContentStore
from lexkeep.service.choices import DocumentFormat, DocumentKind
from lexkeep.service.documents.content import fee_statement, service_report
from lexkeep.service.documents.excel import render_xlsx
from lexkeep.service.documents.model import Document
from lexkeep.service.documents.pdf import render_pdf
from lexkeep.service.models import Duty, DutyDocument
from lexkeep.service.services.contacts import client_file_scope
from lexkeep.service.services.sweep import service_policy_get

CONTENT_TYPES: dict[str, str] = {
    DocumentFormat.PDF.value: "application/pdf",
    DocumentFormat.XLSX.value: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
}


def duty_document_content(duty: Duty, *, today: dt.date) -> Document:
    """Return the description of the document ``duty`` needs, in the firm's language."""
    firm = service_policy_get().firm_name
    with translation.override(settings.LANGUAGE_CODE):
        if duty.rule.document == DocumentKind.SERVICE_REPORT:
            return service_report(duty, today=today, firm_name=firm)
        if duty.rule.document == DocumentKind.FEE_STATEMENT:
            return fee_statement(duty, today=today, firm_name=firm)
    raise ValidationError({"duty": [_("This duty needs no document.")]})


@transaction.atomic
def duty_documents_generate(
    *,
    duty: Duty,
    actor: User | None = None,
    today: dt.date | None = None,
    request: HttpRequest | None = None,
) -> list[DutyDocument]:
    """Generate the duty's document as PDF and Excel and save both with it.

    ``actor`` None means the background task (drafts for open duties).
    Generating again keeps the earlier versions; the newest is shown first.
    """
    if actor is not None and not actor.has_perm(
        "service.generate_document", duty.client
    ):
        raise PermissionDenied(_("You may not generate this client's documents."))
    content = duty_document_content(duty, today=today or timezone.localdate())
    key = file_key_for_scope(client_file_scope(duty.client_id))
    store = EncryptedContentStore()
    documents = []
    for fmt, data in (
        (DocumentFormat.PDF, render_pdf(content)),
        (DocumentFormat.XLSX, render_xlsx(content)),
    ):
        blob = store.put(data, data_key=key)
        document = DutyDocument(
            duty=duty,
            kind=duty.rule.document,
            format=fmt,
            name=f"{content.file_stem}.{fmt}",
            size=blob.size,
            blob=blob.name,
            sha256=blob.sha256_plain,
            data_key=key,
            generated_by=actor,
        )
        document.full_clean()
        document.save()
        documents.append(document)
    audit_log(
        action="duty.documents_generated",
        actor=actor,
        actor_label="" if actor else "system",
        object_type="service.duty",
        object_id=duty.pk,
        detail={"client": duty.client_id, "kind": duty.rule.document},
        request=request,
    )
    return documents


def duty_document_read(
    *, actor: User, document: DutyDocument, request: HttpRequest | None = None
) -> bytes:
    """Return a duty document's content and log the download (SPEC §6)."""
    if not actor.has_perm("service.view_duty", document.duty.client):
        raise DutyDocument.DoesNotExist(_("Not found."))
    data = EncryptedContentStore().get(document.blob, data_key=document.data_key)
    audit_log(
        action="duty.document_downloaded",
        actor=actor,
        object_type="service.dutydocument",
        object_id=document.pk,
        detail={"duty": document.duty_id, "client": document.duty.client_id},
        request=request,
    )
    return data


def duty_documents_draft_pending(*, limit: int, today: dt.date | None = None) -> int:
    """Draft the documents of owed duties that have none yet; return how many.

    The background task calls this in small batches (``limit`` duties), so
    the sweep itself never renders documents.
    """
    pending = (
        Duty.objects.filter(status__in=("open", "overdue"))
        .exclude(rule__document=DocumentKind.NONE)
        .filter(documents__isnull=True)
        .select_related("client", "client__owner", "rule")
        .order_by("due_date", "pk")[:limit]
    )
    made = 0
    for duty in pending:
        duty_documents_generate(duty=duty, today=today)
        made += 1
    return made
