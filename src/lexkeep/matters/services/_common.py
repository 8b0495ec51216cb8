"""Helpers shared by the matter services: who may do what (SPEC §1, §3)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from lexkeep.accounts.models import Role, RoleAssignment, User
from lexkeep.clients.visibility import sees_everything
from lexkeep.core.exceptions import Lifecycle
from lexkeep.matters.models import Matter

#: Roles that may open a matter (SPEC §1: director, partners, lawyers).
OPENING_ROLES = (Role.DIRECTOR, Role.PARTNER, Role.LAWYER)
#: Roles that may handle or supervise a matter (SPEC §3).
LAWYER_ROLES = (Role.LAWYER, Role.PARTNER)

#: A matter is open until it is closed (SPEC §3 status ``open``/``closed``).
MATTER_LIFECYCLE = Lifecycle(
    "matter",
    {
        Matter.Status.OPEN: {
            "update": Matter.Status.OPEN,
            "close": Matter.Status.CLOSED,
        },
        Matter.Status.CLOSED: {},
    },
)


def require_opening_role(actor: User) -> None:
    """Refuse anyone but the director, a partner or a lawyer (SPEC §1)."""
    if not (actor.is_active and actor.has_role(*OPENING_ROLES)):
        raise PermissionDenied(
            _("Only lawyers, partners and the director may do this.")
        )


def may_edit(actor: User, matter: Matter) -> bool:
    """Return whether ``actor`` may change ``matter``.

    The director and partners may change any matter; a lawyer the matters
    they handle or supervise (SPEC §1).
    """
    if sees_everything(actor):
        return True
    if not actor.is_active or not actor.has_role(Role.LAWYER):
        return False
    if matter.supervising_lawyer_id == actor.pk:
        return True
    return matter.handling_lawyers.filter(pk=actor.pk).exists()


def require_edit(actor: User, matter: Matter) -> None:
    """Raise PermissionDenied unless ``actor`` may change ``matter``."""
    if not may_edit(actor, matter):
        raise PermissionDenied(_("You may not change this matter."))


def users_holding(ids: Iterable[int], roles: Iterable[str]) -> set[int]:
    """Return which of the user ids ``ids`` are active and hold one of ``roles``."""
    return set(
        RoleAssignment.objects.filter(
            user_id__in=list(ids), role__in=list(roles), user__is_active=True
        ).values_list("user_id", flat=True)
    )


def check_people(
    *,
    handling_lawyers: list[User],
    supervising_lawyer: User,
    assistants: list[User],
) -> dict[str, list[str]]:
    """Return field errors for the people of a matter (SPEC §3).

    Handling lawyers and the supervising lawyer must be lawyers or partners;
    assistants must hold the assistant role.
    """
    errors: dict[str, list[str]] = {}
    if not handling_lawyers:
        errors["handling_lawyers"] = [_("Name at least one handling lawyer.")]
    ids = {u.pk for u in handling_lawyers} | {supervising_lawyer.pk}
    lawyers = users_holding(ids, LAWYER_ROLES)
    if any(u.pk not in lawyers for u in handling_lawyers):
        errors["handling_lawyers"] = [
            _("Every handling lawyer must be a lawyer or a partner.")
        ]
    if supervising_lawyer.pk not in lawyers:
        errors["supervising_lawyer"] = [
            _("The supervising lawyer must be a lawyer or a partner.")
        ]
    helpers = users_holding((u.pk for u in assistants), (Role.ASSISTANT,))
    if any(u.pk not in helpers for u in assistants):
        errors["assistants"] = [_("Every assistant must hold the assistant role.")]
    return errors


def raise_if(errors: dict[str, list[str]]) -> None:
    """Raise a ValidationError naming each field of ``errors``, if any."""
    if errors:
        raise ValidationError(errors)
