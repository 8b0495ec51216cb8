"""Limit/offset pages of plain rows for the list endpoints.

A list endpoint that returns many rows doesn't build model instances for
them: its selector returns a :class:`Rows` source, which reads one page of
plain dicts (the shown columns only, in a fixed number of queries) and
counts the matches. The response keeps django-ninja's contract: ``limit``
(default 100) and ``offset`` query parameters; ``{"items": [...], "count":
N}`` with ``count`` the number of all matches.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.http import HttpRequest
from ninja import Field
from ninja.pagination import LimitOffsetPagination

#: Furthest offset into a list: beyond any list the firm keeps.
MAX_OFFSET = 10_000_000


class Rows(Protocol):
    """A list read a page at a time."""

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """Return rows ``offset`` to ``offset + limit`` (exclusive)."""

    def count(self) -> int:
        """Return the number of all rows."""


class BoundedPagination(LimitOffsetPagination):
    """``LimitOffsetPagination`` whose offset is bounded too (422 beyond it)."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class RowsPagination(BoundedPagination):
    """``LimitOffsetPagination`` over a :class:`Rows` source."""

    def paginate_queryset(  # type: ignore[override]
        self,
        queryset: Rows,
        pagination: BoundedPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        """Return the requested page and the count of all rows."""
        limit = min(pagination.limit, self.max_limit)
        return {
            self.items_attribute: queryset.page(pagination.offset, limit),
            "count": queryset.count(),
        }
