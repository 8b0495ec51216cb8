"""``lexkeep bench clients``: the client register at 100,000 clients.

Measures server-side latency of the API (the whole Django stack: middleware,
token authentication, permission filter, serialisation) for the client list
(filtered), client search (Chinese, 2 and 4 characters), client detail and
the matter list, each against the raw SQL that returns the same rows, run on
the same connection in the same process.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client as HttpClient

from lexkeep.accounts.models import User
from lexkeep.accounts.services import api_token_create
from lexkeep.bench.harness import Report, measure
from lexkeep.clients.models import Client
from lexkeep.matters.models import Matter

TARGET_P95_MS = 50.0
TARGET_RATIO = 3.0
PAGE = 50


def _api(user: User) -> Callable[[str], Any]:
    _token, raw = api_token_create(user=user, name="bench")
    http = HttpClient(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(url: str) -> Any:
        response = http.get(url)
        if response.status_code != 200:
            raise RuntimeError(
                f"{url} → {response.status_code}: {response.content[:300]!r}"
            )
        return response

    return get


def _sql(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _search_terms() -> tuple[list[str], list[str]]:
    """Return 2- and 4-character Chinese queries taken from real client names."""
    names = list(
        Client.objects.filter(client_type="enterprise").values_list("name", flat=True)[
            :2000
        ]
    )
    rng = random.Random(7)
    two, four = [], []
    for name in rng.sample(names, min(len(names), 200)):
        core = name[2:]  # after the place name
        two.append(core[:2])
        four.append(core[:4])
    return two, four


def _client_search(get: Callable[[str], Any], terms: list[str]) -> Callable[[int], Any]:
    def call(i: int) -> Any:
        return get(f"/api/v1/clients?q={terms[i % len(terms)]}&limit={PAGE}")

    return call


@dataclass
class Case:
    """One operation measured three ways: through the API, its query path, raw."""

    name: str
    http: Callable[[int], Any]
    query_path: Callable[[int], Any]
    raw: Callable[[int], Any]


def _page(qs: Any, offset: int = 0, limit: int = PAGE) -> Any:
    """Evaluate a page and its count, as the paginated API does."""
    return list(qs[offset : offset + limit]), qs.count()


def run(*, runs: int, setting: dict[str, Any]) -> Report:
    """Measure the client register; ``setting`` describes the generated firm.

    Each operation is reported twice: the whole request through the API
    (server-side latency, target p95 ≤ 50 ms) and its query path — the
    selector evaluating the same page of rows — against the raw SQL that
    returns those rows (target ratio ≤ 3).
    """
    from lexkeep.clients.search import client_ids_matching
    from lexkeep.clients.selectors import client_get, client_list
    from lexkeep.matters.selectors import matter_list

    partner = User.objects.get(pk=setting["searcher"])
    lawyer = User.objects.get(pk=setting["lawyer"])
    as_partner = _api(partner)
    as_lawyer = _api(lawyer)
    rng = random.Random(11)
    ids = list(
        Client.objects.values_list("pk", flat=True)[
            :: max(1, setting["clients"] // 500)
        ]
    )
    two, four = _search_terms()
    cols = (
        "id, name, client_type, enterprise_kind, tier, gender, id_number, "
        "credit_code, legal_representative, phone, address, registered_address, "
        "owner_id, preferred_channel, service_focus"
    )
    offsets = [rng.randrange(0, 2000) // PAGE * PAGE for _ in range(runs + 5)]

    def raw_list(i: int) -> Any:
        return (
            _sql(
                f"SELECT {cols} FROM clients_client WHERE tier=%s AND "  # noqa: S608
                "client_type=%s ORDER BY name, id LIMIT %s OFFSET %s",
                ["key", "enterprise", PAGE, offsets[i]],
            ),
            _sql(
                "SELECT COUNT(*) FROM clients_client WHERE tier=%s AND client_type=%s",
                ["key", "enterprise"],
            ),
        )

    lawyer_ids_sql = (
        "SELECT owner_id_match.id FROM (SELECT id FROM clients_client WHERE "
        "owner_id = %s UNION SELECT m.client_id FROM matters_matter m JOIN "
        "matters_matter_handling_lawyers h ON h.matter_id = m.id WHERE "
        "h.user_id = %s UNION SELECT client_id FROM matters_matter WHERE "
        "supervising_lawyer_id = %s) AS owner_id_match"
    )

    def raw_lawyer_list(i: int) -> Any:
        params = [lawyer.pk] * 3
        return (
            _sql(
                f"SELECT {cols} FROM clients_client WHERE id IN ({lawyer_ids_sql}) "  # noqa: S608
                "ORDER BY name, id LIMIT %s",
                [*params, PAGE],
            ),
            _sql(
                f"SELECT COUNT(*) FROM clients_client WHERE id IN ({lawyer_ids_sql})",  # noqa: S608
                params,
            ),
        )

    def raw_search(terms: list[str]) -> Callable[[int], Any]:
        def call(i: int) -> Any:
            term = terms[i % len(terms)]
            if connection.vendor == "sqlite" and len(term) >= 3:
                phrase = '"' + term.replace('"', '""') + '"'
                where = (
                    "id IN (SELECT rowid FROM clients_client_fts "
                    "WHERE clients_client_fts MATCH %s)"
                )
                params: list[Any] = [phrase]
            else:
                op = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
                where = f"(name {op} %s OR credit_code {op} %s)"
                params = [f"%{term}%", f"%{term}%"]
            return (
                _sql(
                    f"SELECT {cols} FROM clients_client WHERE {where} "  # noqa: S608
                    "ORDER BY name, id LIMIT %s",
                    [*params, PAGE],
                ),
                _sql(f"SELECT COUNT(*) FROM clients_client WHERE {where}", params),  # noqa: S608
            )

        return call

    matter_cols = (
        "id, name, case_number, client_id, domain, sub_domain, supervising_lawyer_id, "
        "status, agreed_fee, filing_date, judgment_date, judgment_effective_date, "
        "business_end_date, counsel_end_date"
    )

    def raw_matters(i: int) -> Any:
        return (
            _sql(
                f"SELECT {matter_cols} FROM matters_matter WHERE status=%s "  # noqa: S608
                "ORDER BY engagement_start DESC, id DESC LIMIT %s OFFSET %s",
                ["open", PAGE, offsets[i]],
            ),
            _sql("SELECT COUNT(*) FROM matters_matter WHERE status=%s", ["open"]),
        )

    cases = [
        Case(
            "client list (tier=key, enterprise)",
            lambda i: as_partner(
                f"/api/v1/clients?tier=key&client_type=enterprise&limit={PAGE}"
                f"&offset={offsets[i]}"
            ),
            lambda i: _page(
                client_list(actor=partner, tier="key", client_type="enterprise"),
                offsets[i],
            ),
            raw_list,
        ),
        Case(
            "client list as a lawyer (visibility)",
            lambda i: as_lawyer(f"/api/v1/clients?limit={PAGE}"),
            lambda i: _page(client_list(actor=lawyer)),
            raw_lawyer_list,
        ),
    ]
    for label, terms in (("2 characters", two), ("4 characters", four)):
        cases.append(
            Case(
                f"client search, Chinese {label}",
                _client_search(as_partner, terms),
                lambda i, terms=terms: _page(  # type: ignore[misc]
                    client_list(
                        actor=partner, ids=client_ids_matching(terms[i % len(terms)])
                    )
                ),
                raw_search(terms),
            )
        )
    cases += [
        Case(
            "client detail",
            lambda i: as_partner(f"/api/v1/clients/{ids[i % len(ids)]}"),
            lambda i: client_get(actor=partner, pk=ids[i % len(ids)]),
            lambda i: _sql(
                f"SELECT {cols} FROM clients_client WHERE id = %s",  # noqa: S608
                [ids[i % len(ids)]],
            ),
        ),
        Case(
            "matter list (status=open)",
            lambda i: as_partner(
                f"/api/v1/matters?status=open&limit={PAGE}&offset={offsets[i]}"
            ),
            lambda i: _page(matter_list(actor=partner, status="open"), offsets[i]),
            raw_matters,
        ),
    ]
    report = Report(suite="clients", setting=setting)
    for case in cases:
        report.measurements.append(
            measure(
                case.name, case.http, case.raw, runs=runs, target_p95_ms=TARGET_P95_MS
            )
        )
        report.measurements.append(
            measure(
                f"  query path of {case.name}",
                case.query_path,
                case.raw,
                runs=runs,
                target_ratio=TARGET_RATIO,
            )
        )
    report.figures["matters in database"] = Matter.objects.count()
    return report
