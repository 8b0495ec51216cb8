"""API schemas of the archives (field names per ARCHITECTURE "archive")."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from lexkeep.api.types import Filters, Id, Search, Year, listed
from lexkeep.archives.choices import ArchiveClass, ArchiveStatus
from lexkeep.clients.choices import Tier


class MessageOut(Schema):
    detail: str


class ArchiveFilters(Filters):
    archive_class: Annotated[ArchiveClass, listed(ArchiveClass)] | None = None
    tier: Annotated[Tier, listed(Tier)] | None = None
    status: Annotated[ArchiveStatus, listed(ArchiveStatus)] | None = None
    year: Year | None = None
    lawyer: Id | None = None
    cabinet: Id | None = None
    late: bool | None = None
    q: Search = ""


class ArchiveOut(Schema):
    id: int
    archive_number: str
    matter: int = Field(..., alias="matter_id")
    matter_name: str = Field(..., alias="matter.name")
    client: int = Field(..., alias="client_id")
    client_name: str = Field(..., alias="client.name")
    client_tier: str
    archive_class: str
    status: str
    year: int
    handling_lawyer: int | None = Field(None, alias="handling_lawyer_id")
    collection_due: dt.date
    collection_late: bool
    retention_until: dt.date | None
    filed_on: dt.date | None
    cabinet: int | None = Field(None, alias="cabinet_id")
    shelf: int | None
    box: int | None


class MissingItemOut(Schema):
    key: str
    label: str
    material_types: list[str]


class ArchiveDetailOut(ArchiveOut):
    retention_from: dt.date | None
    end_date: dt.date
    submitted_by: int | None = Field(None, alias="submitted_by_id")
    submitted_at: dt.datetime | None
    missing_reasons: dict[str, dict[str, str]]
    reviewed_by: int | None = Field(None, alias="reviewed_by_id")
    reviewed_at: dt.datetime | None
    review_checklist: dict[str, bool]
    return_reasons: str
    filed_by: int | None = Field(None, alias="filed_by_id")
    allowed_actions: list[str]
    missing_items: list[MissingItemOut]
    total_pages: int
    ocr_enabled: bool


class MaterialIn(Schema):
    category: str
    material_type: str
    title: str
    page_count: int | None = None
    material_date: dt.date | None = None
    remarks: str = ""


class MaterialOut(Schema):
    id: int
    category: str
    material_type: str
    title: str
    material_date: dt.date | None
    page_count: int
    remarks: str
    position: int
    added_after_filing: bool
    has_file: bool
    file_name: str
    content_type: str
    file_size: int | None
    sha256: str
    file_pages: int | None
    min_dpi: int | None
    ocr_status: str


class ReorderIn(Schema):
    category: str
    order: list[int]


class SubmitIn(Schema):
    missing_reasons: dict[str, str] = {}


class ReviewIn(Schema):
    decision: str
    checklist: dict[str, bool] = {}
    reasons: str = ""


class FilingIn(Schema):
    cabinet: int
    shelf: int
    box: int


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: int | None = Field(None, alias="actor_id")
    at: dt.datetime
    note: str
    detail: dict[str, object]


class CabinetIn(Schema):
    code: str
    archive_class: str
    tier: str
    room: str
    shelves: int = 5
    boxes_per_shelf: int = 10
    capacity: int = 100


class CabinetOut(Schema):
    id: int
    code: str
    archive_class: str
    tier: str
    room: str
    shelves: int
    boxes_per_shelf: int
    capacity: int
    filed: int = 0


class SyncTaskOut(Schema):
    id: int
    archive: int = Field(..., alias="archive_id")
    material: int = Field(..., alias="material_id")
    update_copy: str
    created_at: dt.datetime
    done_at: dt.datetime | None


class SyncDoneIn(Schema):
    note: str = ""


class FixityRunOut(Schema):
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    trigger: str
    checked: int
    checked_bytes: int
    missing: list[dict[str, object]]
    altered: list[dict[str, object]]
    orphaned: list[str]
    ok: bool


class ChecklistItemIn(Schema):
    key: str
    label: str
    material_types: list[str]


class AlertOut(Schema):
    id: int
    kind: str
    archive: int | None = Field(None, alias="archive_id")
    message: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class AlertCountOut(Schema):
    unread: int


class AlertsMarkedOut(Schema):
    marked: int
    unread: int
