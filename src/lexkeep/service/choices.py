"""Codes of SPEC §2.2 and §4: contact channels, purposes and duty kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactChannel(models.TextChoices):
    """How a contact took place (SPEC §4).

    Firm channels (firm email, firm WeChat Work, the client platform) are
    preferred; ``personal_wechat`` and ``personal_qq`` are accepted but
    flagged as non-compliant (:data:`NON_COMPLIANT_CHANNELS`).
    """

    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Firm email")
    WECHAT = "wechat", _("Firm WeChat")
    IN_PERSON = "in_person", _("In person")
    FIRM_PLATFORM = "firm_platform", _("Client platform")
    VIDEO = "video", _("Video conference")
    LETTER = "letter", _("Letter")
    PERSONAL_WECHAT = "personal_wechat", _("Personal WeChat")
    PERSONAL_QQ = "personal_qq", _("Personal QQ")


#: Channels the standard flags as non-compliant (SPEC §4).
NON_COMPLIANT_CHANNELS: frozenset[str] = frozenset(
    {ContactChannel.PERSONAL_WECHAT, ContactChannel.PERSONAL_QQ}
)


class Direction(models.TextChoices):
    OUTGOING = "out", _("Outgoing (firm to client)")
    INCOMING = "in", _("Incoming (client to firm)")


class DutyKind(models.TextChoices):
    """What a service duty asks for (SPEC §2.2, §4)."""

    MEETING = "meeting", _("Face-to-face meeting")
    REGULAR_CONTACT = "regular_contact", _("Phone call or email")
    PHONE_CALL = "phone_call", _("Phone call")
    EMAIL_SUMMARY = "email_summary", _("Email summary")
    SYMPOSIUM = "symposium", _("Client symposium")
    SERVICE_REPORT = "service_report", _("Client service report")
    SATISFACTION_SURVEY = "satisfaction_survey", _("Satisfaction survey")
    RISK_NOTICE = "risk_notice", _("Risk notice before filing suit")
    HEARING_CONFIRMATION = "hearing_confirmation", _("Hearing time confirmation")
    JUDGMENT_EXPLANATION = "judgment_explanation", _("Explanation of the judgment")
    PROGRESS_NOTICE = "progress_notice", _("Case-progress notice")
    FEE_STATEMENT = "fee_statement", _("Fee statement")
    FIRM_NEWS = "firm_news", _("Firm news")


class Purpose(models.TextChoices):
    """What a contact was for; a rule may require a matching purpose."""

    GENERAL = "general", _("General contact")
    EMAIL_SUMMARY = "email_summary", _("Email summary")
    SYMPOSIUM = "symposium", _("Client symposium")
    SERVICE_REPORT = "service_report", _("Client service report")
    SATISFACTION_SURVEY = "satisfaction_survey", _("Satisfaction survey")
    RISK_NOTICE = "risk_notice", _("Risk notice before filing suit")
    HEARING_CONFIRMATION = "hearing_confirmation", _("Hearing time confirmation")
    JUDGMENT_EXPLANATION = "judgment_explanation", _("Explanation of the judgment")
    PROGRESS_NOTICE = "progress_notice", _("Case-progress notice")
    FEE_STATEMENT = "fee_statement", _("Fee statement")
    FIRM_NEWS = "firm_news", _("Firm news")


class Cadence(models.TextChoices):
    """How often a duty recurs."""

    EVERY_N_DAYS = "every_n_days", _("Every N days")
    MONTH = "month", _("Each calendar month")
    QUARTER = "quarter", _("Each calendar quarter")
    YEAR = "year", _("Each calendar year")
    EVENT = "event", _("On an event of a matter")


#: Cadences whose periods are calendar periods (strict windows).
CALENDAR_CADENCES: frozenset[str] = frozenset(
    {Cadence.MONTH, Cadence.QUARTER, Cadence.YEAR}
)


class DutyEvent(models.TextChoices):
    """The key date of a matter an event duty hangs on (SPEC §3, §4)."""

    FILING = "filing", _("Filing of suit")
    HEARING = "hearing", _("Hearing")
    JUDGMENT = "judgment", _("Judgment")


class DutyScope(models.TextChoices):
    CLIENT = "client", _("Per client")
    MATTER = "matter", _("Per matter")


class DutyCondition(models.TextChoices):
    """When a rule applies to a client beyond its tier."""

    ALWAYS = "always", _("Always")
    OPEN_MATTER = "open_matter", _("While a matter is open")
    NEWS_ALLOWED = "news_allowed", _("Unless the client opted out of firm news")


class DutyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


#: Statuses of a duty not cancelled (a check constraint ties ``cancelled_on``
#: to the last one).
LIVE_STATUSES = (DutyStatus.OPEN, DutyStatus.OVERDUE, DutyStatus.DONE)


#: Statuses of a duty still owed.
PENDING_STATUSES: tuple[str, ...] = (DutyStatus.OPEN, DutyStatus.OVERDUE)


class DocumentKind(models.TextChoices):
    NONE = "", _("None")
    SERVICE_REPORT = "service_report", _("Client service report")
    FEE_STATEMENT = "fee_statement", _("Fee statement")


class DocumentFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Excel")
