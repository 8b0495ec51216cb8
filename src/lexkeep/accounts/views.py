"""Sign-in, sign-out, two-factor and "my account" pages."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lexkeep.accounts.forms import ApiTokenCreateForm, LoginForm, TokenForm
from lexkeep.accounts.models import ApiToken, User
from lexkeep.accounts.services import api_token_create, api_token_revoke
from lexkeep.core.audit import audit_log


class LoginView(DjangoLoginView):
    """The sign-in page; django-axes counts failures and locks after 5."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out on POST; a GET shows a page with the sign-out button."""
    if request.method == "POST":
        logout(request)
        return redirect("accounts:login")
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return render(request, "accounts/logout.html")


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: object,
    **kwargs: object,
) -> HttpResponse:
    """Tell a locked-out user to wait 15 minutes (django-axes, status 429)."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = int(cooloff.total_seconds() // 60) if cooloff else 15
    return render(
        request,
        "accounts/locked.html",
        {
            "minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )


def _next_url(request: HttpRequest) -> str:
    """Return the safe ``next`` target of ``request``, or the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    url = reverse(name)
    target = request.GET.get("next") or request.POST.get("next")
    if target:
        url += "?" + urlencode({"next": target})
    return url


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Send the user to enrolment or verification, whichever applies."""
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(_next_url(request))
    if _confirmed_device(request.user) is None:  # type: ignore[arg-type]
        return HttpResponseRedirect(_with_next("accounts:two_factor_setup", request))
    return HttpResponseRedirect(_with_next("accounts:two_factor_verify", request))


def _qr_svg(data: str) -> str:
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=8,
        border=2,
    )
    return image.to_string(encoding="unicode")  # type: ignore[no-any-return]


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code, manual secret, first code.

    Director, partner and archivist must sign in with TOTP (ARCHITECTURE, auth).
    """
    user: User = request.user  # type: ignore[assignment]
    if _confirmed_device(user) is not None:
        return HttpResponseRedirect(_with_next("accounts:two_factor_verify", request))
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=_("Authenticator app"), confirmed=False
        )
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                audit_log(
                    action="auth.2fa_enrolled",
                    actor=user,
                    object_type="totp_device",
                    object_id=str(device.pk),
                    request=request,
                )
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is now set up."))
            return HttpResponseRedirect(_next_url(request))
        if not form.throttled:
            audit_log(
                action="auth.2fa_failed",
                actor=user,
                object_type="totp_device",
                object_id=str(device.pk),
                detail={"step": "enrolment"},
                request=request,
            )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": secret,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code of the user's confirmed authenticator."""
    user: User = request.user  # type: ignore[assignment]
    device = _confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(_with_next("accounts:two_factor_setup", request))
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        if not form.throttled:
            audit_log(
                action="auth.2fa_failed",
                actor=user,
                object_type="totp_device",
                object_id=str(device.pk),
                detail={"step": "verification"},
                request=request,
            )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
        status=400 if request.method == "POST" else 200,
    )


def _account_context(user: User) -> dict[str, Any]:
    return {
        "account": user,
        "role_names": [
            assignment.get_role_display()
            for assignment in user.role_assignments.all().order_by("role")
        ],
        "tokens": ApiToken.objects.filter(user=user).order_by("-created_at"),
        "has_device": _confirmed_device(user) is not None,
        "token_form": ApiTokenCreateForm(),
    }


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Show the signed-in user's profile, API tokens and language."""
    return render(
        request,
        "accounts/account.html",
        _account_context(request.user),  # type: ignore[arg-type]
    )


@login_required
@require_POST
def api_token_new(request: HttpRequest) -> HttpResponse:
    """Create an API token and show its raw value once, never again."""
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenCreateForm(request.POST)
    context = _account_context(user)
    if not form.is_valid():
        context["token_form"] = form
        return render(request, "accounts/account.html", context, status=400)
    token, raw = api_token_create(user=user, name=form.cleaned_data["name"])
    context.update(
        {"new_token": token, "new_token_raw": raw, "tokens": context["tokens"].all()}
    )
    response = render(request, "accounts/account.html", context, status=201)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the signed-in user's own API tokens."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    messages.success(
        request,
        _("Token “%(name)s” (%(prefix)s…) has been revoked.")
        % {"name": token.name or "—", "prefix": token.prefix},
    )
    return redirect("accounts:account")
