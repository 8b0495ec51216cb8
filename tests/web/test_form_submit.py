"""The one way a page submits a form to a service (``web.forms.form_submit``)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse

from lexkeep.core.exceptions import InvalidTransition
from lexkeep.web.forms import ServiceErrorsMixin, form_submit


class NoteForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(max_length=10)


def _submit(data: dict[str, str], action: Any, **kwargs: Any) -> tuple[int, NoteForm]:
    form = NoteForm(data)
    response = form_submit(
        form,
        action,
        done=lambda result: HttpResponse(result, status=302),
        invalid=lambda: HttpResponse(status=400),
        **kwargs,
    )
    return response.status_code, form


def test_a_valid_form_calls_the_service_with_the_cleaned_data():
    calls: list[dict[str, Any]] = []
    status, _form = _submit({"note": "ok"}, lambda data: calls.append(data) or "x")
    assert status == 302
    assert calls == [{"note": "ok"}]


def test_an_invalid_form_does_not_call_the_service():
    calls: list[dict[str, Any]] = []
    status, form = _submit({"note": "far too long"}, calls.append)
    assert status == 400
    assert calls == []
    assert "note" in form.errors


def test_a_service_refusal_lands_on_the_field_it_names():
    def refuse(data: dict[str, Any]) -> None:
        raise ValidationError({"note": ["Not this note."], "other": ["Elsewhere."]})

    status, form = _submit({"note": "ok"}, refuse)
    assert status == 400
    assert form.errors["note"] == ["Not this note."]
    assert form.non_field_errors() == ["Elsewhere."]


def _invalid_transition(data: dict[str, Any]) -> None:
    raise InvalidTransition(entity="case", current="closed", action="close")


def test_an_invalid_transition_goes_to_refused_when_given():
    status, _form = _submit(
        {"note": "ok"},
        _invalid_transition,
        refused=lambda exc: HttpResponse(str(exc), status=409),
    )
    assert status == 409


def test_an_invalid_transition_propagates_without_refused():
    with pytest.raises(InvalidTransition):
        _submit({"note": "ok"}, _invalid_transition)


def test_permission_denied_propagates_as_403():
    def deny(data: dict[str, Any]) -> None:
        raise PermissionDenied("no")

    with pytest.raises(PermissionDenied):
        _submit({"note": "ok"}, deny)
