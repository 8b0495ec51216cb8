"""Shared fixtures: a small firm with one named user per role."""

from __future__ import annotations

import pytest

from lexkeep.accounts.models import Role, Seniority, User
from lexkeep.accounts.services import user_create

PASSWORD = "Lexkeep-Test-2026"


@pytest.fixture
def make_user(db):
    """Return a factory creating a user with the given roles."""

    def make(username: str, *roles: str, **kwargs: object) -> User:
        if Role.LAWYER in roles:
            kwargs.setdefault("seniority", Seniority.STAFF)
        return user_create(
            username=username,
            password=PASSWORD,
            roles=roles,
            validate_password_strength=False,
            **kwargs,  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
def firm(make_user) -> dict[str, User]:
    """Seed a small firm: one user per role, as SPEC §1 lists them."""
    users: dict[str, User] = {}
    users["director"] = make_user("director", Role.DIRECTOR, full_name="王主任")
    users["partner"] = make_user("partner", Role.PARTNER, full_name="李合伙")
    users["senior"] = make_user(
        "senior", Role.LAWYER, seniority=Seniority.SENIOR, full_name="张资深"
    )
    users["staff"] = make_user(
        "staff", Role.LAWYER, seniority=Seniority.STAFF, full_name="赵专职"
    )
    users["assistant"] = make_user(
        "assistant", Role.ASSISTANT, supervisor=users["senior"], full_name="钱助理"
    )
    users["archivist"] = make_user("archivist", Role.ARCHIVIST, full_name="孙档案")
    users["client_service"] = make_user(
        "client_service", Role.CLIENT_SERVICE, full_name="周客服"
    )
    users["external"] = make_user("external", Role.EXTERNAL, full_name="吴外部")
    return users
