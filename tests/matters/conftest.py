"""Fixtures of the matter, conflict-check, search and Excel tests.

Clients, checks and matters are made as model rows directly, independent of
the client services; ``mk_matter`` attaches a fresh cleared conflict check.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient
from stdnum.cn import ric, uscc

from lexkeep.accounts.models import User
from lexkeep.accounts.services import api_token_create
from lexkeep.clients.choices import ClientType
from lexkeep.clients.models import Client
from lexkeep.clients.normalize import normalize_name
from lexkeep.matters.models import ConflictCheck, Matter

_serial = itertools.count(1)


def an_id_number(n: int | None = None) -> str:
    """Return a valid resident ID number, a new one on each call."""
    n = next(_serial) if n is None else n
    born = dt.date(1970, 1, 1) + dt.timedelta(days=n * 37)
    body = f"110101{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def a_credit_code(n: int | None = None) -> str:
    """Return a valid unified social credit code, a new one on each call."""
    n = next(_serial) if n is None else n
    body = f"9111000010{n:07d}"
    return body + uscc.calc_check_digit(body + "0")


@pytest.fixture(name="mk_client")
def mk_client_fixture(db) -> Callable[..., Client]:
    """Return a factory of client rows (normalised name filled in)."""

    def make(
        name: str, *, client_type: str = ClientType.ENTERPRISE, **fields: Any
    ) -> Client:
        return Client.objects.create(
            name=name,
            name_normalized=normalize_name(
                name, strip_places=client_type != ClientType.GOVERNMENT
            ),
            client_type=client_type,
            **fields,
        )

    return make


@pytest.fixture(name="mk_check")
def mk_check_fixture(firm) -> Callable[..., ConflictCheck]:
    """Return a factory of decided conflict-check rows."""

    def make(
        decision: str = ConflictCheck.Decision.CLEAR,
        *,
        by: User | None = None,
        client: Client | None = None,
        **fields: Any,
    ) -> ConflictCheck:
        return ConflictCheck.objects.create(
            subject_name=client.name if client else "某客户",
            searched_by=by or firm["partner"],
            decision=decision,
            client=client,
            **fields,
        )

    return make


@pytest.fixture(name="mk_matter")
def mk_matter_fixture(firm, mk_check) -> Callable[..., Matter]:
    """Return a factory of matter rows (staff lawyer handles, senior supervises)."""

    def make(
        client: Client,
        *,
        name: str = "合同纠纷",
        handling: list[User] | None = None,
        supervising: User | None = None,
        assistants: list[User] | None = None,
        domain: str = "litigation",
        sub_domain: str = "civil",
        **fields: Any,
    ) -> Matter:
        fields.setdefault("engagement_start", dt.date(2026, 1, 5))
        matter = Matter.objects.create(
            client=client,
            name=name,
            name_normalized=normalize_name(name),
            domain=domain,
            sub_domain=sub_domain,
            supervising_lawyer=supervising or firm["senior"],
            conflict_check=mk_check(client=client),
            agreed_fee=fields.pop("agreed_fee", Decimal("10000")),
            **fields,
        )
        matter.handling_lawyers.set(
            handling if handling is not None else [firm["staff"]]
        )
        matter.assistants.set(assistants if assistants is not None else [])
        return matter

    return make


class Api:
    """A test client signed in with a bearer token."""

    def __init__(self, http: HttpClient, token: str) -> None:
        self.http = http
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, url: str, **params: Any):
        return self.http.get(url, params, **self.headers)

    def post(self, url: str, body: Any = None):
        return self.http.post(
            url, json.dumps(body or {}), content_type="application/json", **self.headers
        )

    def patch(self, url: str, body: Any):
        return self.http.patch(
            url, json.dumps(body), content_type="application/json", **self.headers
        )

    def delete(self, url: str):
        return self.http.delete(url, **self.headers)

    def multipart(self, url: str, data: dict[str, Any]):
        return self.http.post(url, data, **self.headers)


@pytest.fixture(name="api_as")
def api_as_fixture(client, firm) -> Callable[[str], Api]:
    """Return ``api_as(role)``: an API client signed in as that firm member."""

    def make(role: str) -> Api:
        _token, raw = api_token_create(user=firm[role], name="test")
        return Api(client, raw)

    return make
