"""Services (writes and rules) of matters (SPEC §3)."""

from lexkeep.matters.services._common import MATTER_LIFECYCLE, may_edit
from lexkeep.matters.services.fees import fee_receipt_record
from lexkeep.matters.services.matters import (
    KEY_DATE_FIELDS,
    UPDATABLE_FIELDS,
    key_date_errors,
    matter_close,
    matter_key_dates_set,
    matter_open,
    matter_update,
    sub_domain_errors,
)
from lexkeep.matters.services.parties import (
    matter_hearing_add,
    matter_hearing_remove,
    matter_party_add,
    matter_party_remove,
    party_build,
    party_id_index,
)

__all__ = [
    "KEY_DATE_FIELDS",
    "MATTER_LIFECYCLE",
    "UPDATABLE_FIELDS",
    "fee_receipt_record",
    "key_date_errors",
    "matter_close",
    "matter_hearing_add",
    "matter_hearing_remove",
    "matter_key_dates_set",
    "matter_open",
    "matter_party_add",
    "matter_party_remove",
    "matter_update",
    "may_edit",
    "party_build",
    "party_id_index",
    "sub_domain_errors",
]
