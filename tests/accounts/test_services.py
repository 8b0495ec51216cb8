import pytest
from django.core.exceptions import ValidationError

from lexkeep.accounts.models import Role
from lexkeep.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
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
