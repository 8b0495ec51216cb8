"""Permissions on contacts and service duties (SPEC §1, §4).

* see a client's contacts, duties and compliance: whoever sees the client
  (:func:`~lexkeep.clients.visibility.client_visibility_q`): the director
  and partners every client, lawyers their clients, assistants the clients
  of the matters they assist on. Archivists, client-service specialists
  and external persons see none (SPEC §1 gives the specialists feedback and
  complaints only);
* log a contact, attach files, mark a duty done: the same people;
* generate a duty's documents: the director, partners and lawyers who see
  the client;
* change the duty rules and the service policy: the director.
"""

from __future__ import annotations

import rules

from lexkeep.accounts.rules import is_assistant, is_director, is_lawyer, is_leadership
from lexkeep.clients.rules import can_see_client

can_serve = is_leadership | is_lawyer | is_assistant

rules.add_perm("service.view_contact", can_serve & can_see_client)
rules.add_perm("service.add_contact", can_serve & can_see_client)
rules.add_perm("service.view_duty", can_serve & can_see_client)
rules.add_perm("service.complete_duty", can_serve & can_see_client)
rules.add_perm(
    "service.generate_document", (is_leadership | is_lawyer) & can_see_client
)
rules.add_perm("service.view_dashboard", can_serve)
rules.add_perm("service.change_dutyrule", is_director)
