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
