"""Keep users who must use a second factor on the 2FA pages until verified."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect


class TwoFactorRequiredMiddleware:
    """Send director, partner and archivist to the 2FA step until verified.

    Every URL is guarded except the 2FA pages themselves, sign-out, static
    files, the language switch, the REST API (which has its own auth) and
    the public pages under ``/public/`` (the feedback form, SPEC §5).
    Must come after ``django_otp.middleware.OTPMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The path first: an exempt request (the API, with its own
        # authentication) never loads the session's user.
        if self._is_exempt(request.path_info):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "requires_two_factor", False)
            and not user.is_verified()
        ):
            target = reverse("accounts:two_factor")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(target)
            return HttpResponseRedirect(target)
        return self.get_response(request)

    @staticmethod
    def _is_exempt(path: str) -> bool:
        prefixes = (
            reverse("accounts:two_factor"),
            reverse("accounts:logout"),
            "/" + settings.STATIC_URL.lstrip("/"),
            "/i18n/",
            "/api/",
            "/public/",
        )
        return path.startswith(prefixes)
