"""Helpers shared by the client and matter pages: who is asking, paging, gates."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.core.audit import audit_denied
from lexkeep.web.areas import Area

PAGE_SIZE = 25
#: Uploaded documents are read into memory up to this size (forms check it).
View = TypeVar("View", bound=Callable[..., HttpResponse])


def actor(request: HttpRequest) -> User:
    """Return the signed-in user of ``request``."""
    return request.user  # type: ignore[return-value]


def area_view(area: Area) -> Callable[[View], View]:
    """Require sign-in and a role that may open ``area`` (navigation, SPEC §1).

    Which records the user then sees is decided by the selectors; this only
    keeps roles without any business in the area out of its pages.
    """

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = actor(request)
            if not area.visible_to(user.roles):
                audit_denied(request=request, actor=user, what=f"area {area.key}")
                raise PermissionDenied(
                    _("Your role does not give access to this area.")
                )
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def paginate(request: HttpRequest, items: QuerySet[Any] | list[Any]) -> Page:
    """Return the requested page of ``items`` (``?page=``), clamped to range."""
    paginator = Paginator(items, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """Return the query string of ``request`` without ``page`` (for page links)."""
    params = [(k, v) for k, v in request.GET.items() if k != "page" and v]
    return urlencode(params)


def uploaded_bytes(upload: Any) -> tuple[bytes | None, str]:
    """Return the content and file name of an uploaded file, or ``(None, "")``."""
    if not upload:
        return None, ""
    return upload.read(), upload.name
