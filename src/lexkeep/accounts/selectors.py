"""Reads for users and tokens, with the permission filter applied."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from lexkeep.accounts.models import ApiToken, User


def user_list(*, actor: User) -> QuerySet[User]:
    """Return the users ``actor`` may list (director and partners)."""
    if not actor.has_perm("accounts.view_user_list"):
        raise PermissionDenied
    return (
        User.objects.filter(is_active=True)
        .select_related("department", "supervisor")
        .prefetch_related("role_assignments")
    )


def users_with_roles(*roles: str, active: bool = True) -> QuerySet[User]:
    """Return the users holding any of ``roles`` (SPEC §1), each once, unordered.

    For pickers (owners, lawyers, assistants, specialists); with ``active``
    (the default) only users who may still sign in. The caller orders.
    """
    qs = User.objects.filter(role_assignments__role__in=roles)
    if active:
        qs = qs.filter(is_active=True)
    return qs.distinct()


def user_get_with_roles(*, pk: int) -> User:
    """Return the user with roles, department and supervisor in one go."""
    return (
        User.objects.select_related("department", "supervisor")
        .prefetch_related("role_assignments")
        .get(pk=pk)
    )


def api_token_list(*, actor: User) -> QuerySet[ApiToken]:
    """Return ``actor``'s own tokens, newest first."""
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def api_token_get_for_revocation(*, actor: User, pk: int) -> ApiToken:
    """Return a token ``actor`` may revoke: their own, or any for the director."""
    qs = ApiToken.objects.all()
    if not actor.has_perm("accounts.revoke_token"):
        qs = qs.filter(user=actor)
    return qs.get(pk=pk)
