"""API schemas of clients, consents, reviews, updates and tiers.

Field names follow the external contract (ARCHITECTURE "External
contract"); sensitive values leave the server masked unless a permitted
user asks for one explicitly (SPEC §6); money is a decimal string in yuan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BaseModel, PlainSerializer

Money = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]


# A plain model, not a ninja Schema: rows are dicts, read without resolvers.
class DomainIO(BaseModel):
    domain: str
    sub_domain: str = ""


class ClientRowOut(BaseModel):
    """A client as the list shows it, sensitive values masked (plain rows).

    Built from :class:`lexkeep.clients.selectors.ClientRows` dicts without
    resolvers: lists are read without model instances.
    """

    id: int
    name: str
    client_type: str
    enterprise_kind: str
    domains: list[DomainIO]
    tier: str
    tier_overridden: bool
    gender: str
    id_number: str = Field(description="Masked.")
    bank_account: str = Field(description="Masked.")
    credit_code: str
    legal_representative: str
    phone: str
    email: str
    address: str
    registered_address: str
    owner: int | None
    owner_name: str
    team: list[int]
    preferred_channel: str
    service_focus: str
    has_sensitive_consent: bool


class ClientOut(ClientRowOut):
    """A client; the same fields and values as its list row."""

    # Built from lexkeep.clients.selectors.client_row (a plain row, masked); a
    # value the caller asked to see and may see (?reveal=) replaces its mask.

    id_number: str = Field(description="Masked unless revealed (?reveal=id_number).")
    bank_account: str = Field(description="Masked unless revealed.")


class ConsentIn(Schema):
    client: int
    kind: str = Field(..., description="general | sensitive")
    purpose: str = Field(..., max_length=4000)
    scope: str = Field(..., max_length=4000)
    use: str = Field(..., max_length=4000)
    signed_on: dt.date


class ConsentInline(Schema):
    kind: str = "sensitive"
    purpose: str = Field(..., max_length=4000)
    scope: str = Field(..., max_length=4000)
    use: str = Field(..., max_length=4000)
    signed_on: dt.date


class ClientIn(Schema):
    name: str = Field(..., max_length=200)
    client_type: str
    enterprise_kind: str = ""
    domains: list[DomainIO] = []
    gender: str = ""
    id_number: str = Field("", max_length=32)
    bank_account: str = Field("", max_length=40)
    credit_code: str = Field("", max_length=32)
    legal_representative: str = Field("", max_length=100)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    registered_address: str = Field("", max_length=300)
    preferred_channel: str = ""
    service_focus: str = ""
    notes: str = ""
    owner: int | None = None
    consent: ConsentInline | None = Field(
        None, description="A consent recorded with the client (e.g. sensitive)."
    )


class ClientPatch(Schema):
    name: str | None = Field(None, max_length=200)
    client_type: str | None = None
    enterprise_kind: str | None = None
    domains: list[DomainIO] | None = None
    gender: str | None = None
    id_number: str | None = Field(None, max_length=32)
    bank_account: str | None = Field(None, max_length=40)
    credit_code: str | None = Field(None, max_length=32)
    legal_representative: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=300)
    registered_address: str | None = Field(None, max_length=300)
    preferred_channel: str | None = None
    service_focus: str | None = None
    notes: str | None = None
    owner: int | None = None
    tier: str | None = None


class HistoryRowOut(Schema):
    field: str
    old: Any
    new: Any
    changed_by: int | None
    changed_by_name: str
    changed_at: dt.datetime
    reason: str
    change_type: str


class ReviewIn(Schema):
    reviewed_on: dt.date
    method: str = Field(..., description="phone | email | visit")
    note: str = ""


class ReviewOut(Schema):
    id: int
    client: int
    quarter: str
    reviewed_on: dt.date
    method: str
    note: str
    reviewed_by: int | None

    @staticmethod
    def resolve_client(obj: Any) -> int:
        return obj.client_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_reviewed_by(obj: Any) -> int | None:
        return obj.reviewed_by_id  # type: ignore[no-any-return]


class UpdateIn(Schema):
    kind: str = Field(
        ...,
        description="contact_details | legal_representative | engaged_matter | other",
    )
    description: str = Field(..., max_length=4000)
    occurred_on: dt.date
    matter: int | None = None


class UpdateOut(Schema):
    id: int
    client: int
    matter: int | None
    kind: str
    description: str
    occurred_on: dt.date
    due_on: dt.date
    recorded_at: dt.datetime
    late: bool
    recorded_by: int | None

    @staticmethod
    def resolve_client(obj: Any) -> int:
        return obj.client_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_matter(obj: Any) -> int | None:
        return obj.matter_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_recorded_by(obj: Any) -> int | None:
        return obj.recorded_by_id  # type: ignore[no-any-return]


class TierOverrideIn(Schema):
    tier: str
    reason: str = Field(..., max_length=4000)


class TierChangeOut(Schema):
    id: int
    old_tier: str
    new_tier: str
    source: str
    reason: str
    fees_last_12_months: Money | None
    changed_by: int | None
    changed_at: dt.datetime

    @staticmethod
    def resolve_changed_by(obj: Any) -> int | None:
        return obj.changed_by_id  # type: ignore[no-any-return]


class TeamIn(Schema):
    owner: int
    team: list[int] = []


class ConsentOut(Schema):
    id: int
    client: int
    kind: str
    purpose: str
    scope: str
    use: str
    signed_on: dt.date
    withdrawn_on: dt.date | None
    withdrawal_note: str
    has_document: bool
    document_name: str

    @staticmethod
    def resolve_client(obj: Any) -> int:
        return obj.client_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_has_document(obj: Any) -> bool:
        return bool(obj.document_blob)


class WithdrawIn(Schema):
    withdrawn_on: dt.date
    note: str = ""


class TierPolicyIO(Schema):
    strategic_threshold: Money
    key_threshold: Money


class ClientRef(Schema):
    id: int
    name: str
    tier: str
    owner: int | None

    @staticmethod
    def resolve_owner(obj: Any) -> int | None:
        return obj.owner_id  # type: ignore[no-any-return]


class ReviewGroupOut(Schema):
    owner: int | None
    owner_name: str
    due: list[ClientRef]
    overdue: list[ClientRef]
