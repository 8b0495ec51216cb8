"""Writes and rules of the service app (SPEC §2.2, §4), re-exported here."""

from lexkeep.service.services.contacts import (
    AttachmentInput,
    client_file_scope,
    contact_attachment_add,
    contact_attachment_read,
    contact_log,
    is_compliant_channel,
)
from lexkeep.service.services.documents import (
    duty_document_read,
    duty_documents_draft_pending,
    duty_documents_generate,
)
from lexkeep.service.services.duties import (
    DUTY_LIFECYCLE,
    duty_complete,
    duty_rule_update,
    service_policy_update,
)
from lexkeep.service.services.notifications import notifications_mark_read
from lexkeep.service.services.sweep import service_policy_get, sweep_duties

__all__ = [
    "DUTY_LIFECYCLE",
    "AttachmentInput",
    "client_file_scope",
    "contact_attachment_add",
    "contact_attachment_read",
    "contact_log",
    "duty_complete",
    "duty_document_read",
    "duty_documents_draft_pending",
    "duty_documents_generate",
    "duty_rule_update",
    "is_compliant_channel",
    "notifications_mark_read",
    "service_policy_get",
    "service_policy_update",
    "sweep_duties",
]
