"""API schemas of matters, conflict checks and search (ARCHITECTURE field names)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BaseModel

from lexkeep.api.types import Filters, Id, Search, listed
from lexkeep.clients.choices import Domain
from lexkeep.matters.models import ConflictCheck, FeeReceipt, Matter, MatterParty


class PartyIn(Schema):
    role: str = Field(..., description="counterparty | related")
    name: str = Field(..., min_length=1, max_length=200)
    credit_code: str = Field("", max_length=32)
    id_number: str = Field(
        "", max_length=32, description="Matched by its keyed hash; never stored."
    )
    note: str = Field("", max_length=300)


class PartyOut(Schema):
    id: int
    role: str
    name: str
    credit_code: str
    has_id_number: bool
    note: str

    @staticmethod
    def resolve_has_id_number(obj: MatterParty) -> bool:
        return bool(obj.id_number_index)


class HearingIn(Schema):
    scheduled_at: datetime
    location: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class HearingOut(Schema):
    id: int
    scheduled_at: datetime
    location: str
    note: str


class FeeIn(Schema):
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    received_on: date
    note: str = Field("", max_length=300)


class FeeOut(Schema):
    id: int
    amount: Decimal
    received_on: date
    note: str
    recorded_by: int | None

    @staticmethod
    def resolve_recorded_by(obj: FeeReceipt) -> int | None:
        return obj.recorded_by_id


class MatterIn(Schema):
    client: int
    name: str = Field(..., min_length=1, max_length=200)
    case_number: str = Field("", max_length=64)
    domain: str
    sub_domain: str = ""
    handling_lawyers: list[int] = Field(..., min_length=1)
    supervising_lawyer: int
    assistants: list[int] = Field(default_factory=list)
    engagement_start: date
    engagement_end: date | None = None
    agreed_fee: Decimal = Field(Decimal("0"), max_digits=14, decimal_places=2)
    conflict_check: int
    description: str = ""
    parties: list[PartyIn] = Field(default_factory=list)


class MatterPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    case_number: str | None = Field(None, max_length=64)
    domain: str | None = None
    sub_domain: str | None = None
    handling_lawyers: list[int] | None = None
    supervising_lawyer: int | None = None
    assistants: list[int] | None = None
    engagement_start: date | None = None
    engagement_end: date | None = None
    agreed_fee: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    description: str | None = None
    filing_date: date | None = None
    judgment_date: date | None = None
    judgment_effective_date: date | None = None
    business_end_date: date | None = None
    counsel_end_date: date | None = None


class MatterFilters(Filters):
    status: Annotated[Matter.Status, listed(Matter.Status)] | None = None
    domain: Annotated[Domain, listed(Domain)] | None = None
    client: Id | None = None
    lawyer: Id | None = None
    q: Search = ""


class CheckFilters(Filters):
    decision: (
        Annotated[ConflictCheck.Decision, listed(ConflictCheck.Decision)] | None
    ) = None
    client: Id | None = None


class MatterCloseIn(Schema):
    business_end_date: date
    counsel_end_date: date | None = None


class MatterRowOut(BaseModel):
    """A matter as the list shows it (plain rows, no resolvers).

    Built from :class:`lexkeep.matters.selectors.MatterRows` dicts: lists
    are read without model instances.
    """

    id: int
    name: str
    case_number: str
    client: int
    client_name: str
    domain: str
    sub_domain: str
    handling_lawyers: list[int]
    supervising_lawyer: int
    assistants: list[int]
    status: str
    engagement_start: date
    engagement_end: date | None
    agreed_fee: Decimal
    filing_date: date | None
    judgment_date: date | None
    judgment_effective_date: date | None
    business_end_date: date | None
    counsel_end_date: date | None
    conflict_check: int


class MatterOut(Schema, MatterRowOut):
    """A matter, read from its model instance; the same fields as a list row."""

    @staticmethod
    def resolve_client(obj: Matter) -> int:
        return obj.client_id

    @staticmethod
    def resolve_client_name(obj: Matter) -> str:
        return obj.client.name

    @staticmethod
    def resolve_handling_lawyers(obj: Matter) -> list[int]:
        return [u.pk for u in obj.handling_lawyers.all()]

    @staticmethod
    def resolve_assistants(obj: Matter) -> list[int]:
        return [u.pk for u in obj.assistants.all()]

    @staticmethod
    def resolve_supervising_lawyer(obj: Matter) -> int:
        return obj.supervising_lawyer_id

    @staticmethod
    def resolve_conflict_check(obj: Matter) -> int:
        return obj.conflict_check_id


class MatterDetailOut(MatterOut):
    description: str
    parties: list[PartyOut]
    hearings: list[HearingOut]

    @staticmethod
    def resolve_parties(obj: Matter) -> list[MatterParty]:
        return list(obj.parties.all())

    @staticmethod
    def resolve_hearings(obj: Matter) -> list[Any]:
        return list(obj.hearings.all())


class ConflictPartyIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    role: str = Field(..., description="counterparty | related")
    credit_code: str = Field("", max_length=32)
    id_number: str = Field("", max_length=32)


class ConflictCheckIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    credit_code: str = Field("", max_length=32)
    id_number: str = Field("", max_length=32)
    parties: list[ConflictPartyIn] = Field(default_factory=list)
    client: int | None = None


class ConflictHitOut(Schema):
    restricted: bool
    message: str = ""
    searched_role: str = ""
    searched_name: str = ""
    kind: str | None = None
    client_id: int | None = None
    matter_id: int | None = None
    party_id: int | None = None
    matched_name: str | None = None
    score: float | None = None
    reason: str | None = None
    reason_label: str | None = None
    reasons: list[str] | None = None
    former_client_adverse: bool | None = None


class ConflictCheckOut(Schema):
    id: int
    subject_name: str
    subject_credit_code: str
    client: int | None
    matter: int | None
    searched_by: int
    searched_at: datetime
    decision: str
    decision_note: str
    decided_by: int | None
    decided_at: datetime | None
    waiver_document_name: str
    hit_count: int

    @staticmethod
    def resolve_client(obj: Any) -> int | None:
        return obj["client"] if isinstance(obj, dict) else obj.client_id

    @staticmethod
    def resolve_matter(obj: Any) -> int | None:
        if isinstance(obj, dict):
            return obj["matter"]  # type: ignore[no-any-return]
        matter = getattr(obj, "matter", None)
        return matter.pk if matter is not None else None

    @staticmethod
    def resolve_searched_by(obj: Any) -> int:
        return obj["searched_by"] if isinstance(obj, dict) else obj.searched_by_id

    @staticmethod
    def resolve_decided_by(obj: Any) -> int | None:
        return obj["decided_by"] if isinstance(obj, dict) else obj.decided_by_id

    @staticmethod
    def resolve_hit_count(obj: Any) -> int:
        return obj["hit_count"] if isinstance(obj, dict) else len(obj.hits or [])


class ConflictCheckDetailOut(ConflictCheckOut):
    parties: list[dict[str, Any]]
    hits: list[ConflictHitOut]


class SearchHitOut(Schema):
    kind: str
    id: int
    title: str
    subtitle: str
    url: str


class ImportResultOut(Schema):
    created: int
    rows: int


class ImportErrorItem(Schema):
    row: int
    field: str
    message: str


class ImportErrorOut(Schema):
    detail: str
    errors: list[ImportErrorItem]


class MessageOut(Schema):
    detail: str
