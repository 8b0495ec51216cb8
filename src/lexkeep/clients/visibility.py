"""Who may see which client and matter (issue: visibility; SPEC §1).

Partners and the director see every client and matter; a lawyer sees the
matters they handle or supervise and the clients of those matters, plus the
clients they own or serve on the team of; an assistant sees the matters they
assist on and those matters' clients; every other role sees none. Every
selector, API handler and view filters through these two functions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lexkeep.accounts.models import Role, User

_NOTHING = Q(pk__in=[])


def sees_everything(user: User) -> bool:
    """Return True for the director and partners (SPEC §1)."""
    return user.is_active and user.has_role(Role.DIRECTOR, Role.PARTNER)


def _union(parts: list[QuerySet[Any]]) -> QuerySet[Any] | None:
    """Return one id subquery ``part₁ UNION part₂ …`` (None if no parts).

    Each part is an indexed lookup by user; the database evaluates the union
    once and probes the primary key, instead of testing correlated
    subqueries for every row of a large table.
    """
    if not parts:
        return None
    first, *rest = [part.order_by() for part in parts]
    return first.union(*rest) if rest else first


def visible_matter_ids(user: User) -> QuerySet[Any] | None:
    """Return the ids of the matters ``user`` may see, or None for "all"."""
    from lexkeep.clients.models import Client
    from lexkeep.matters.models import Matter

    if sees_everything(user):
        return None
    parts: list[QuerySet[Any]] = []
    if user.is_active and user.has_role(Role.LAWYER):
        team = Client.team.through.objects.filter(user_id=user.pk).values("client_id")
        parts += [
            Matter.handling_lawyers.through.objects.filter(user_id=user.pk).values(
                "matter_id"
            ),
            Matter.objects.filter(supervising_lawyer_id=user.pk).values("id"),
            Matter.objects.filter(client__owner_id=user.pk).values("id"),
            Matter.objects.filter(client_id__in=team).values("id"),
        ]
    if user.is_active and user.has_role(Role.ASSISTANT):
        parts.append(
            Matter.assistants.through.objects.filter(user_id=user.pk).values(
                "matter_id"
            )
        )
    return _union(parts) if parts else Matter.objects.none().values("id")


def matter_visibility_q(user: User, prefix: str = "") -> Q:
    """Return a filter on Matter (or the ``prefix`` relation) visible to ``user``."""
    ids = visible_matter_ids(user)
    if ids is None:
        return Q()
    return Q(**{f"{prefix or 'pk'}__in": ids})


def client_visibility_q(user: User) -> Q:
    """Return a filter on Client visible to ``user``."""
    from lexkeep.clients.models import Client
    from lexkeep.matters.models import Matter

    if sees_everything(user):
        return Q()
    if not user.is_active:
        return _NOTHING
    parts: list[QuerySet[Any]] = []
    if user.has_role(Role.LAWYER):
        parts += [
            Client.objects.filter(owner_id=user.pk).values("id"),
            Client.team.through.objects.filter(user_id=user.pk).values("client_id"),
            Matter.objects.filter(handling_lawyers=user.pk).values("client_id"),
            Matter.objects.filter(supervising_lawyer_id=user.pk).values("client_id"),
        ]
    if user.has_role(Role.ASSISTANT):
        parts.append(Matter.objects.filter(assistants=user.pk).values("client_id"))
    ids = _union(parts)
    return _NOTHING if ids is None else Q(pk__in=ids)
