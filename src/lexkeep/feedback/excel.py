"""The feedback ledger 《客户反馈台账》 as Excel (SPEC §5, §6).

Content, handling, outcome and the client's satisfaction of every case the
actor may see, filtered like the list; written with openpyxl's write-only
workbook into a temporary file (constant memory). Headers are translated
field names. The complainant's contact is masked for readers who may not
see it. Every export is written to the audit chain with its row count and
filters, never its data (SPEC §6 "exports of personal data are logged").
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from lexkeep.accounts.models import User
from lexkeep.core.audit import audit_log
from lexkeep.feedback import selectors
from lexkeep.feedback.models import Feedback

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_CHUNK = 1000


@dataclass
class Export:
    """A finished export: an open temporary file, positioned at its start."""

    file: IO[bytes]
    rows: int
    filename: str


def _headers() -> list[str]:
    return [
        _("Reference"),
        _("Received at"),
        _("Channel"),
        _("Category"),
        _("Name"),
        _("Contact"),
        _("Content"),
        _("Expected resolution"),
        _("Owner"),
        _("Status"),
        _("Contact due"),
        _("Contacted at"),
        _("Contacted within 24 hours"),
        _("Reply due"),
        _("Solution replied at"),
        _("Replied in time"),
        _("Extended (working days)"),
        _("Handling"),
        _("Outcome"),
        _("Client satisfaction (1–5)"),
    ]


def _local(value: Any) -> Any:
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def _yes_no(met_at: Any, due: Any) -> str:
    if met_at is None:
        return ""
    return _("yes") if met_at <= due else _("no")


def _status(feedback: Feedback) -> str:
    """The status, and why a case closed without resolution was (a duplicate…)."""
    status = str(feedback.get_status_display())
    if feedback.dismissed_as:
        return f"{status} ({feedback.get_dismissed_as_display()})"
    return status


def _row(feedback: Feedback, actor: User) -> list[Any]:
    return [
        feedback.reference,
        _local(feedback.received_at),
        feedback.get_channel_display(),
        feedback.get_category_display(),
        feedback.name,
        selectors.contact_for(actor, feedback),
        feedback.content,
        feedback.expected_resolution,
        feedback.owner.display_name if feedback.owner else "",
        _status(feedback),
        _local(feedback.contact_due),
        _local(feedback.contacted_at),
        _yes_no(feedback.contacted_at, feedback.contact_due),
        _local(feedback.reply_due),
        _local(feedback.replied_at),
        _yes_no(feedback.replied_at, feedback.reply_due),
        feedback.extended_working_days or None,
        feedback.handling,
        feedback.outcome,
        feedback.satisfaction,
    ]


def ledger_export(
    *,
    actor: User,
    filters: selectors.FeedbackFilters | None = None,
    request: HttpRequest | None = None,
) -> Export:
    """Write the feedback ledger to an Excel file and log the export (SPEC §5, §6)."""
    if not actor.has_perm("feedback.export_ledger"):
        raise PermissionDenied(_("Your role may not export the feedback ledger."))
    filters = filters or selectors.FeedbackFilters()
    cases = selectors.feedback_list(actor=actor, filters=filters).order_by(
        "received_at", "pk"
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Feedback ledger")[:31])
    sheet.append(_headers())
    count = 0
    rows: Iterator[Feedback] = cases.iterator(chunk_size=EXPORT_CHUNK)
    for feedback in rows:
        sheet.append(_row(feedback, actor))
        count += 1
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - caller closes
    workbook.save(handle)
    handle.seek(0)
    # The search text may be a person's name: log only that there was one.
    used = {
        k: "…" if k == "q" else str(v)
        for k, v in dataclasses.asdict(filters).items()
        if v is not None and v != ""
    }
    audit_log(
        action="feedback.ledger_exported",
        actor=actor,
        object_type="feedback.feedback",
        detail={"rows": count, "format": "xlsx", "filters": used},
        request=request,
    )
    stamp = timezone.localdate().isoformat()
    return Export(file=handle, rows=count, filename=f"feedback-ledger-{stamp}.xlsx")
