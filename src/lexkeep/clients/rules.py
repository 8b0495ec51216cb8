"""Permissions on clients (SPEC §1, §2.2, §6), shared by API, views and services.

* see a client: :func:`~lexkeep.clients.visibility.client_visibility_q`
  (director and partners all; lawyers those they own, serve on the team of,
  handle or supervise a matter of; assistants those they assist on);
* create a client: the director, partners and lawyers;
* change a client, record reviews and major changes: the director, partners
  and the lawyers who see it (its handling lawyers, SPEC §2.4);
* see sensitive data unmasked: as :mod:`lexkeep.clients.masking` states;
* set or release a tier by hand, assign the service team: the director and
  partners (SPEC §2.1, §2.2);
* change the tier thresholds: the director (SPEC §2.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from lexkeep.accounts.rules import is_director, is_lawyer, is_leadership

if TYPE_CHECKING:
    from lexkeep.accounts.models import User
    from lexkeep.clients.models import Client


@rules.predicate
def can_see_client(user: User, client: Client | None) -> bool:
    """Return True if ``client`` passes the visibility filter for ``user``."""
    if client is None or not getattr(user, "is_authenticated", False):
        return False
    from lexkeep.clients.models import Client
    from lexkeep.clients.visibility import client_visibility_q, sees_everything

    if sees_everything(user):
        return True
    return Client.objects.filter(client_visibility_q(user), pk=client.pk).exists()


@rules.predicate
def has_active_sensitive_consent(user: User, client: Client | None) -> bool:
    """Return True if ``client`` has a separate sensitive-data consent in force."""
    if client is None:
        return False
    from lexkeep.clients.services.consents import client_has_sensitive_consent

    return client_has_sensitive_consent(client=client)


can_create_client = is_leadership | is_lawyer
can_change_client = (is_leadership | is_lawyer) & can_see_client
can_reveal_sensitive = (
    (is_leadership | is_lawyer) & can_see_client & has_active_sensitive_consent
)
can_manage_tier = is_leadership

rules.add_perm("clients.add_client", can_create_client)
rules.add_perm("clients.view_client", can_see_client)
rules.add_perm("clients.change_client", can_change_client)
rules.add_perm("clients.reveal_sensitive", can_reveal_sensitive)
rules.add_perm("clients.override_tier", can_manage_tier)
rules.add_perm("clients.assign_team", can_manage_tier)
rules.add_perm("clients.change_tierpolicy", is_director)
