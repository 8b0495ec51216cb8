"""Forms of the web shell, and the one way a page submits a form to a service."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from lexkeep.core.exceptions import InvalidTransition
from lexkeep.core.models import FirmHoliday

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Result = TypeVar("Result")


class ServiceForm(Protocol):
    """A bound form that can show a service's ValidationError on its fields."""

    cleaned_data: dict[str, Any]

    def is_valid(self) -> bool:
        """Return True if the submitted data passed the form's own checks."""
        ...

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put ``exc`` on the fields it names, the rest on the form."""
        ...


def form_submit(
    form: ServiceForm,
    action: Callable[[dict[str, Any]], Result],
    *,
    done: Callable[[Result], HttpResponse],
    invalid: Callable[[], HttpResponse],
    refused: Callable[[InvalidTransition], HttpResponse] | None = None,
) -> HttpResponse:
    """Run ``action(form.cleaned_data)`` if ``form`` is valid; return ``done(result)``.

    A ValidationError raised by the service goes onto the form's fields and
    ``invalid()`` shows the page again, as it does for a form that did not
    validate. An InvalidTransition goes to ``refused`` if given, else it
    propagates, as does PermissionDenied (403): the service decides what
    the user may do, and nothing is written when it refuses.
    """
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            if refused is None:
                raise
            return refused(exc)
        else:
            return done(result)
    return invalid()


def message_redirect(
    request: HttpRequest, message: str, to: Any, *, level: int = messages.SUCCESS
) -> HttpResponse:
    """Leave ``message`` for the next page and redirect to ``to``."""
    messages.add_message(request, level, message)
    return redirect(to)


class ServiceErrorsMixin:
    """Show a service's ValidationError on the fields of the form it names.

    The one place a form turns a service's refusal into form errors: a
    ValidationError with an error dict puts each key's messages on the field
    :meth:`service_error_field` names (the key itself, or its
    ``error_aliases`` entry); a key naming no field of the form, and a
    ValidationError without a dict (a list or a single message), become
    form-wide errors, so nothing the service said is lost.
    """

    #: Service error keys shown on another field of this form.
    error_aliases: Mapping[str, str] = {}

    def service_error_field(self, key: str) -> str | None:
        """Return the field that shows the service's errors under ``key``.

        None, or a name that is not a field, shows them on top of the form.
        Forms override this when the service names things differently.
        """
        return self.error_aliases.get(key, key)

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put ``exc`` on the fields it names, the rest on the form."""
        form: forms.Form = self  # type: ignore[assignment]
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            target = self.service_error_field(key)
            form.add_error(target if target in form.fields else None, errors)


def search_field(placeholder: StrOrPromise) -> forms.CharField:
    """The optional search box at the head of a list (up to 200 characters)."""
    return forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": placeholder, "autocomplete": "off"}
        ),
    )


def choice_filter(
    label: StrOrPromise,
    everything: StrOrPromise,
    choices: Sequence[tuple[str, StrOrPromise]],
) -> forms.ChoiceField:
    """An optional list filter: ``everything`` (no filter) first, then ``choices``."""
    return forms.ChoiceField(
        label=label, required=False, choices=[("", everything), *choices]
    )


class BaseForm(ServiceErrorsMixin, forms.Form):
    """A form without the trailing colon on labels, that shows service errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FirmHolidayForm(BaseForm):
    """A day the firm marks as a holiday or a make-up working day."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("To enter a run of days at once, such as a whole holiday."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FirmHoliday.Kind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("For example: Spring Festival, or National Day make-up day."),
    )


class UserCreateForm(BaseForm):
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
        from lexkeep.accounts.models import Role, Seniority
        from lexkeep.accounts.selectors import users_with_roles

        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = Role.choices  # type: ignore[attr-defined]
        self.fields["seniority"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *Seniority.choices,
        ]
        supervisors = users_with_roles(Role.LAWYER, Role.PARTNER, Role.DIRECTOR)
        self.fields["supervisor"].queryset = (  # type: ignore[attr-defined]
            supervisors.order_by("full_name", "username")
        )
