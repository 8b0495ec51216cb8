"""The one permission rule set used by views, the API and selectors.

Predicates are object-level where the standard needs it (borrowing, matters);
apps add their own permissions here by importing these predicates. Loaded by
``rules.apps.AutodiscoverRulesConfig``.
"""

from __future__ import annotations

import rules

from lexkeep.accounts.models import Role, User


def _has(role: str) -> rules.Predicate:
    @rules.predicate(name=f"is_{role}")
    def check(user: User) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(role)

    return check


is_director = _has(Role.DIRECTOR)
is_partner = _has(Role.PARTNER)
is_lawyer = _has(Role.LAWYER)
is_assistant = _has(Role.ASSISTANT)
is_archivist = _has(Role.ARCHIVIST)
is_client_service = _has(Role.CLIENT_SERVICE)
is_external = _has(Role.EXTERNAL)


@rules.predicate
def is_senior_lawyer(user: User) -> bool:
    """A lawyer of senior seniority (client manager of key clients, SPEC §2.2)."""
    return is_lawyer(user) and user.seniority == "senior"


@rules.predicate
def is_self(user: User, other: User | None) -> bool:
    return other is not None and user.pk == other.pk


#: Director and partners may read every client and archive (SPEC §1).
is_leadership = is_director | is_partner
#: Staff of the firm (everyone but an external person).
is_staff_member = (
    is_director
    | is_partner
    | is_lawyer
    | is_assistant
    | is_archivist
    | is_client_service
)

rules.add_perm("accounts.view_user_list", is_director | is_partner)
rules.add_perm("accounts.view_user", is_self | is_director | is_partner)
rules.add_perm("accounts.manage_users", is_director)
rules.add_perm("accounts.revoke_token", is_director)
rules.add_perm("core.view_firmholiday", is_staff_member)
rules.add_perm("core.change_firmholiday", is_director)
rules.add_perm("core.view_auditentry", is_director)
