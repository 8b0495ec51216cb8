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
from typing import Any

from django.db import connection
from django.test import Client as HttpClient

from lexkeep.accounts.models import User
from lexkeep.accounts.services import api_token_create
from lexkeep.bench.harness import Measurement, Report, measure
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


def _search_call(get: Callable[[str], Any], terms: list[str]) -> Callable[[int], Any]:
    def call(i: int) -> Any:
        return get(f"/api/v1/search?q={terms[i % len(terms)]}")

    return call


def _search_baseline(terms: list[str]) -> Callable[[int], Any]:
    """Return the raw lookups that find the same clients and matters.

    Trigram index (FTS5 MATCH / pg_trgm ILIKE) for 3+ characters, a LIKE
    scan for shorter queries — what the search engine itself must do.
    """

    def call(i: int) -> Any:
        term = terms[i % len(terms)]
        if connection.vendor == "postgresql":
            like = f"%{term}%"
            return (
                _sql(
                    "SELECT id, name FROM clients_client WHERE name ILIKE %s LIMIT 20",
                    [like],
                ),
                _sql(
                    "SELECT id, name FROM matters_matter WHERE name ILIKE %s "
                    "OR case_number ILIKE %s LIMIT 20",
                    [like, like],
                ),
            )
        if len(term) >= 3:
            phrase = '"' + term.replace('"', '""') + '"'
            return (
                _sql(
                    "SELECT c.id, c.name FROM clients_client_fts f JOIN clients_client"
                    " c ON c.id = f.rowid WHERE clients_client_fts MATCH %s LIMIT 20",
                    [phrase],
                ),
                _sql(
                    "SELECT m.id, m.name FROM matters_matter_fts f JOIN "
                    "matters_matter m ON m.id = f.rowid "
                    "WHERE matters_matter_fts MATCH %s LIMIT 20",
                    [phrase],
                ),
            )
        like = f"%{term}%"
        return (
            _sql(
                "SELECT id, name FROM clients_client WHERE name LIKE %s LIMIT 20",
                [like],
            ),
            _sql(
                "SELECT id, name FROM matters_matter WHERE name LIKE %s "
                "OR case_number LIKE %s LIMIT 20",
                [like, like],
            ),
        )

    return call


def run(*, runs: int, setting: dict[str, Any]) -> Report:
    """Measure the client register; ``setting`` describes the generated firm."""
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
    lawyer_client_ids = list(
        Client.objects.filter(matters__handling_lawyers=lawyer).values_list(
            "pk", flat=True
        )[:200]
    )
    two, four = _search_terms()
    client_cols = (
        "id, name, client_type, enterprise_kind, tier, gender, id_number, credit_code, "
        "legal_representative, phone, address, registered_address, owner_id, "
        "preferred_channel, service_focus"
    )
    report = Report(suite="clients", setting=setting)
    m: list[Measurement] = report.measurements
    offsets = [rng.randrange(0, 2000) // PAGE * PAGE for _ in range(runs + 5)]

    m.append(
        measure(
            "client list (tier=key, enterprise)",
            lambda i: as_partner(
                f"/api/v1/clients?tier=key&client_type=enterprise&limit={PAGE}"
                f"&offset={offsets[i]}"
            ),
            lambda i: (
                _sql(
                    f"SELECT {client_cols} FROM clients_client WHERE tier=%s AND "  # noqa: S608
                    "client_type=%s ORDER BY name, id LIMIT %s OFFSET %s",
                    ["key", "enterprise", PAGE, offsets[i]],
                ),
                _sql(
                    "SELECT COUNT(*) FROM clients_client "
                    "WHERE tier=%s AND client_type=%s",
                    ["key", "enterprise"],
                ),
            ),
            runs=runs,
            target_p95_ms=TARGET_P95_MS,
            target_ratio=TARGET_RATIO,
        )
    )
    m.append(
        measure(
            "client list as a lawyer (visibility)",
            lambda i: as_lawyer(f"/api/v1/clients?limit={PAGE}"),
            lambda i: _sql(
                f"SELECT {client_cols} FROM clients_client WHERE id IN "
                "(SELECT m.client_id FROM matters_matter m "
                "JOIN matters_matter_handling_lawyers h ON h.matter_id = m.id "
                "WHERE h.user_id = %s) ORDER BY name, id LIMIT %s",
                [lawyer.pk, PAGE],
            ),
            runs=runs,
            target_p95_ms=TARGET_P95_MS,
        )
    )
    for label, terms in (("2 characters", two), ("4 characters", four)):
        m.append(
            measure(
                f"search, Chinese {label}",
                _search_call(as_partner, terms),
                _search_baseline(terms),
                runs=runs,
                target_p95_ms=TARGET_P95_MS,
                target_ratio=TARGET_RATIO,
                note="baseline: the index lookups on clients and matters",
            )
        )
    m.append(
        measure(
            "client detail",
            lambda i: as_partner(f"/api/v1/clients/{ids[i % len(ids)]}"),
            lambda i: _sql(
                f"SELECT {client_cols} FROM clients_client WHERE id = %s",  # noqa: S608
                [ids[i % len(ids)]],
            ),
            runs=runs,
            target_p95_ms=TARGET_P95_MS,
            target_ratio=TARGET_RATIO,
        )
    )
    if lawyer_client_ids:
        m.append(
            measure(
                "client detail as a lawyer",
                lambda i: as_lawyer(
                    f"/api/v1/clients/{lawyer_client_ids[i % len(lawyer_client_ids)]}"
                ),
                lambda i: _sql(
                    f"SELECT {client_cols} FROM clients_client WHERE id = %s",  # noqa: S608
                    [lawyer_client_ids[i % len(lawyer_client_ids)]],
                ),
                runs=runs,
                target_p95_ms=TARGET_P95_MS,
            )
        )
    matter_cols = (
        "id, name, case_number, client_id, domain, sub_domain, supervising_lawyer_id, "
        "status, agreed_fee, filing_date, judgment_date, judgment_effective_date, "
        "business_end_date, counsel_end_date"
    )
    m.append(
        measure(
            "matter list (status=open)",
            lambda i: as_partner(
                f"/api/v1/matters?status=open&limit={PAGE}&offset={offsets[i]}"
            ),
            lambda i: (
                _sql(
                    f"SELECT {matter_cols} FROM matters_matter WHERE status=%s "  # noqa: S608
                    "ORDER BY engagement_start DESC, id DESC LIMIT %s OFFSET %s",
                    ["open", PAGE, offsets[i]],
                ),
                _sql("SELECT COUNT(*) FROM matters_matter WHERE status=%s", ["open"]),
            ),
            runs=runs,
            target_p95_ms=TARGET_P95_MS,
            target_ratio=TARGET_RATIO,
        )
    )
    report.figures["matters in database"] = Matter.objects.count()
    return report
