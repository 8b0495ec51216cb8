"""Reads of users for pickers (SPEC §1)."""

from __future__ import annotations

import pytest

from lexkeep.accounts.models import Role
from lexkeep.accounts.selectors import users_with_roles
from lexkeep.accounts.services import user_set_active

pytestmark = pytest.mark.django_db


def _names(qs) -> set[str]:
    return set(qs.values_list("username", flat=True))


def test_users_holding_any_of_the_roles_each_once(firm, make_user):
    make_user("counsel", Role.LAWYER, Role.PARTNER)
    lawyers = users_with_roles(Role.LAWYER, Role.PARTNER)
    assert _names(lawyers) == {"partner", "senior", "staff", "counsel"}
    assert lawyers.filter(username="counsel").count() == 1
    assert _names(users_with_roles(Role.CLIENT_SERVICE)) == {"client_service"}
    assert not users_with_roles()


def test_inactive_users_only_when_asked(firm):
    user_set_active(actor=firm["director"], user=firm["staff"], active=False)
    assert "staff" not in _names(users_with_roles(Role.LAWYER))
    assert "staff" in _names(users_with_roles(Role.LAWYER, active=False))


def test_one_query(firm, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(users_with_roles(Role.LAWYER, Role.PARTNER, Role.DIRECTOR))
