"""Fixtures of the client tests: valid identifiers, clients, matters and fees.

Matters and fee receipts are made as model rows directly (a ``ConflictCheck``
row is required for each matter), independent of the matter services.
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
from lexkeep.clients.models import Client
from lexkeep.clients.services import ConsentInput, client_create
from lexkeep.matters.models import ConflictCheck, FeeReceipt, Matter

_serial = itertools.count(1)


def resident_id(body17: str = "11010119900307451") -> str:
    """Return a valid resident ID number for the 17 leading digits."""
    return body17 + ric.calc_check_digit(body17 + "0")


def next_resident_id() -> str:
    """Return a fresh valid resident ID number (born 1990-03-07 + n days)."""
    n = next(_serial)
    born = dt.date(1980, 1, 1) + dt.timedelta(days=n)
    return resident_id(f"110101{born:%Y%m%d}{n % 1000:03d}")


def credit_code(body17: str = "91110000100000000") -> str:
    """Return a valid unified social credit code for the 17 leading chars."""
    return body17 + uscc.calc_check_digit(body17)


def next_credit_code() -> str:
    """Return a fresh valid unified social credit code."""
    return credit_code(f"9111000010{next(_serial):07d}")


def consent_input(**overrides: Any) -> ConsentInput:
    data: dict[str, Any] = {
        "purpose": "handling the client's matters",
        "scope": "ID number, bank account",
        "use": "engagement, court filings, invoices",
        "signed_on": dt.date(2026, 1, 5),
    }
    data.update(overrides)
    return ConsentInput(**data)


@pytest.fixture
def make_individual(firm) -> Callable[..., Client]:
    """Return a factory of individual clients (created by the partner)."""

    def make(**overrides: Any) -> Client:
        data: dict[str, Any] = {
            "actor": firm["partner"],
            "name": f"张三{next(_serial)}",
            "client_type": "individual",
            "gender": "male",
            "phone": "13812345678",
            "address": "北京市海淀区中关村大街1号",
        }
        data.update(overrides)
        return client_create(**data)

    return make


@pytest.fixture
def make_enterprise(firm) -> Callable[..., Client]:
    """Return a factory of enterprise clients (created by the partner)."""

    def make(**overrides: Any) -> Client:
        data: dict[str, Any] = {
            "actor": firm["partner"],
            "name": f"北京星河科技有限公司{next(_serial)}",
            "client_type": "enterprise",
            "enterprise_kind": "llc",
            "credit_code": next_credit_code(),
            "legal_representative": "李四",
            "registered_address": "北京市朝阳区建国路1号",
            "phone": "010-12345678",
        }
        data.update(overrides)
        return client_create(**data)

    return make


@pytest.fixture
def make_matter(firm) -> Callable[..., Matter]:
    """Return a factory of matters (model rows, with their conflict check)."""

    def make(
        client: Client,
        *,
        handling: list[User] | None = None,
        supervising: User | None = None,
        assistants: list[User] | None = None,
        **fields: Any,
    ) -> Matter:
        check = ConflictCheck.objects.create(
            subject_name=client.name,
            searched_by=firm["partner"],
            decision=ConflictCheck.Decision.CLEAR,
            client=client,
        )
        matter = Matter.objects.create(
            name=fields.pop("name", f"案件{next(_serial)}"),
            client=client,
            domain=fields.pop("domain", "litigation"),
            sub_domain=fields.pop("sub_domain", "civil"),
            supervising_lawyer=supervising or firm["senior"],
            engagement_start=fields.pop("engagement_start", dt.date(2025, 1, 1)),
            conflict_check=check,
            **fields,
        )
        matter.handling_lawyers.set(handling or [])
        matter.assistants.set(assistants or [])
        return matter

    return make


@pytest.fixture
def add_fee(firm) -> Callable[..., FeeReceipt]:
    def add(matter: Matter, amount: str, received_on: dt.date) -> FeeReceipt:
        return FeeReceipt.objects.create(
            matter=matter,
            amount=Decimal(amount),
            received_on=received_on,
            recorded_by=firm["partner"],
        )

    return add


class Api:
    """A signed-in API caller for one user."""

    def __init__(self, http: HttpClient, user: User) -> None:
        from lexkeep.accounts.services import api_token_create

        self.http = http
        _token, raw = api_token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url: str, **params: Any):
        return self.http.get(url, params, **self.headers)

    def post(self, url: str, body: Any = None):
        return self.http.post(
            url,
            data=json.dumps(body or {}),
            content_type="application/json",
            **self.headers,
        )

    def post_multipart(self, url: str, data: dict[str, Any]):
        return self.http.post(url, data=data, **self.headers)

    def patch(self, url: str, body: Any):
        return self.http.patch(
            url, data=json.dumps(body), content_type="application/json", **self.headers
        )

    def put(self, url: str, body: Any):
        return self.http.put(
            url, data=json.dumps(body), content_type="application/json", **self.headers
        )

    def delete(self, url: str):
        return self.http.delete(url, **self.headers)


@pytest.fixture
def api(client, firm) -> Callable[[str], Api]:
    """Return a factory of API callers acting as the named firm member."""

    def make(who: str | User) -> Api:
        return Api(client, firm[who] if isinstance(who, str) else who)

    return make
