"""``lexkeep bench clients``: the client register at 100,000 clients.

Measures server-side latency of the API (the whole Django stack: middleware,
token authentication, permission filter, serialisation) for the client list
(filtered), client search (Chinese, 2 and 4 characters), client detail and
the matter list, each against the raw SQL that returns the same rows, run on
the same connection in the same process.

A request is made as a WSGI server makes it: the Django WSGI application is
called with the environ a server passes (percent-encoded query string,
bearer token) and its response read and closed, so the request signals and
their connection handling run as in production. Not through
``django.test.Client``, whose own work (building the request, capturing
templates and context, keeping connections open) is not the server's.

What "the raw SQL that returns the same rows" is: every query the response
needs, written by hand and run through a bare cursor, without ORM, models
or serialisation — for a client page, the page of clients with the owner's
name and the sensitive-consent flag, their domains, their teams and the
count of all matches; for a client detail, the same three reads for one
client; for a matter page, the page with the client's name, the handling
lawyers, the assistants and the count. A page is read as the stack reads
it: its ids chosen in a subquery (sorting ids and names, or walking an
index), then those rows with their joins. Encrypted values are fetched as
stored (the stack decrypts and masks them). Authentication (two indexed
reads per request) is part of the stack's figure only.

The query path (the selector reading the same page) is compared with that
raw SQL (target ratio ≤ 3). Where the raw reads take a fraction of a
millisecond — a client detail is three primary-key or foreign-key lookups,
about 0.1 ms — fixed costs dominate (the ORM composing the visibility
filter and the page's id subquery, about 0.25 ms; per request, middleware
about 0.2 ms, authentication 0.15 ms, and for a page of 50 rows their
validation and JSON about 0.5 ms) and the ratio says little; its latency is
what to watch there.
"""

from __future__ import annotations

import io
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from lexkeep.accounts.models import User
from lexkeep.accounts.services import api_token_create
from lexkeep.bench.harness import Report, measure
from lexkeep.clients.models import Client
from lexkeep.matters.models import Matter

TARGET_P95_MS = 50.0
TARGET_RATIO = 3.0
PAGE = 50


def _api(user: User) -> Callable[[str], bytes]:
    """Return a GET through the whole WSGI application, as a server calls it.

    The environ is what a WSGI server passes (a percent-encoded query
    string, the bearer token); the response is read and closed, so Django's
    request signals run as they do in production, connection handling
    included.
    """
    _token, raw = api_token_create(user=user, name="bench")
    application = WSGIHandler()

    def get(url: str) -> bytes:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": quote(query, safe="=&"),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {raw}",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        status: list[str] = []

        def start_response(
            line: str, headers: list[tuple[str, str]], exc_info: Any = None, /
        ) -> Callable[[bytes], object]:
            status.append(line)
            return lambda data: None

        response = application(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()
        if not status[0].startswith("200"):
            raise RuntimeError(f"{url} → {status[0]}: {body[:300]!r}")
        return body

    return get


def _sql(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


#: The columns of a client row in the API list and detail.
CLIENT_COLS = (
    "c.id, c.name, c.client_type, c.enterprise_kind, c.tier, c.tier_overridden, "
    "c.gender, c.id_number, c.bank_account, c.credit_code, c.legal_representative, "
    "c.phone, c.email, c.address, c.registered_address, c.owner_id, "
    "c.preferred_channel, c.service_focus, u.username, u.full_name, "
    "EXISTS (SELECT 1 FROM clients_consent s WHERE s.client_id = c.id "
    "AND s.kind = 'sensitive' AND s.withdrawn_on IS NULL)"
)


def _in(ids: list[int]) -> str:
    return ", ".join(str(int(pk)) for pk in ids) or "NULL"


def raw_clients(where: str, params: list[Any], limit: int, offset: int = 0) -> Any:
    """Run by hand the reads of a client page: rows, domains, teams (no count)."""
    rows = _sql(
        f"SELECT {CLIENT_COLS} FROM clients_client c LEFT JOIN accounts_user u "  # noqa: S608
        "ON u.id = c.owner_id WHERE c.id IN (SELECT c.id FROM clients_client c "
        f"WHERE {where} ORDER BY c.name, c.id LIMIT %s OFFSET %s) "
        "ORDER BY c.name, c.id",
        [*params, limit, offset],
    )
    ids = _in([row[0] for row in rows])
    domains = _sql(
        "SELECT client_id, domain, sub_domain FROM clients_clientdomain "  # noqa: S608
        f"WHERE client_id IN ({ids}) ORDER BY domain, sub_domain",
        [],
    )
    team = _sql(
        "SELECT t.client_id, t.user_id FROM clients_client_team t "  # noqa: S608
        f"WHERE t.client_id IN ({ids}) ORDER BY "
        "(SELECT u.username FROM accounts_user u WHERE u.id = t.user_id)",
        [],
    )
    return rows, domains, team


def raw_client_page(where: str, params: list[Any], offset: int = 0) -> Any:
    """Run by hand the reads of a client list page, with its count."""
    return (
        raw_clients(where, params, PAGE, offset),
        _sql(f"SELECT COUNT(*) FROM clients_client c WHERE {where}", params),  # noqa: S608
    )


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


def _client_search(
    get: Callable[[str], bytes], terms: list[str]
) -> Callable[[int], Any]:
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


def _page(rows: Any, offset: int = 0, limit: int = PAGE) -> Any:
    """Read a page and the count of a ``Rows`` source, as the paginated API does."""
    return rows.page(offset, limit), rows.count()


def run(*, runs: int, setting: dict[str, Any]) -> Report:
    """Measure the client register; ``setting`` describes the generated firm.

    Each operation is reported twice: the whole request through the API
    (server-side latency, target p95 ≤ 50 ms) and its query path — the
    selector evaluating the same page of rows — against the raw SQL that
    returns those rows (target ratio ≤ 3).
    """
    from lexkeep.clients.search import client_ids_matching
    from lexkeep.clients.selectors import client_row, client_rows
    from lexkeep.matters.selectors import matter_rows

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
    offsets = [rng.randrange(0, 2000) // PAGE * PAGE for _ in range(runs + 5)]

    def raw_list(i: int) -> Any:
        return raw_client_page(
            "c.tier = %s AND c.client_type = %s", ["key", "enterprise"], offsets[i]
        )

    lawyer_ids_sql = (
        "SELECT id FROM clients_client WHERE owner_id = %s UNION "
        "SELECT client_id FROM clients_client_team WHERE user_id = %s UNION "
        "SELECT m.client_id FROM matters_matter m JOIN "
        "matters_matter_handling_lawyers h ON h.matter_id = m.id WHERE "
        "h.user_id = %s UNION SELECT client_id FROM matters_matter WHERE "
        "supervising_lawyer_id = %s"
    )

    def raw_lawyer_list(i: int) -> Any:
        return raw_client_page(f"c.id IN ({lawyer_ids_sql})", [lawyer.pk] * 4)

    def raw_search(terms: list[str]) -> Callable[[int], Any]:
        def call(i: int) -> Any:
            ids = client_ids_matching(terms[i % len(terms)])
            return raw_client_page(f"c.id IN ({ids.sql})", list(ids.params))

        return call

    matter_cols = (
        "m.id, m.name, m.case_number, m.client_id, m.domain, m.sub_domain, "
        "m.supervising_lawyer_id, m.status, m.engagement_start, m.engagement_end, "
        "m.agreed_fee, m.filing_date, m.judgment_date, m.judgment_effective_date, "
        "m.business_end_date, m.counsel_end_date, m.conflict_check_id, c.name"
    )

    def raw_matters(i: int) -> Any:
        rows = _sql(
            f"SELECT {matter_cols} FROM matters_matter m JOIN clients_client c "  # noqa: S608
            "ON c.id = m.client_id WHERE m.id IN (SELECT id FROM matters_matter "
            "WHERE status = %s ORDER BY engagement_start DESC, id DESC "
            "LIMIT %s OFFSET %s) ORDER BY m.engagement_start DESC, m.id DESC",
            ["open", PAGE, offsets[i]],
        )
        ids = _in([row[0] for row in rows])
        people = [
            _sql(
                f"SELECT matter_id, user_id FROM {table} "  # noqa: S608
                f"WHERE matter_id IN ({ids}) ORDER BY user_id",
                [],
            )
            for table in (
                "matters_matter_handling_lawyers",
                "matters_matter_assistants",
            )
        ]
        count = _sql("SELECT COUNT(*) FROM matters_matter WHERE status=%s", ["open"])
        return rows, people, count

    cases = [
        Case(
            "client list (tier=key, enterprise)",
            lambda i: as_partner(
                f"/api/v1/clients?tier=key&client_type=enterprise&limit={PAGE}"
                f"&offset={offsets[i]}"
            ),
            lambda i: _page(
                client_rows(actor=partner, tier="key", client_type="enterprise"),
                offsets[i],
            ),
            raw_list,
        ),
        Case(
            "client list as a lawyer (visibility)",
            lambda i: as_lawyer(f"/api/v1/clients?limit={PAGE}"),
            lambda i: _page(client_rows(actor=lawyer)),
            raw_lawyer_list,
        ),
    ]
    for label, terms in (("2 characters", two), ("4 characters", four)):
        cases.append(
            Case(
                f"client search, Chinese {label}",
                _client_search(as_partner, terms),
                lambda i, terms=terms: _page(  # type: ignore[misc]
                    client_rows(
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
            lambda i: client_row(actor=partner, pk=ids[i % len(ids)]),
            lambda i: raw_clients("c.id = %s", [ids[i % len(ids)]], 1),
        ),
        Case(
            "matter list (status=open)",
            lambda i: as_partner(
                f"/api/v1/matters?status=open&limit={PAGE}&offset={offsets[i]}"
            ),
            lambda i: _page(matter_rows(actor=partner, status="open"), offsets[i]),
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
