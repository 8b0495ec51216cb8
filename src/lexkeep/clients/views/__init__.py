"""Pages of the client register (SPEC §2, §6): lists, client page, forms, checks."""

from lexkeep.clients.views.client import (
    client_create,
    client_detail,
    client_edit,
    client_reveal,
)
from lexkeep.clients.views.conflicts import (
    conflict_check,
    conflict_check_decide,
    conflict_check_detail,
    conflict_check_waiver,
)
from lexkeep.clients.views.lists import client_list, reassignment_list, review_list
from lexkeep.clients.views.records import (
    consent_document,
    consent_record,
    consent_withdraw,
    review_record,
    team_assign,
    tier_override,
    tier_release,
    update_record,
)

__all__ = [
    "client_create",
    "client_detail",
    "client_edit",
    "client_list",
    "client_reveal",
    "conflict_check",
    "conflict_check_decide",
    "conflict_check_detail",
    "conflict_check_waiver",
    "consent_document",
    "consent_record",
    "consent_withdraw",
    "reassignment_list",
    "review_list",
    "review_record",
    "team_assign",
    "tier_override",
    "tier_release",
    "update_record",
]
