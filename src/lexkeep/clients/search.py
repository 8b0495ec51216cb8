"""One search box for clients and matters (issue 3 §8; ARCHITECTURE "search").

Chinese has no spaces, so words cannot be tokenised: the index is built on
character trigrams. SQLite keeps FTS5 tables with ``tokenize='trigram'``
(external content: the text stays in the base table, the FTS table holds
only the trigram index) kept in step by triggers; PostgreSQL keeps GIN
``gin_trgm_ops`` indexes (``pg_trgm``) on the base columns.

* Queries of 3 or more characters use the trigram index (``MATCH`` on a
  quoted phrase; ``ILIKE '%q%'`` on PostgreSQL).
* Queries of 1–2 characters cannot form a trigram. On SQLite, the client
  register keeps a second index for them, ``clients_client_grams``: every
  character and every pair of adjacent characters of each indexed column,
  one ``(gram, id)`` row each, filled by triggers beside the FTS ones (see
  docs/decisions/0004-short-query-search.md). Other tables, and a search
  restricted to some columns, verify with ``LIKE`` and escaped wildcards.
  (SQLite ≤ 3.44 answers a short multi-byte ``LIKE`` on a trigram table
  wrongly unless an ``ESCAPE`` clause disables the index shortcut, so
  every ``LIKE`` here carries one.) PostgreSQL uses ``ILIKE`` throughout.

The index holds names, case numbers and credit codes only — never ID
numbers, bank accounts or other sensitive data (SPEC §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.urls import NoReverseMatch, reverse

from lexkeep.clients.visibility import client_visibility_q, matter_visibility_q

if TYPE_CHECKING:
    from lexkeep.accounts.models import User

#: Longest query accepted; longer input is cut (a name is at most 200).
MAX_QUERY = 200
MAX_LIMIT = 100


@dataclass(frozen=True)
class IndexSpec:
    """One indexed table: its FTS5 table (SQLite) and text columns."""

    table: str
    columns: tuple[str, ...]
    #: Also index single characters and pairs (1–2 character queries, SQLite).
    short_grams: bool = False

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    @property
    def grams(self) -> str:
        return f"{self.table}_grams"


CLIENT_INDEX = IndexSpec(
    "clients_client", ("name", "name_normalized", "credit_code"), short_grams=True
)
MATTER_INDEX = IndexSpec("matters_matter", ("name", "case_number"))
PARTY_INDEX = IndexSpec("matters_matterparty", ("name_normalized",))
INDEXES = (CLIENT_INDEX, MATTER_INDEX, PARTY_INDEX)


@dataclass(frozen=True)
class SearchHit:
    """One search result: a client or a matter the actor may see."""

    kind: str  # "client" | "matter"
    id: int
    title: str
    subtitle: str
    url: str


# --------------------------------------------------------------------------
# Index DDL (called by the migrations and after every migrate run)
# --------------------------------------------------------------------------


def _sqlite_ddl(spec: IndexSpec) -> list[str]:
    cols = ", ".join(spec.columns)
    new_vals = ", ".join(f"new.{c}" for c in spec.columns)
    old_vals = ", ".join(f"old.{c}" for c in spec.columns)
    fts = spec.fts
    # Identifiers come from the IndexSpec constants, never from input.
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new_vals});"  # noqa: S608
    delete = (
        f"INSERT INTO {fts}({fts}, rowid, {cols}) "  # noqa: S608
        f"VALUES ('delete', old.id, {old_vals});"
    )
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, "
        f"content='{spec.table}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {spec.table} "
        f"BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {spec.table} "
        f"BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} "
        f"ON {spec.table} BEGIN {delete} {insert} END",
    ]


#: Positions 1…n for cutting text into grams inside triggers (which allow
#: no recursive queries); longer than any indexed column.
POSITIONS = "search_positions"
MAX_POSITION = 512


def _gram_selects(spec: IndexSpec, row: str, source: str = "") -> list[str]:
    """Return SELECTs of ``(gram, id)``: each character and pair of ``row``.

    ``row`` is ``new``/``old`` in a trigger, or the table alias of ``source``
    (a ``FROM`` clause) when rebuilding. Grams are ASCII-lowercased, as
    ``LIKE`` compares.
    """
    selects = []
    for col in spec.columns:
        for size, bound in ((1, "<="), (2, "<")):
            selects.append(
                f"SELECT lower(substr({row}.{col}, p.n, {size})), {row}.id "  # noqa: S608
                f"FROM {source}{POSITIONS} p WHERE p.n {bound} length({row}.{col})"
            )
    return selects


def _sqlite_gram_ddl(spec: IndexSpec) -> list[str]:
    grams = spec.grams
    cols = ", ".join(spec.columns)
    insert = "".join(
        f"INSERT OR IGNORE INTO {grams}(gram, id) {select};"
        for select in _gram_selects(spec, "new")
    )
    delete = f"DELETE FROM {grams} WHERE id = old.id;"  # noqa: S608
    return [
        f"CREATE TABLE IF NOT EXISTS {POSITIONS} (n INTEGER PRIMARY KEY)",
        f"INSERT OR IGNORE INTO {POSITIONS}(n) WITH RECURSIVE s(n) AS "  # noqa: S608
        f"(SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {MAX_POSITION}) "
        "SELECT n FROM s",
        f"CREATE TABLE IF NOT EXISTS {grams} (gram TEXT NOT NULL, "
        "id INTEGER NOT NULL, PRIMARY KEY (gram, id)) WITHOUT ROWID",
        f"CREATE INDEX IF NOT EXISTS {grams}_id ON {grams}(id)",
        f"CREATE TRIGGER IF NOT EXISTS {grams}_ai AFTER INSERT ON {spec.table} "
        f"BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {grams}_ad AFTER DELETE ON {spec.table} "
        f"BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {grams}_au AFTER UPDATE OF {cols} "
        f"ON {spec.table} BEGIN {delete} {insert} END",
    ]


def _sqlite_gram_rebuild(spec: IndexSpec) -> list[str]:
    return [f"DELETE FROM {spec.grams}"] + [  # noqa: S608
        f"INSERT OR IGNORE INTO {spec.grams}(gram, id) {select}"
        for select in _gram_selects(spec, "t", f"{spec.table} t, ")
    ]


def _postgres_ddl(spec: IndexSpec) -> list[str]:
    return [
        f"CREATE INDEX IF NOT EXISTS {spec.table}_{col}_trgm ON {spec.table} "
        f"USING gin ({col} gin_trgm_ops)"
        for col in spec.columns
    ]


def _sqlite_triggers_present(cursor: Any, prefix: str) -> bool:
    cursor.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
        "(%s, %s, %s)",
        [f"{prefix}_ai", f"{prefix}_ad", f"{prefix}_au"],
    )
    return bool(cursor.fetchone()[0] == 3)


def _table_exists(conn: BaseDatabaseWrapper, table: str) -> bool:
    with conn.cursor() as cursor:
        return table in conn.introspection.table_names(cursor)


def ensure_search_index(
    conn: BaseDatabaseWrapper | None = None, specs: tuple[IndexSpec, ...] = INDEXES
) -> None:
    """Create the search index of ``specs`` if missing, and repair it.

    Idempotent. On SQLite, Django rebuilds a table for some schema changes
    (copy, drop, rename), which drops its triggers; when a trigger is found
    missing it is recreated and the FTS table rebuilt from the base table.
    """
    conn = conn or connection
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            for spec in specs:
                if not _table_exists(conn, spec.table):
                    continue
                intact = _sqlite_triggers_present(cursor, spec.fts)
                for statement in _sqlite_ddl(spec):
                    cursor.execute(statement)
                if not intact:
                    cursor.execute(
                        f"INSERT INTO {spec.fts}({spec.fts}) VALUES ('rebuild')"  # noqa: S608
                    )
                if spec.short_grams:
                    intact = _sqlite_triggers_present(cursor, spec.grams)
                    for statement in _sqlite_gram_ddl(spec):
                        cursor.execute(statement)
                    if not intact:
                        for statement in _sqlite_gram_rebuild(spec):
                            cursor.execute(statement)
    elif conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for spec in specs:
                if _table_exists(conn, spec.table):
                    for statement in _postgres_ddl(spec):
                        cursor.execute(statement)


def drop_search_index(
    conn: BaseDatabaseWrapper | None = None, specs: tuple[IndexSpec, ...] = INDEXES
) -> None:
    """Drop the search index of ``specs`` (reverse migration)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        for spec in specs:
            if conn.vendor == "sqlite":
                for suffix in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {spec.fts}_{suffix}")
                cursor.execute(f"DROP TABLE IF EXISTS {spec.fts}")
                drop_short_gram_index(conn, spec)
            elif conn.vendor == "postgresql":
                for col in spec.columns:
                    cursor.execute(f"DROP INDEX IF EXISTS {spec.table}_{col}_trgm")


def drop_short_gram_index(conn: BaseDatabaseWrapper, spec: IndexSpec) -> None:
    """Drop the 1–2 character gram index of ``spec`` (SQLite; reverse migration)."""
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {spec.grams}_{suffix}")
        cursor.execute(f"DROP TABLE IF EXISTS {spec.grams}")


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def clean_query(q: str) -> str:
    """Return ``q`` stripped of surrounding space and cut to MAX_QUERY."""
    return " ".join((q or "").split())[:MAX_QUERY]


def _like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(q: str) -> str:
    """Return ``q`` with A–Z lowered only, as SQLite's ``lower()`` and ``LIKE``."""
    return q.translate(_ASCII_LOWER)


def _fts_phrase(q: str) -> str:
    """Return ``q`` as one FTS5 string: no operator of the user's is read."""
    return '"' + q.replace('"', '""') + '"'


def ids_matching(
    spec: IndexSpec, q: str, columns: tuple[str, ...] | None = None
) -> RawSQL:
    """Return a subquery of the ids of ``spec.table`` whose text contains ``q``.

    Use it as ``Model.objects.filter(pk__in=ids_matching(...))``.
    """
    q = clean_query(q)
    columns = columns or spec.columns
    if not q:
        empty = f"SELECT id FROM {spec.table} WHERE 1 = 0"  # noqa: S608
        return RawSQL(empty, [])  # noqa: S611 - constant identifiers
    if connection.vendor == "sqlite":
        if len(q) >= 3:
            target = "{{{}}} : {}".format(" ".join(columns), _fts_phrase(q))
            sql = f"SELECT rowid FROM {spec.fts} WHERE {spec.fts} MATCH %s"  # noqa: S608
            return RawSQL(  # noqa: S611 - identifiers are constants; input is a parameter
                sql, [target]
            )
        # Too short for a trigram: the gram index holds every character and
        # pair of all the columns; for some columns only, it gives the
        # candidates that LIKE then checks. Else scan the base table.
        where = " OR ".join(f"{c} LIKE %s ESCAPE '\\'" for c in columns)
        params = [_like_pattern(q)] * len(columns)
        if spec.short_grams:
            grams = f"SELECT id FROM {spec.grams} WHERE gram = %s"  # noqa: S608
            if set(columns) == set(spec.columns):
                return RawSQL(grams, [_ascii_lower(q)])  # noqa: S611 - constant identifiers
            sql = f"SELECT id FROM {spec.table} WHERE id IN ({grams}) AND ({where})"  # noqa: S608
            return RawSQL(sql, [_ascii_lower(q), *params])  # noqa: S611 - constant identifiers
        sql = f"SELECT id FROM {spec.table} WHERE {where}"  # noqa: S608
        return RawSQL(  # noqa: S611 - identifiers are constants; input is a parameter
            sql, params
        )
    where = " OR ".join(f"{c} ILIKE %s" for c in columns)
    sql = f"SELECT id FROM {spec.table} WHERE {where}"  # noqa: S608
    return RawSQL(  # noqa: S611 - identifiers are constants; input is a parameter
        sql, [_like_pattern(q)] * len(columns)
    )


def ids_sharing_trigrams(spec: IndexSpec, column: str, text: str) -> RawSQL:
    """Return a subquery of the ids whose ``column`` shares a trigram with ``text``.

    Candidates for near-name matching (conflict checks): two names alike
    enough to matter share at least one run of three characters; names of
    three characters or fewer must contain ``text`` whole.
    """
    text = clean_query(text)
    if len(text) <= 3:
        return ids_matching(spec, text, (column,))
    grams = sorted({text[i : i + 3] for i in range(len(text) - 2)})
    if connection.vendor == "sqlite":
        phrases = " OR ".join(_fts_phrase(g) for g in grams)
        target = f"{{{column}}} : ({phrases})"
        sql = f"SELECT rowid FROM {spec.fts} WHERE {spec.fts} MATCH %s"  # noqa: S608
        return RawSQL(  # noqa: S611 - identifiers are constants; input is a parameter
            sql, [target]
        )
    where = " OR ".join(f"{column} ILIKE %s" for _ in grams)
    sql = f"SELECT id FROM {spec.table} WHERE {where}"  # noqa: S608
    return RawSQL(  # noqa: S611 - identifiers are constants; input is a parameter
        sql, [_like_pattern(g) for g in grams]
    )


def client_ids_matching(q: str) -> RawSQL:
    """Return a subquery of client ids whose name or credit code contains ``q``.

    ``Client.objects.filter(pk__in=client_ids_matching(q))``; visibility is
    the caller's filter.
    """
    return ids_matching(CLIENT_INDEX, q)


def matter_ids_matching(q: str) -> RawSQL:
    """Return a subquery of matter ids whose name or case number contains ``q``."""
    return ids_matching(MATTER_INDEX, q)


def _rank(q: str, fields: tuple[str, ...]) -> Case:
    exact = Q()
    prefix = Q()
    for field in fields:
        exact |= Q(**{f"{field}__iexact": q})
        prefix |= Q(**{f"{field}__istartswith": q})
    return Case(
        When(exact, then=Value(0)),
        When(prefix, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _url(name: str, pk: int, fallback: str) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return f"{fallback}/{pk}/"


def search(*, actor: User, q: str, limit: int = 20) -> list[SearchHit]:
    """Return the clients and matters ``actor`` may see that match ``q``.

    Any part of a Chinese or English name, a case number or a credit code
    matches, from one character up (issue 3 §8). Exact matches come first,
    then prefixes, then other substrings; shorter names first within each.
    Visibility is that of the client and matter lists (SPEC §1).
    """
    from lexkeep.clients.models import Client
    from lexkeep.matters.models import Matter

    q = clean_query(q)
    limit = max(1, min(limit, MAX_LIMIT))
    if not q:
        return []
    clients = (
        Client.objects.filter(client_visibility_q(actor))
        .filter(pk__in=client_ids_matching(q))
        .annotate(rank=_rank(q, ("name", "credit_code")), name_length=Length("name"))
        .order_by("rank", "name_length", "name", "pk")
        .only("id", "name", "credit_code", "client_type")[:limit]
    )
    matters = (
        Matter.objects.filter(matter_visibility_q(actor))
        .filter(pk__in=matter_ids_matching(q))
        .annotate(rank=_rank(q, ("name", "case_number")), name_length=Length("name"))
        .select_related("client")
        .order_by("rank", "name_length", "name", "pk")
        .only("id", "name", "case_number", "client__id", "client__name")[:limit]
    )
    ranked: list[tuple[int, int, SearchHit]] = []
    for client in clients:
        ranked.append(
            (
                client.rank,  # type: ignore[attr-defined]
                0,
                SearchHit(
                    kind="client",
                    id=client.pk,
                    title=client.name,
                    subtitle=client.credit_code,
                    url=_url("clients:detail", client.pk, "/clients"),
                ),
            )
        )
    for matter in matters:
        subtitle = " · ".join(p for p in (matter.case_number, matter.client.name) if p)
        ranked.append(
            (
                matter.rank,  # type: ignore[attr-defined]
                1,
                SearchHit(
                    kind="matter",
                    id=matter.pk,
                    title=matter.name,
                    subtitle=subtitle,
                    url=_url("matters:detail", matter.pk, "/matters"),
                ),
            )
        )
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [hit for _rank_, _kind, hit in ranked[:limit]]
