"""Record every refused page request in the audit chain."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


class AuditDeniedMiddleware:
    """Write ``auth.denied`` for every PermissionDenied a view raises (SPEC §6).

    The refusal itself is rendered by Django (403 page); this only logs it,
    so views and services raise PermissionDenied and nothing else.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if isinstance(exception, PermissionDenied) and not request.path.startswith(
            "/api/"
        ):
            from lexkeep.core.audit import audit_denied

            user = getattr(request, "user", None)
            actor = user if getattr(user, "is_authenticated", False) else None
            audit_denied(
                request=request, actor=actor, what=f"{request.method} {request.path}"
            )
        return None
