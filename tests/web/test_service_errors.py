"""How a form shows a service's ValidationError (``web.forms.ServiceErrorsMixin``)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from lexkeep.clients.forms import ClientForm
from lexkeep.web.forms import BaseForm


class NoteForm(BaseForm):
    note = forms.CharField(max_length=10)
    document = forms.CharField(required=False)
    error_aliases = {"document_name": "document"}


class ItemForm(NoteForm):
    def service_error_field(self, key: str) -> str | None:
        return super().service_error_field(re.sub(r"^items\[\d+\]\.", "", key))


def _refused(form: forms.Form, exc: ValidationError) -> forms.Form:
    assert form.is_valid()
    form.add_service_errors(exc)  # type: ignore[attr-defined]
    return form


def test_an_error_dict_lands_on_the_fields_it_names():
    form = _refused(
        NoteForm({"note": "ok"}),
        ValidationError({"note": ["Too short.", "Not allowed."], "other": "Gone."}),
    )
    assert form.errors["note"] == ["Too short.", "Not allowed."]
    # A key naming no field of the form is shown on top, not lost.
    assert form.non_field_errors() == ["Gone."]
    assert "note" not in form.cleaned_data


def test_a_list_or_a_single_message_goes_on_top_of_the_form():
    form = _refused(NoteForm({"note": "ok"}), ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]
    form = _refused(NoteForm({"note": "ok"}), ValidationError("Alone."))
    assert form.non_field_errors() == ["Alone."]


def test_an_alias_and_an_override_rename_the_service_key():
    form = _refused(
        ItemForm({"note": "ok"}),
        ValidationError({"document_name": "Missing.", "items[3].note": "Bad."}),
    )
    assert form.errors["document"] == ["Missing."]
    assert form.errors["note"] == ["Bad."]
    assert not form.non_field_errors()


def test_client_form_shows_consent_errors_on_its_consent_fields():
    form = ClientForm({})
    form.is_valid()
    form.add_service_errors(ValidationError({"purpose": "Say why."}))
    assert "Say why." in form.errors["consent_purpose"]
