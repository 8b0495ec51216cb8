"""Who may see which client and matter (issue: visibility; SPEC §1).

Partners and the director see every client and matter; a lawyer sees the
matters they handle or supervise and the clients of those matters, plus the
clients they own or serve on the team of; an assistant sees the matters they
assist on and those matters' clients; every other role sees none. Every
selector, API handler and view filters through these two functions.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from lexkeep.accounts.models import Role, User


def sees_everything(user: User) -> bool:
    """Return True for the director and partners (SPEC §1)."""
    return user.is_active and user.has_role(Role.DIRECTOR, Role.PARTNER)


def matter_visibility_q(user: User, prefix: str = "") -> Q:
    """Return a filter on Matter (or ``prefix``-ed relation) visible to ``user``."""
    if sees_everything(user):
        return Q()
    if not user.is_active:
        return Q(pk__in=[])
    from lexkeep.matters.models import Matter

    conditions = Q(pk__in=[])
    if user.has_role(Role.LAWYER):
        handled = Matter.handling_lawyers.through.objects.filter(
            matter_id=OuterRef("pk"), user_id=user.pk
        )
        conditions |= Q(Exists(handled)) | Q(supervising_lawyer_id=user.pk)
        conditions |= Q(client__owner_id=user.pk)
        team = _client_team_through().objects.filter(
            client_id=OuterRef("client_id"), user_id=user.pk
        )
        conditions |= Q(Exists(team))
    if user.has_role(Role.ASSISTANT):
        assisted = Matter.assistants.through.objects.filter(
            matter_id=OuterRef("pk"), user_id=user.pk
        )
        conditions |= Q(Exists(assisted))
    if prefix:
        return _prefixed(conditions, prefix)
    return conditions


def client_visibility_q(user: User) -> Q:
    """Return a filter on Client visible to ``user``."""
    if sees_everything(user):
        return Q()
    if not user.is_active:
        return Q(pk__in=[])
    from lexkeep.matters.models import Matter

    conditions = Q(pk__in=[])
    if user.has_role(Role.LAWYER):
        conditions |= Q(owner_id=user.pk)
        team = _client_team_through().objects.filter(
            client_id=OuterRef("pk"), user_id=user.pk
        )
        conditions |= Q(Exists(team))
        handled = Matter.objects.filter(client_id=OuterRef("pk")).filter(
            Q(handling_lawyers=user.pk) | Q(supervising_lawyer_id=user.pk)
        )
        conditions |= Q(Exists(handled))
    if user.has_role(Role.ASSISTANT):
        assisted = Matter.objects.filter(client_id=OuterRef("pk"), assistants=user.pk)
        conditions |= Q(Exists(assisted))
    return conditions


def _client_team_through() -> type:
    from lexkeep.clients.models import Client

    return Client.team.through


def _prefixed(q: Q, prefix: str) -> Q:
    """Return ``q`` with every lookup moved under the relation ``prefix``."""
    from lexkeep.matters.models import Matter

    return Q(**{f"{prefix}__in": Matter.objects.filter(q).values("pk")})
