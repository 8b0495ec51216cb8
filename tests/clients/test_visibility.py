"""Who sees which client, through selectors and the API (SPEC §1; issue 3 item 7)."""

from __future__ import annotations

import pytest

from lexkeep.accounts.models import Role
from lexkeep.clients.models import Client
from lexkeep.clients.selectors import client_get, client_list

pytestmark = pytest.mark.django_db

#: Who sees the client whose matter the senior lawyer handles and the
#: assistant assists on (owned by nobody in particular).
EXPECTED = {
    "director": True,
    "partner": True,
    "senior": True,  # handles the matter
    "staff": False,  # a lawyer with no relation to the client
    "assistant": True,  # assists on the matter
    "other_assistant": False,  # an assistant not on the matter
    "archivist": False,
    "client_service": False,
    "external": False,
}


@pytest.fixture
def cast(firm, make_user):
    users = dict(firm)
    users["other_assistant"] = make_user(
        "assistant2", Role.ASSISTANT, supervisor=firm["senior"]
    )
    return users


@pytest.fixture
def handled_client(make_individual, make_matter, firm):
    client = make_individual()
    make_matter(client, handling=[firm["senior"]], assistants=[firm["assistant"]])
    return client


@pytest.mark.parametrize(("who", "sees"), sorted(EXPECTED.items()))
def test_selectors(cast, handled_client, who, sees):
    user = cast[who]
    assert (handled_client in client_list(actor=user)) is sees
    if sees:
        assert client_get(actor=user, pk=handled_client.pk) == handled_client
    else:
        with pytest.raises(Client.DoesNotExist):
            client_get(actor=user, pk=handled_client.pk)


@pytest.mark.parametrize(("who", "sees"), sorted(EXPECTED.items()))
def test_api(cast, handled_client, api, who, sees):
    caller = api(cast[who])
    listed = caller.get("/api/v1/clients").json()["items"]
    assert (handled_client.pk in [c["id"] for c in listed]) is sees
    detail = caller.get(f"/api/v1/clients/{handled_client.pk}")
    assert detail.status_code == (200 if sees else 404)
    history = caller.get(f"/api/v1/clients/{handled_client.pk}/history")
    assert history.status_code == (200 if sees else 404)


def test_owner_and_team_members_see_their_clients(make_individual, firm):
    owned = make_individual(actor=firm["staff"])
    assert list(client_list(actor=firm["staff"])) == [owned]
    assert not client_list(actor=firm["senior"]).exists()
    owned.team.add(firm["senior"])
    assert list(client_list(actor=firm["senior"])) == [owned]


def test_supervising_lawyer_sees(make_individual, make_matter, firm):
    client = make_individual()
    make_matter(client, handling=[firm["staff"]], supervising=firm["senior"])
    assert client in client_list(actor=firm["senior"])
    assert client in client_list(actor=firm["staff"])


def test_inactive_user_sees_nothing(handled_client, firm):
    firm["partner"].is_active = False
    assert not client_list(actor=firm["partner"]).exists()


@pytest.mark.parametrize("role", ["senior", "assistant"])
def test_people_lookups_read_indexes_only(firm, role):
    """A person's matters come from a covering index, not a row per matter."""
    from django.db import connection

    from lexkeep.clients.visibility import client_visibility_q

    ids = Client.objects.filter(client_visibility_q(firm[role])).values("pk")
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            pytest.skip("the plan is checked on SQLite")
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [str(row[-1]) for row in cursor.fetchall()]
    people = [
        step
        for step in plan
        if "USING" in step and ("handling_lawyers" in step or "assistants" in step)
    ]
    assert people
    assert all("COVERING INDEX" in step for step in people), plan
