"""Bearer-token authentication for the REST API."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from lexkeep.accounts.models import User
from lexkeep.accounts.services import api_token_authenticate

#: A token's use is written to the audit chain once per this idle gap, so the
#: log records every working session with a token without one row per request.
TOKEN_USE_LOG_GAP = timedelta(minutes=10)


class BearerAuth(HttpBearer):
    """Authenticate ``Authorization: Bearer <token>`` against stored digests."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        from lexkeep.core.audit import audit_log

        previous_use = None
        api_token = api_token_authenticate(raw=token)
        if api_token is None:
            audit_log(
                action="auth.token_invalid",
                request=request,
                detail={"prefix": token[:6]},
            )
            return None
        previous_use = api_token.last_used_at
        user = api_token.user
        if previous_use is None or timezone.now() - previous_use > TOKEN_USE_LOG_GAP:
            audit_log(
                action="auth.token_used",
                actor=user,
                object_type="api_token",
                object_id=str(api_token.pk),
                request=request,
            )
        request.user = user
        return user
