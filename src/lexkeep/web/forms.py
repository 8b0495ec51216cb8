"""Forms of the web shell."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lexkeep.core.models import FirmHoliday


class FirmHolidayForm(forms.Form):
    """A day the firm marks as a holiday or a make-up working day."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FirmHoliday.Kind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("For example: Spring Festival, or National Day make-up day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names."""
        if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(self.fields):
            self.add_error(None, exc)
        else:
            self.add_error(None, exc.messages)


class UserCreateForm(forms.Form):
    """A new user of the firm, with one or more roles (SPEC §1)."""

    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    seniority = forms.ChoiceField(
        label=_("Seniority (lawyers)"), choices=(), required=False
    )
    supervisor: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Supervising lawyer (assistants)"), queryset=None, required=False
    )
    department = forms.CharField(label=_("Department"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from lexkeep.accounts.models import Role, Seniority, User

        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = Role.choices  # type: ignore[attr-defined]
        self.fields["seniority"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *Seniority.choices,
        ]
        self.fields["supervisor"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                role_assignments__role__in=[Role.LAWYER, Role.PARTNER, Role.DIRECTOR],
            )
            .distinct()
            .order_by("full_name", "username")
        )

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)
