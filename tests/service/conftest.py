"""Fixtures of the service tests: clients in a tier since a given day, matters,
contacts logged through the service, and a sweep on a chosen day."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from lexkeep.accounts.models import User
from lexkeep.accounts.services import api_token_create
from lexkeep.clients.choices import ClientType
from lexkeep.clients.models import Client, TierChange
from lexkeep.clients.normalize import normalize_name
from lexkeep.matters.models import ConflictCheck, Hearing, Matter
from lexkeep.service.models import Contact, Duty
from lexkeep.service.services import contact_log, sweep_duties

_serial = itertools.count(1)
ZONE = timezone.get_default_timezone()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """Return ``day`` at ``hour`` o'clock in the firm's zone."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def mk_client(firm) -> Callable[..., Client]:
    """Return a factory of clients in ``tier`` since ``since`` (a TierChange)."""

    def make(
        tier: str = "key",
        *,
        since: dt.date = dt.date(2026, 1, 1),
        owner: User | None = None,
        **fields: Any,
    ) -> Client:
        name = fields.pop("name", f"客户{next(_serial)}号有限公司")
        default_owner = {
            "strategic": firm["partner"],
            "key": firm["senior"],
            "ordinary": firm["staff"],
        }[tier]
        client = Client.objects.create(
            name=name,
            name_normalized=normalize_name(name),
            client_type=ClientType.ENTERPRISE,
            tier=tier,
            owner=owner or default_owner,
            **fields,
        )
        Client.objects.filter(pk=client.pk).update(created_at=at(since, 9))
        change = TierChange.objects.create(
            client=client, new_tier=tier, source="initial"
        )
        TierChange.objects.filter(pk=change.pk).update(changed_at=at(since, 9))
        client.refresh_from_db()
        return client

    return make


@pytest.fixture
def mk_matter(firm) -> Callable[..., Matter]:
    def make(client: Client, **fields: Any) -> Matter:
        check = ConflictCheck.objects.create(
            subject_name=client.name,
            searched_by=firm["partner"],
            decision=ConflictCheck.Decision.CLEAR,
            client=client,
        )
        name = fields.pop("name", f"合同纠纷{next(_serial)}")
        handling = fields.pop("handling", [firm["staff"]])
        assistants = fields.pop("assistants", [])
        matter = Matter.objects.create(
            name=name,
            name_normalized=normalize_name(name),
            client=client,
            domain="litigation",
            sub_domain="civil",
            supervising_lawyer=fields.pop("supervising", firm["senior"]),
            engagement_start=fields.pop("engagement_start", dt.date(2026, 1, 1)),
            conflict_check=check,
            agreed_fee=fields.pop("agreed_fee", Decimal("50000")),
            **fields,
        )
        matter.handling_lawyers.set(handling)
        matter.assistants.set(assistants)
        return matter

    return make


@pytest.fixture
def hearing() -> Callable[..., Hearing]:
    def make(matter: Matter, day: dt.date, hour: int = 9) -> Hearing:
        return Hearing.objects.create(
            matter=matter, scheduled_at=at(day, hour), location="海淀法院"
        )

    return make


@pytest.fixture
def log(firm) -> Callable[..., Contact]:
    """Log a contact through the service, checked on the contact's own day."""

    def make(
        client: Client,
        channel: str,
        on: dt.date,
        *,
        purpose: str = "general",
        matter: Matter | None = None,
        by: User | None = None,
        hour: int = 10,
    ) -> Contact:
        return contact_log(
            actor=by or firm["partner"],
            client=client,
            channel=channel,
            occurred_at=at(on, hour),
            summary="沟通案件进展",
            matter=matter,
            purpose=purpose,
            today=on,
        )

    return make


@pytest.fixture
def sweep() -> Callable[..., dict[str, int]]:
    def run(today: dt.date) -> dict[str, int]:
        return sweep_duties(today=today, now=at(today, 8))

    return run


def duties(client: Client, code: str, **filters: Any) -> list[Duty]:
    """Return ``client``'s duties of rule ``code``, oldest window first."""
    return list(
        Duty.objects.filter(client=client, rule__code=code, **filters).order_by(
            "period_start", "pk"
        )
    )


def live(client: Client, code: str) -> list[Duty]:
    return duties(client, code, status__in=["open", "overdue"])


class Api:
    """A test client signed in with a bearer token."""

    def __init__(self, http: HttpClient, user: User) -> None:
        _token, raw = api_token_create(user=user, name="test")
        self.http = http
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

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

    def multipart(self, url: str, data: dict[str, Any]):
        return self.http.post(url, data, **self.headers)


@pytest.fixture
def api(client, firm) -> Callable[[str], Api]:
    def make(who: str) -> Api:
        return Api(client, firm[who])

    return make
