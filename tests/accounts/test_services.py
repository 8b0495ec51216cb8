from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lexkeep.accounts.models import Department, Role, User
from lexkeep.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    user_create,
)


def test_user_holds_several_roles(make_user):
    user = make_user("both", Role.PARTNER, Role.ARCHIVIST)
    assert user.roles == {"partner", "archivist"}
    assert user.requires_two_factor


def test_lawyer_needs_seniority(make_user):
    with pytest.raises(ValidationError) as exc:
        make_user("nolevel", Role.LAWYER, seniority="")
    assert "seniority" in exc.value.message_dict


def test_assistant_needs_supervising_lawyer(make_user):
    with pytest.raises(ValidationError) as exc:
        make_user("lonely", Role.ASSISTANT)
    assert "supervisor" in exc.value.message_dict


def test_supervisor_must_be_a_lawyer(make_user, firm):
    with pytest.raises(ValidationError) as exc:
        make_user("badsup", Role.ASSISTANT, supervisor=firm["archivist"])
    assert "supervisor" in exc.value.message_dict


def test_unknown_role_refused(make_user):
    with pytest.raises(ValidationError) as exc:
        make_user("who", "janitor")
    assert "roles" in exc.value.message_dict


def test_token_round_trip_and_revocation(firm):
    token, raw = api_token_create(user=firm["staff"])
    assert raw not in token.digest
    assert api_token_authenticate(raw=raw).user == firm["staff"]
    api_token_revoke(token=token)
    assert api_token_authenticate(raw=raw) is None


def test_token_refused_when_expired_or_user_inactive(firm):
    _token, expired = api_token_create(
        user=firm["staff"], expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert api_token_authenticate(raw=expired) is None
    _token, raw = api_token_create(user=firm["senior"])
    assert api_token_authenticate(raw=raw + "x") is None
    User.objects.filter(pk=firm["senior"].pk).update(is_active=False)
    assert api_token_authenticate(raw=raw) is None


def test_token_brings_its_user_and_roles(firm, django_assert_num_queries):
    token, raw = api_token_create(user=firm["partner"])
    token.last_used_at = timezone.now()
    token.save(update_fields=["last_used_at"])
    with django_assert_num_queries(2):
        found = api_token_authenticate(raw=raw)
        assert found is not None and found.pk == token.pk
        assert found.user == firm["partner"] and found.user.roles == {"partner"}
        assert found.user.password == firm["partner"].password
        assert found.created_at == token.created_at


def _new_user(**fields):
    values = {
        "username": "newcomer",
        "password": "Vq7-long-enough-pass",
        "roles": [Role.ASSISTANT],
        "department_name": "知识产权部",
    }
    values.update(fields)
    return user_create(**values)


def test_refused_user_create_leaves_no_new_department(firm):
    # An assistant without a supervising lawyer is refused.
    with pytest.raises(ValidationError) as exc:
        _new_user(actor=firm["director"])
    assert "supervisor" in exc.value.message_dict
    assert not Department.objects.filter(name="知识产权部").exists()
    assert not User.objects.filter(username="newcomer").exists()


def test_user_create_by_a_non_director_leaves_no_new_department(firm):
    with pytest.raises(PermissionDenied):
        _new_user(actor=firm["partner"], supervisor=firm["senior"])
    assert not Department.objects.filter(name="知识产权部").exists()


def test_user_create_files_the_user_under_the_named_department(firm):
    existing = Department.objects.create(name="诉讼部")
    first = _new_user(actor=firm["director"], supervisor=firm["senior"])
    second = _new_user(
        username="second",
        supervisor=firm["senior"],
        department_name=" 诉讼部 ",
    )
    assert first.department.name == "知识产权部"
    assert second.department == existing
    assert Department.objects.filter(name="诉讼部").count() == 1


def test_user_create_refuses_a_department_name_too_long(firm):
    with pytest.raises(ValidationError) as exc:
        _new_user(supervisor=firm["senior"], department_name="部" * 101)
    assert "department" in exc.value.message_dict
    assert not User.objects.filter(username="newcomer").exists()
