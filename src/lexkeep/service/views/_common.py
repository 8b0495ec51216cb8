"""Helpers of the service pages: who is asking, paging, the area gate, files."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.core.audit import audit_denied

PAGE_SIZE = 25
View = TypeVar("View", bound=Callable[..., HttpResponse])


def actor(request: HttpRequest) -> User:
    """Return the signed-in user of ``request``."""
    return request.user  # type: ignore[return-value]


def service_view(view: View) -> View:
    """Require sign-in and a role that serves clients (SPEC §1, §4)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = actor(request)
        if not user.has_perm("service.view_dashboard"):
            audit_denied(request=request, actor=user, what="area service")
            raise PermissionDenied(_("Your role does not give access to this area."))
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def paginate(request: HttpRequest, items: QuerySet[Any] | list[Any]) -> Page:
    """Return the requested page of ``items`` (``?page=``), clamped to range."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """Return the query string of ``request`` without ``page``."""
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])


def download(data: bytes, name: str, content_type: str) -> HttpResponse:
    """Return ``data`` as a file download that no cache keeps."""
    response = HttpResponse(
        data, content_type=content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response
