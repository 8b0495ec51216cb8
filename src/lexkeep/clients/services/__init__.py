"""Writes and rules of the clients app (SPEC §2, §6), re-exported here."""

from lexkeep.clients.services.clients import (
    EDITABLE_FIELDS,
    ConsentInput,
    client_create,
    client_sensitive_reveal,
    client_update,
)
from lexkeep.clients.services.consents import (
    ERASED_ON_WITHDRAWAL,
    client_has_sensitive_consent,
    consent_document_read,
    consent_record,
    consent_withdraw,
)
from lexkeep.clients.services.reviews import client_review_record, quarter_of
from lexkeep.clients.services.tiers import (
    assignment_errors,
    client_assign_team,
    client_fees_last_12_months,
    client_tier_override,
    client_tier_recompute,
    client_tier_release_override,
    tier_for_fees,
    tier_policy_get,
    tier_policy_update,
    tier_recompute_all,
)
from lexkeep.clients.services.updates import client_update_record

__all__ = [
    "EDITABLE_FIELDS",
    "ERASED_ON_WITHDRAWAL",
    "ConsentInput",
    "assignment_errors",
    "client_assign_team",
    "client_create",
    "client_fees_last_12_months",
    "client_has_sensitive_consent",
    "client_review_record",
    "client_sensitive_reveal",
    "client_tier_override",
    "client_tier_recompute",
    "client_tier_release_override",
    "client_update",
    "client_update_record",
    "consent_document_read",
    "consent_record",
    "consent_withdraw",
    "quarter_of",
    "tier_for_fees",
    "tier_policy_get",
    "tier_policy_update",
    "tier_recompute_all",
]
