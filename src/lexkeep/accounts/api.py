"""API: tokens and the signed-in user."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from lexkeep.accounts.models import ApiToken, User
from lexkeep.accounts.schemas import (
    MeOut,
    Message,
    TokenInfo,
    TokenOut,
    TokenRequest,
    UserOut,
)
from lexkeep.accounts.selectors import (
    api_token_get_for_revocation,
    api_token_list,
    user_get_with_roles,
    user_list,
)
from lexkeep.accounts.services import api_token_create, api_token_revoke
from lexkeep.api.pagination import BoundedPagination
from lexkeep.api.types import Id

router = Router(tags=["auth"])


def _check_second_factor(user: User, otp: str | None) -> None:
    """Require a valid TOTP code from roles that sign in with two factors."""
    if not user.requires_two_factor:
        return
    devices = [d for d in devices_for_user(user, confirmed=True)]
    if not devices:
        raise PermissionDenied(
            _(
                "Two-factor sign-in is required: enrol an authenticator in the web "
                "interface first."
            )
        )
    if not otp:
        raise HttpError(401, _("A two-factor code (otp) is required for this user."))
    if not any(device.verify_token(otp.strip()) for device in devices):
        raise HttpError(401, _("The two-factor code is wrong or expired."))


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: Message, 403: Message, 429: Message},
    summary="Exchange username and password for an API token",
)
def token_create(request: HttpRequest, payload: TokenRequest) -> TokenOut:
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_lockout_message

    if AxesProxyHandler.is_locked(request, {"username": payload.username}):
        raise HttpError(429, get_lockout_message())
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not isinstance(user, User):
        if AxesProxyHandler.is_locked(request, {"username": payload.username}):
            raise HttpError(429, get_lockout_message())
        raise HttpError(401, _("Wrong username or password."))
    _check_second_factor(user, payload.otp)
    token, raw = api_token_create(user=user, name=payload.name or "api")
    return TokenOut(token=raw, id=token.pk, expires_at=token.expires_at)


@router.get("/auth/tokens", response=list[TokenInfo], summary="List my API tokens")
def token_list(request: HttpRequest) -> list[ApiToken]:
    return list(api_token_list(actor=request.auth))  # type: ignore[attr-defined]


@router.delete(
    "/auth/tokens/{token_id}",
    response={200: TokenInfo, 404: Message},
    summary="Revoke an API token (your own; the director may revoke any)",
)
def token_revoke(request: HttpRequest, token_id: Id) -> ApiToken:
    token = api_token_get_for_revocation(actor=request.auth, pk=token_id)  # type: ignore[attr-defined]
    return api_token_revoke(token=token)


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request: HttpRequest) -> dict[str, object]:
    user = user_get_with_roles(pk=request.auth.pk)  # type: ignore[attr-defined]
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "roles": sorted(user.roles),
        "seniority": user.seniority,
        "department": user.department,
        "supervisor": user.supervisor,
        "requires_two_factor": user.requires_two_factor,
    }


@router.get(
    "/users",
    response=list[UserOut],
    tags=["users"],
    summary="List the firm's users (director and partners)",
)
@paginate(BoundedPagination)
def users(request: HttpRequest) -> object:
    return user_list(actor=request.auth).order_by("username")  # type: ignore[attr-defined]
