"""Fixtures of the feedback tests: firm-local times and a case factory."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from lexkeep.accounts.models import User
from lexkeep.feedback.models import Feedback
from lexkeep.feedback.services import feedback_create_staff

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def local(*args: int) -> dt.datetime:
    """Return an aware firm-local (Asia/Shanghai) datetime."""
    return dt.datetime(*args, tzinfo=timezone.get_default_timezone())  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The public form's rate limit lives in the cache: start each test clean."""
    cache.clear()


@pytest.fixture
def make_case(firm: dict[str, User]) -> Callable[..., Feedback]:
    """Return a factory recording a complaint as the client-service specialist."""

    def make(received_at: dt.datetime | None = None, **kwargs: Any) -> Feedback:
        received_at = received_at or timezone.now() - dt.timedelta(minutes=5)
        data: dict[str, Any] = {
            "actor": firm["client_service"],
            "channel": "phone",
            "name": "林女士",
            "contact": "13812345678",
            "content": "三天没有人回复我的邮件。",
            "received_at": received_at,
            "now": received_at + dt.timedelta(minutes=1),
        }
        data.update(kwargs)
        return feedback_create_staff(**data)

    return make


class Api:
    """A signed-in API caller (bearer token) for one user."""

    def __init__(self, http: Any, user: User) -> None:
        from lexkeep.accounts.services import api_token_create

        self.http = http
        _token, raw = api_token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url: str, **params: Any) -> Any:
        return self.http.get(url, params, **self.headers)

    def post(self, url: str, body: Any = None) -> Any:
        return self.http.post(
            url,
            data=json.dumps(body or {}),
            content_type="application/json",
            **self.headers,
        )

    def patch(self, url: str, body: Any) -> Any:
        return self.http.patch(
            url, data=json.dumps(body), content_type="application/json", **self.headers
        )


@pytest.fixture
def api(client: Any, firm: dict[str, User]) -> Callable[[str], Api]:
    """Return a factory of API callers acting as the named firm member."""
    return lambda who: Api(client, firm[who])
