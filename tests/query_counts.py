"""Counting the queries of one API read, for the constant-query tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def list_queries(get: Callable[[str], Any], url: str, at_least: int) -> int:
    """Return the queries one ``get(url)`` runs; check it lists ``at_least`` rows.

    The response is a JSON list or a page (``{"items": [...], "count": n}``).
    """
    with CaptureQueriesContext(connection) as ctx:
        response = get(url)
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"] if isinstance(body, dict) else body) >= at_least
    return len(ctx)
