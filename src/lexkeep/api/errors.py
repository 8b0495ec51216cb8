"""Map exceptions to the JSON errors of the external contract.

Invalid input → 400/422 naming each bad field; not signed in → 401; not
allowed → 403 (and logged); not found or not visible → 404; an action the
current state does not allow → 409. Bad input never gives a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lexkeep.core.exceptions import InvalidTransition

_LOCATIONS = {"body", "query", "path", "form", "file", "header", "cookie"}


def _field_from_loc(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
        # Body parameters are nested under the handler's argument name.
        if len(parts) > 1 and parts[0] in {"payload", "data", "body"}:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def validation_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    """Return ``[{"field", "message"}]`` for a Django ValidationError."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "__all__", "message": m} for m in exc.messages]


def _out_of_range(api: NinjaAPI, request: HttpRequest) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": _("A value in the request is out of range."),
            "errors": [{"field": "__all__", "message": _("A value is out of range.")}],
        },
        status=400,
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the contract's error responses on ``api``."""

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(
        request: HttpRequest, exc: NinjaValidationError
    ) -> HttpResponse:
        errors = [
            {"field": _field_from_loc(e.get("loc", ())), "message": str(e.get("msg"))}
            for e in exc.errors
        ]
        return api.create_response(
            request,
            {"detail": _("The request is invalid."), "errors": errors},
            status=422,
        )

    @api.exception_handler(DjangoValidationError)
    def on_validation_error(
        request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": _("The request is invalid."), "errors": validation_errors(exc)},
            status=400,
        )

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(
        request: HttpRequest, exc: AuthenticationError
    ) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Authentication required.")}, status=401
        )

    @api.exception_handler(PermissionDenied)
    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        from lexkeep.core.audit import audit_denied

        user = getattr(request, "auth", None) or getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
        audit_denied(
            request=request, actor=actor, what=f"{request.method} {request.path}"
        )
        message = str(exc) or _("You do not have permission to do this.")
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(Http404)
    def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(ObjectDoesNotExist)
    def on_missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(InvalidTransition)
    def on_conflict(request: HttpRequest, exc: InvalidTransition) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": str(exc), "state": exc.current, "action": exc.action},
            status=409,
        )

    # Query and path parameters are bounded by their types (lexkeep.api.types)
    # and refused with a 422 before any query runs, so no catch-all for them:
    # a ValueError is a fault of ours and shows as one. Request bodies are
    # still checked by their services rather than bounded by their schemas;
    # the two handlers below keep a value at the edge of the calendar or of
    # a column that slips past such a check a 400 rather than a 500.

    @api.exception_handler(OverflowError)
    def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # A body date at the end of the calendar with a deadline counted on
        # from it; an integer SQLite cannot bind.
        return _out_of_range(api, request)

    @api.exception_handler(DataError)
    def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # PostgreSQL refusing a body value its column cannot hold.
        return _out_of_range(api, request)

    @api.exception_handler(IntegrityError)
    def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # Two requests racing past the same check (a second review in the
        # quarter, the same archive number): the unique constraint decides
        # and the later one is told to reload and retry.
        return api.create_response(
            request,
            {"detail": _("The change conflicts with existing data; reload and retry.")},
            status=409,
        )

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE (files excepted, they
        # stream to disk): refused before it is parsed.
        return api.create_response(
            request, {"detail": _("The request body is too large.")}, status=413
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc.message)}, status=exc.status_code
        )
