"""API schemas of contacts, duties, compliance and notifications (SPEC §2.2, §4).

Field names follow the external contract (contact: ``id``, ``client``,
``matter``, ``channel``, ``occurred_at``, ``summary``); enum values are the
codes of :mod:`lexkeep.service.choices`; dates are ISO 8601.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from lexkeep.api.types import Day, Filters, Id, listed, not_before
from lexkeep.clients.choices import Tier
from lexkeep.service.choices import ContactChannel, Direction, DutyKind, Purpose


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime


class ContactIn(Schema):
    client: int
    matter: int | None = None
    channel: ContactChannel
    direction: Direction = Direction.OUTGOING
    purpose: Purpose = Purpose.GENERAL
    occurred_at: dt.datetime = Field(
        description="With its time zone; not in the future."
    )
    summary: str
    user: int | None = Field(None, description="Who had the contact (default: you).")


class ContactOut(Schema):
    id: int
    client: int
    client_name: str
    matter: int | None
    channel: str
    compliant_channel: bool = Field(description="False for personal WeChat or QQ.")
    direction: str
    purpose: str
    user: int
    user_name: str
    occurred_at: dt.datetime
    occurred_on: dt.date
    summary: str
    attachments: list[AttachmentOut]
    satisfied_duties: list[int]

    @staticmethod
    def resolve_client(obj: Any) -> int:
        return int(obj.client_id)

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj.client.name)

    @staticmethod
    def resolve_matter(obj: Any) -> int | None:
        return obj.matter_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_user(obj: Any) -> int:
        return int(obj.user_id)

    @staticmethod
    def resolve_user_name(obj: Any) -> str:
        return str(obj.user.display_name)

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_satisfied_duties(obj: Any) -> list[int]:
        return [d.pk for d in obj.satisfied_duties.all()]


class ContactFilters(Filters):
    client: Id | None = None
    matter: Id | None = None
    channel: Annotated[ContactChannel, listed(ContactChannel)] | None = None
    compliant: bool | None = None
    direction: Annotated[Direction, listed(Direction)] | None = None
    purpose: Annotated[Purpose, listed(Purpose)] | None = None
    user: Id | None = None
    since: Day | None = None
    until: Day | None = None

    _range = not_before("since", "until")


class DocumentOut(Schema):
    id: int
    kind: str
    format: str
    name: str
    size: int
    generated_at: dt.datetime


class DutyOut(Schema):
    id: int
    client: int
    client_name: str
    tier: str
    matter: int | None
    rule: str
    kind: str
    period_key: str
    period_start: dt.date
    due_date: dt.date
    event_on: dt.date | None
    status: str
    responsible: int | None
    satisfied_by: int | None
    done_on: dt.date | None
    done_on_time: bool

    @staticmethod
    def resolve_client(obj: Any) -> int:
        return int(obj.client_id)

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj.client.name)

    @staticmethod
    def resolve_tier(obj: Any) -> str:
        return str(obj.client.tier)

    @staticmethod
    def resolve_matter(obj: Any) -> int | None:
        return obj.matter_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_rule(obj: Any) -> str:
        return str(obj.rule.code)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.rule.kind)

    @staticmethod
    def resolve_responsible(obj: Any) -> int | None:
        return obj.responsible_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_satisfied_by(obj: Any) -> int | None:
        return obj.satisfied_by_id  # type: ignore[no-any-return]


class DutyDetailOut(DutyOut):
    documents: list[DocumentOut]

    @staticmethod
    def resolve_documents(obj: Any) -> list[Any]:
        return list(obj.documents.all())


#: A duty's status, or ``pending`` for one still owed (open or overdue).
DutyStatusFilter = Literal["open", "overdue", "done", "cancelled", "pending"]


class DutyFilters(Filters):
    status: DutyStatusFilter | None = None
    tier: Annotated[Tier, listed(Tier)] | None = None
    user: Id | None = None
    client: Id | None = None
    kind: Annotated[DutyKind, listed(DutyKind)] | None = None
    mine: bool = False
    due_after: Day | None = None
    due_before: Day | None = None

    _range = not_before("due_after", "due_before")


class DutyDoneIn(Schema):
    contact: int


class ComplianceRowOut(Schema):
    key: str
    label: str
    due_this_week: int
    overdue: int
    done_on_time: int
    done_late: int
    non_compliant: int
    rate: int | None


class DashboardOut(Schema):
    today: dt.date
    since: dt.date
    firm: ComplianceRowOut
    tiers: list[ComplianceRowOut]
    lawyers: list[ComplianceRowOut]


class ClientComplianceOut(Schema):
    client: int
    status: str
    last_contact_on: dt.date | None
    summary: ComplianceRowOut
    next_due: list[DutyOut]
    overdue: list[DutyOut]


class RuleOut(Schema):
    id: int
    code: str
    tier: str
    kind: str
    cadence: str
    interval_days: int | None
    event: str
    offset_days: int
    window_days: int
    scope: str
    condition: str
    channels: list[str]
    purpose_required: bool
    document: str
    active: bool


class RulePatch(Schema):
    interval_days: int | None = Field(None, ge=1, le=366)
    offset_days: int | None = Field(None, ge=-90, le=90)
    window_days: int | None = Field(None, ge=0, le=366)
    channels: list[ContactChannel] | None = None
    purpose_required: bool | None = None
    active: bool | None = None


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None
