"""One search box for clients and matters (issue 3 §8; ARCHITECTURE search)."""

from __future__ import annotations

import pytest
from django.db import connection

from lexkeep.clients.models import Client
from lexkeep.clients.search import (
    CLIENT_INDEX,
    client_ids_matching,
    ensure_search_index,
    matter_ids_matching,
    search,
)
from lexkeep.matters.models import Matter
from tests.matters.conftest import (  # noqa: F401 - fixtures
    a_credit_code,
    an_id_number,
    api_as_fixture,
    mk_check_fixture,
    mk_client_fixture,
    mk_matter_fixture,
)

pytestmark = pytest.mark.django_db

CODE = a_credit_code(4242)
ID_NUMBER = an_id_number(4243)
CASE = "(2026)京0105民初123号"


@pytest.fixture
def register(firm, mk_client, mk_matter):
    star = mk_client("北京市星河科技有限公司", owner=firm["senior"], credit_code=CODE)
    english = mk_client("Star River Holdings Ltd", owner=firm["senior"])
    person = mk_client(
        "李星星", client_type="individual", id_number=ID_NUMBER, owner=firm["senior"]
    )
    other = mk_client("长城汽车股份有限公司", owner=firm["partner"])
    matter = mk_matter(
        star,
        name="星河科技诉某公司买卖合同纠纷",
        case_number=CASE,
        handling=[firm["senior"]],
        assistants=[firm["assistant"]],
    )
    return {
        "star": star,
        "english": english,
        "person": person,
        "other": other,
        "matter": matter,
    }


def keys(hits) -> set[tuple[str, int]]:
    return {(h.kind, h.id) for h in hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("星", {"star", "person", "matter"}),
        ("星河", {"star", "matter"}),
        ("星河科技", {"star", "matter"}),
        ("长城", {"other"}),
        ("汽车股份", {"other"}),
        ("star", {"english"}),
        ("RIVER hold", {"english"}),
        ("民初123", {"matter"}),
        (CASE, {"matter"}),
        (CODE, {"star"}),
        (CODE[:6], {"star"}),
        ("买卖合同", {"matter"}),
    ],
)
def test_finds_by_any_part(firm, register, query, expected):
    hits = search(actor=firm["partner"], q=query)
    want = {("matter" if k == "matter" else "client", register[k].pk) for k in expected}
    assert keys(hits) == want


@pytest.mark.parametrize("query", ['"', '" OR "', "%", "_", "星%", "a*", "NEAR(", "\\"])
def test_user_input_is_escaped(firm, register, query):
    assert search(actor=firm["partner"], q=query) == []


def test_exact_then_prefix_then_substring(firm, mk_client):
    inner = mk_client("银河星河", owner=firm["senior"])
    prefix = mk_client("星河集团", owner=firm["senior"])
    exact = mk_client("星河", owner=firm["senior"])
    hits = search(actor=firm["senior"], q="星河")
    assert [h.id for h in hits] == [exact.pk, prefix.pk, inner.pk]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("director", {"star", "english", "person", "other", "matter"}),
        ("partner", {"star", "english", "person", "other", "matter"}),
        ("senior", {"star", "english", "person", "matter"}),
        ("staff", set()),
        ("assistant", {"star", "matter"}),
        ("archivist", set()),
        ("client_service", set()),
        ("external", set()),
    ],
)
def test_respects_visibility_for_every_role(firm, register, role, expected):
    found: set[tuple[str, int]] = set()
    for query in ("星", "Star", "长城", CASE):
        found |= keys(search(actor=firm[role], q=query))
    want = {("matter" if k == "matter" else "client", register[k].pk) for k in expected}
    assert found == want


def test_index_follows_changes(firm, register):
    star = register["star"]
    Client.objects.filter(pk=star.pk).update(
        name="南方能源有限公司", name_normalized="南方能源"
    )
    assert keys(search(actor=firm["partner"], q="星河科技")) == {
        ("matter", register["matter"].pk)
    }
    assert keys(search(actor=firm["partner"], q="南方能源")) == {("client", star.pk)}
    register["other"].delete()
    assert search(actor=firm["partner"], q="长城") == []


def test_no_id_numbers_in_the_index(firm, register):
    assert search(actor=firm["partner"], q=ID_NUMBER) == []
    assert search(actor=firm["partner"], q=ID_NUMBER[-6:]) == []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in ("clients_client_fts", "matters_matter_fts"):
                cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
                columns = [c[0] for c in cursor.description]
                assert not any("id_number" in c or "bank" in c for c in columns)
                text = repr(cursor.fetchall())
                assert ID_NUMBER not in text and ID_NUMBER[-8:] not in text
            cursor.execute(
                "SELECT count(*) FROM clients_client_fts WHERE clients_client_fts "
                "MATCH %s",
                [f'"{ID_NUMBER[-8:]}"'],
            )
            assert cursor.fetchone()[0] == 0
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname LIKE %s",
                ["%trgm"],
            )
            definitions = [row[0] for row in cursor.fetchall()]
            assert definitions
            assert not any("id_number" in d or "bank" in d for d in definitions)


def test_subqueries_for_the_list_selectors(firm, register):
    assert list(
        Client.objects.filter(pk__in=client_ids_matching("星河")).values_list(
            "pk", flat=True
        )
    ) == [register["star"].pk]
    assert list(
        Matter.objects.filter(pk__in=matter_ids_matching("民初")).values_list(
            "pk", flat=True
        )
    ) == [register["matter"].pk]


def test_repair_rebuilds_a_dropped_trigger(firm, register):
    if connection.vendor != "sqlite":
        pytest.skip("triggers are SQLite's")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {CLIENT_INDEX.fts}_ai")
    missed = Client.objects.create(
        name="漏网之鱼有限公司", name_normalized="漏网之鱼", client_type="enterprise"
    )
    assert search(actor=firm["partner"], q="漏网之鱼") == []
    ensure_search_index(connection)
    assert keys(search(actor=firm["partner"], q="漏网之鱼")) == {("client", missed.pk)}


def test_api(firm, register, api_as):
    response = api_as("assistant").get("/api/v1/search", q="星河")
    assert response.status_code == 200
    body = response.json()
    assert {(h["kind"], h["id"]) for h in body} == {
        ("client", register["star"].pk),
        ("matter", register["matter"].pk),
    }
    assert all(h["title"] and h["url"] for h in body)
    assert api_as("external").get("/api/v1/search", q="星河").json() == []


def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the gram index is SQLite's; PostgreSQL uses pg_trgm")


def _client_ids(q: str) -> set[int]:
    return set(
        Client.objects.filter(pk__in=client_ids_matching(q)).values_list(
            "pk", flat=True
        )
    )


def test_short_queries_use_the_gram_index_not_a_scan(firm, register):
    _sqlite_only()
    for q in ("星", "星河", "ST", "42"):
        ids = client_ids_matching(q)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {ids.sql}", ids.params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert f"SEARCH {CLIENT_INDEX.grams}" in plan
        assert "SCAN" not in plan


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("星", {"star", "person"}),
        ("河", {"star"}),
        ("星星", {"person"}),
        ("科技", {"star"}),
        ("st", {"english"}),
        ("St", {"english"}),
        ("LT", {"english"}),
        (CODE[-2:], {"star"}),
        ("汽", {"other"}),
        ("司", {"star", "other"}),
        ("%", set()),
        ("_", set()),
    ],
)
def test_short_queries_match_like_a_substring(firm, register, query, expected):
    assert _client_ids(query) == {register[k].pk for k in expected}


def test_gram_index_follows_changes(firm, register):
    star = register["star"]
    Client.objects.filter(pk=star.pk).update(
        name="南方能源有限公司", name_normalized="南方能源"
    )
    assert _client_ids("河") == set()
    assert _client_ids("能源") == {star.pk}
    created = Client.objects.create(
        name="河源机械厂", name_normalized="河源机械厂", client_type="enterprise"
    )
    assert _client_ids("河") == {created.pk}
    assert _client_ids("源") == {star.pk, created.pk}
    created.delete()
    register["other"].delete()
    assert _client_ids("源") == {star.pk}
    assert _client_ids("汽") == set()


def test_gram_index_holds_no_id_numbers(firm, register):
    _sqlite_only()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT gram FROM {CLIENT_INDEX.grams} WHERE id = %s",  # noqa: S608
            [register["person"].pk],
        )
        grams = {row[0] for row in cursor.fetchall()}
    # The name's characters and pairs only: nothing of the ID number.
    assert grams == {"李", "星", "李星", "星星"}


def test_repair_rebuilds_the_gram_index(firm, register):
    _sqlite_only()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {CLIENT_INDEX.grams}_ai")
    missed = Client.objects.create(
        name="漏网之鱼", name_normalized="漏网之鱼", client_type="enterprise"
    )
    assert _client_ids("漏网") == set()
    ensure_search_index(connection)
    assert _client_ids("漏网") == {missed.pk}
    assert _client_ids("星河") == {register["star"].pk}


def test_short_candidates_of_one_column(firm, register):
    """Near-name candidates of a short name look in that column only."""
    from lexkeep.clients.search import ids_sharing_trigrams

    ids = ids_sharing_trigrams(CLIENT_INDEX, "name_normalized", "星河")
    found = set(Client.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert found == {register["star"].pk}
    ids = ids_sharing_trigrams(CLIENT_INDEX, "credit_code", "星")
    assert not Client.objects.filter(pk__in=ids).exists()
