"""Codes of the archive domain: classes, states, material categories and types.

The binding order of the material categories and the type each category
holds are the standard's (SPEC §7.1); the codes are the API's enum values.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchiveClass(models.TextChoices):
    """Archive class (SPEC §7.2): cabinets are grouped by it."""

    LITIGATION = "litigation", _("Litigation")
    NON_LITIGATION = "non_litigation", _("Non-litigation")
    COUNSEL = "counsel", _("Perennial counsel")


class ArchiveStatus(models.TextChoices):
    """States of a volume (SPEC §7.1 review, §7.2 filing)."""

    COLLECTING = "collecting", _("Collecting")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")
    FILED = "filed", _("Filed")


class Category(models.TextChoices):
    """Material categories in the binding order of SPEC §7.1."""

    IDENTITY_ENGAGEMENT = "identity_engagement", _("Client identity and engagement")
    BUSINESS_HANDLING = "business_handling", _("Business handling")
    COMMUNICATION = "communication", _("Communication records")
    FEES = "fees", _("Fees")


#: The binding order (SPEC §7.1): identity and engagement → business handling →
#: communication records → fees.
CATEGORY_ORDER: dict[str, int] = {
    Category.IDENTITY_ENGAGEMENT: 1,
    Category.BUSINESS_HANDLING: 2,
    Category.COMMUNICATION: 3,
    Category.FEES: 4,
}


class MaterialType(models.TextChoices):
    """Types of material (SPEC §7.1), each belonging to one category."""

    ID_COPY = "id_copy", _("ID copy")
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    LEGAL_REP_CERTIFICATE = (
        "legal_rep_certificate",
        _("Legal-representative certificate"),
    )
    ENGAGEMENT_CONTRACT = "engagement_contract", _("Engagement contract")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    RISK_NOTICE = "risk_notice", _("Risk notice")
    PLEADING = "pleading", _("Pleading")
    EVIDENCE_LIST = "evidence_list", _("Evidence list")
    EVIDENCE = "evidence", _("Evidence")
    REPRESENTATION_STATEMENT = (
        "representation_statement",
        _("Representation statement"),
    )
    DEFENCE_STATEMENT = "defence_statement", _("Defence statement")
    JUDGMENT = "judgment", _("Judgment")
    MEDIATION_DOCUMENT = "mediation_document", _("Mediation document")
    RULING = "ruling", _("Ruling")
    ARBITRAL_AWARD = "arbitral_award", _("Arbitral award")
    LEGAL_OPINION = "legal_opinion", _("Legal opinion or work product")
    MINUTES = "minutes", _("Minutes")
    CALL_RECORD = "call_record", _("Call record")
    EMAIL = "email", _("Email")
    CHAT_SCREENSHOT = "chat_screenshot", _("Chat screenshot")
    INVOICE = "invoice", _("Invoice")
    PAYMENT_VOUCHER = "payment_voucher", _("Payment voucher")
    FEE_LIST = "fee_list", _("Fee list")
    OTHER = "other", _("Other")


_I, _B, _C, _F = (
    Category.IDENTITY_ENGAGEMENT,
    Category.BUSINESS_HANDLING,
    Category.COMMUNICATION,
    Category.FEES,
)
T = MaterialType
#: Which category each type belongs to (SPEC §7.1). ``other`` fits any.
TYPE_CATEGORY: dict[str, str] = {
    T.ID_COPY: _I,
    T.BUSINESS_LICENCE: _I,
    T.LEGAL_REP_CERTIFICATE: _I,
    T.ENGAGEMENT_CONTRACT: _I,
    T.POWER_OF_ATTORNEY: _I,
    T.RISK_NOTICE: _I,
    T.PLEADING: _B,
    T.EVIDENCE_LIST: _B,
    T.EVIDENCE: _B,
    T.REPRESENTATION_STATEMENT: _B,
    T.DEFENCE_STATEMENT: _B,
    T.JUDGMENT: _B,
    T.MEDIATION_DOCUMENT: _B,
    T.RULING: _B,
    T.ARBITRAL_AWARD: _B,
    T.LEGAL_OPINION: _B,
    T.MINUTES: _C,
    T.CALL_RECORD: _C,
    T.EMAIL: _C,
    T.CHAT_SCREENSHOT: _C,
    T.INVOICE: _F,
    T.PAYMENT_VOUCHER: _F,
    T.FEE_LIST: _F,
}
del T


class OcrStatus(models.TextChoices):
    """Whether a file's text was extracted for search (optional OCR)."""

    NONE = "none", _("No file")
    OFF = "off", _("OCR is off")
    PENDING = "pending", _("Waiting for OCR")
    DONE = "done", _("Text extracted")
    FAILED = "failed", _("OCR failed")


def class_for_domain(domain: str) -> str:
    """Return the archive class of a matter's business domain (SPEC §7.2)."""
    return {
        "litigation": ArchiveClass.LITIGATION,
        "non_litigation": ArchiveClass.NON_LITIGATION,
        "counsel": ArchiveClass.COUNSEL,
    }[domain]
