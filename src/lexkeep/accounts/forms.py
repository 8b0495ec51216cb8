"""Forms of the sign-in, two-factor and "my account" pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class LoginForm(AuthenticationForm):
    """Username and password, with messages that say plainly what went wrong."""

    error_messages = {
        "invalid_login": _(
            "The username or password is incorrect. Both are case-sensitive. "
            "After 5 failed attempts within 15 minutes the account is locked "
            "for 15 minutes."
        ),
        "inactive": _("This account has been disabled. Please contact the director."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password"}
        )


class TokenForm(forms.Form):
    """A 6-digit code from the authenticator app, checked against ``device``.

    Verification goes through ``TOTPDevice.verify_token``, which applies
    django-otp's throttling (each failure doubles the wait) and refuses a
    code that was already used.
    """

    token = forms.CharField(
        label=_("6-digit code"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "maxlength": "6",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": _("Enter the 6-digit code shown in your authenticator app."),
            "min_length": _("The code has exactly 6 digits."),
            "max_length": _("The code has exactly 6 digits."),
        },
    )

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.device = device
        self.throttled = False

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("The code has only digits (0–9)."))
        allowed, info = self.device.verify_is_allowed()
        if not allowed:
            self.throttled = True
            locked_until = (info or {}).get("locked_until")
            seconds = 1
            if locked_until is not None:
                seconds = max(1, int((locked_until - timezone.now()).total_seconds()))
            raise forms.ValidationError(
                _(
                    "Too many wrong codes. Wait %(seconds)s seconds, then enter "
                    "the current code."
                )
                % {"seconds": seconds}
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(
                _(
                    "This code is wrong or has expired. Check that your phone's "
                    "clock is correct and enter the current code."
                )
            )
        return token


class ApiTokenCreateForm(forms.Form):
    """Name a new API token so that it can be recognised later."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("For example the script or machine that will use it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
