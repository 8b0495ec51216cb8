"""Services (writes and rules) of the archives (SPEC §7.1–§7.3)."""

from lexkeep.archives.services._common import (
    ARCHIVE_LIFECYCLE,
    archive_policy,
    is_archivist,
    may_collect,
    may_review,
    sees_all_archives,
)
from lexkeep.archives.services.checklist import (
    ChecklistItem,
    checklist_for,
    checklist_set,
    missing_items,
)
from lexkeep.archives.services.ledger import filing_ledger_export
from lexkeep.archives.services.materials import (
    archive_store,
    material_add,
    material_file_read,
    material_reorder,
    sync_task_complete,
)
from lexkeep.archives.services.volumes import (
    REVIEW_CHECKLIST,
    add_years,
    archive_file,
    archive_number_allocate,
    archive_open_for_matter,
    archive_review,
    archive_submit,
    archive_sweep,
    cabinet_create,
    collection_due,
    retention_dates,
)

__all__ = [
    "filing_ledger_export",
    "ARCHIVE_LIFECYCLE",
    "REVIEW_CHECKLIST",
    "ChecklistItem",
    "add_years",
    "archive_file",
    "archive_number_allocate",
    "archive_open_for_matter",
    "archive_policy",
    "archive_review",
    "archive_store",
    "archive_submit",
    "archive_sweep",
    "cabinet_create",
    "checklist_for",
    "checklist_set",
    "collection_due",
    "is_archivist",
    "material_add",
    "material_file_read",
    "material_reorder",
    "may_collect",
    "may_review",
    "missing_items",
    "retention_dates",
    "sees_all_archives",
    "sync_task_complete",
]
