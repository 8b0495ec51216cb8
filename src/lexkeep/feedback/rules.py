"""Who may do what with feedback cases (SPEC §1, §5). Loaded by ``rules``.

* Client-service specialists own and handle the cases; any of them may act
  on any case (cover when the owner is away); the director may too and
  receives escalations.
* Partners read every case, the ledger and the summary (they help resolve
  complaints about their clients) but do not handle cases and see the
  complainant's contact details masked.
* Other roles (lawyers, assistants, archivists, external persons) see no
  case: a complaint may be about them, and the standard gives complaints to
  client service (product decision).
* The complainant's contact details are personal data: shown to client
  service, the director and the case's owner only (PIPL Art. 10 minimum
  necessary; SPEC §6).
"""

from __future__ import annotations

import rules

from lexkeep.accounts.models import User
from lexkeep.accounts.rules import is_client_service, is_director, is_partner


@rules.predicate
def is_owner(user: User, feedback: object | None) -> bool:
    """The case's owner."""
    return feedback is not None and getattr(feedback, "owner_id", None) == user.pk


may_read = is_director | is_partner | is_client_service
may_handle = is_director | is_client_service

rules.add_perm("feedback.view_feedback", may_read)
rules.add_perm("feedback.view_contact", is_director | is_client_service | is_owner)
rules.add_perm("feedback.add_feedback", may_handle)
rules.add_perm("feedback.change_feedback", may_handle)
rules.add_perm("feedback.export_ledger", may_read)
rules.add_perm("feedback.add_improvementmeasure", may_handle)
rules.add_perm("feedback.view_escalations", is_director | is_client_service)
