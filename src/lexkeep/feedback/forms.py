"""Forms of the feedback pages. They parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lexkeep.feedback.models import Category, Channel, Dismissal, Status
from lexkeep.feedback.selectors import specialists
from lexkeep.feedback.services.cases import INFORM_CHANNELS
from lexkeep.feedback.services.intake import STAFF_CHANNELS
from lexkeep.web.forms import ServiceErrorsMixin

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_LOCAL, **kwargs)


def _category_choices(blank: Any = None) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = list(Category.choices)
    return [("", blank), *choices] if blank else choices


class PublicFeedbackForm(ServiceErrorsMixin, forms.Form):
    """The public web form (SPEC §5): name, contact, content, expected time."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact = forms.CharField(
        label=_("Phone or email"),
        max_length=254,
        help_text=_("We use it only to contact you about this feedback."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "text"}),
    )
    category = forms.ChoiceField(
        label=_("What is it mainly about?"),
        choices=_category_choices(),
        initial=Category.OTHER,
        required=False,
    )
    content = forms.CharField(
        label=_("Your feedback or complaint"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, and which matter or lawyer it concerns."),
    )
    expected_resolution = forms.DateField(
        label=_("Expected resolution by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: the date you hope to see it resolved."),
    )
    #: Honeypot: hidden from people, filled by bots (SPEC §5 anti-spam).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_category(self) -> str:
        return self.cleaned_data.get("category") or Category.OTHER


class StaffFeedbackForm(ServiceErrorsMixin, forms.Form):
    """A complaint received by phone, email or in person, as staff enter it."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        widget=forms.RadioSelect,
        initial=Channel.PHONE,
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_(
            "When the call or email actually reached the firm: both deadlines "
            "run from it."
        ),
    )
    name = forms.CharField(label=_("Complainant's name"), max_length=100)
    contact = forms.CharField(
        label=_("Phone or email"),
        max_length=254,
        help_text=_("Kept encrypted; shown only to client service and the director."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=_category_choices())
    content = forms.CharField(
        label=_("Content"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    expected_resolution = forms.DateField(
        label=_("Expected resolution by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    client = forms.IntegerField(
        label=_("Client id (optional)"),
        required=False,
        min_value=1,
        help_text=_("If the complainant is a client of the firm."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "received_at", timezone.localtime().strftime(DATETIME_LOCAL)
            )


class TransitionForm(ServiceErrorsMixin, forms.Form):
    """One move of the transition map, with its note."""

    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    occurred_at = forms.DateTimeField(
        label=_("When (if earlier than now)"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL],
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Client satisfaction"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(str(n), str(n)) for n in range(5, 0, -1)]],
    )
    dismissed_as = forms.ChoiceField(
        label=_("Closed without resolution as"),
        required=False,
        choices=[("", "—"), *Dismissal.choices],
    )


class ExtensionForm(ServiceErrorsMixin, forms.Form):
    """An extension of the reply deadline: reason and how the client was told."""

    working_days = forms.IntegerField(
        label=_("Extend by (working days)"), min_value=1, max_value=30, initial=2
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    client_informed_via = forms.ChoiceField(
        label=_("Client told by"),
        choices=[("", "—"), *[(c.value, c.label) for c in INFORM_CHANNELS]],
        required=False,
    )
    client_informed_at = forms.DateTimeField(
        label=_("Client told at"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL],
    )


class SatisfactionForm(ServiceErrorsMixin, forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Client satisfaction"),
        coerce=int,
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=specialists())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = specialists()
        owner.label_from_instance = lambda u: u.display_name


class ClassifyForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=_category_choices())


class FeedbackFilterForm(forms.Form):
    """Filters of the case list and the ledger."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), *Status.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_category_choices(_("All"))
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All")), *Channel.choices],
    )
    sla = forms.ChoiceField(
        label=_("Deadlines"),
        required=False,
        choices=[("", _("All")), ("breached", _("Missed")), ("kept", _("Kept"))],
    )
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MeasureForm(ServiceErrorsMixin, forms.Form):
    category = forms.ChoiceField(label=_("Problem"), choices=_category_choices())
    measure = forms.CharField(
        label=_("Improvement measure"), widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(
        label=_("Responsible"),
        required=False,
        queryset=specialists(),
    )
