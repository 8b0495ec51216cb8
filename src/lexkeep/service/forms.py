"""Forms of the service pages: they parse input; the services decide (SPEC §4)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lexkeep.clients.choices import Tier
from lexkeep.matters.models import Matter
from lexkeep.service.choices import ContactChannel, Direction, DutyKind, Purpose
from lexkeep.service.models import Contact
from lexkeep.web.forms import BaseForm

ATTACHMENT_TYPES = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.txt,.eml,.msg"


def _choices(options: Any, blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *options]


class ContactForm(BaseForm):
    """Log a contact (SPEC §4)."""

    matter = forms.ModelChoiceField(
        label=_("Matter"),
        queryset=Matter.objects.none(),
        required=False,
        empty_label=_("Not about one matter"),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.OUTGOING
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Purpose.choices,
        initial=Purpose.GENERAL,
        help_text=_(
            "A duty that asks for a notice, report or survey is met only "
            "by a contact logged with that purpose."
        ),
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_TYPES}),
    )

    def __init__(self, *args: Any, matters: QuerySet[Matter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = matters  # type: ignore[attr-defined]


class ContactFilterForm(BaseForm):
    q = forms.CharField(label=_("Client"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=_choices(ContactChannel.choices, _("Any channel")),
    )
    compliant = forms.ChoiceField(
        label=_("Firm channel"),
        required=False,
        choices=[
            ("", _("Any")),
            ("yes", _("Firm channels")),
            ("no", _("Personal WeChat or QQ")),
        ],
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        required=False,
        choices=_choices(Purpose.choices, _("Any purpose")),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DutyFilterForm(BaseForm):
    scope = forms.ChoiceField(
        label=_("Whose"),
        required=False,
        choices=[("mine", _("Mine")), ("all", _("All I may see"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("pending", _("Owed (open or overdue)")),
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("done", _("Done")),
            ("cancelled", _("Cancelled")),
            ("any", _("Any status")),
        ],
    )
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=_choices(Tier.choices, _("Any tier"))
    )
    kind = forms.ChoiceField(
        label=_("Duty"),
        required=False,
        choices=_choices(DutyKind.choices, _("Any duty")),
    )


class DutyDoneForm(BaseForm):
    """Mark a duty done by linking one of the client's logged contacts."""

    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        empty_label=_("Choose a logged contact"),
    )

    def __init__(self, *args: Any, contacts: QuerySet[Contact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        field.queryset = contacts  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda c: (
                f"{c.occurred_on} · {c.get_channel_display()} · "
                f"{c.get_purpose_display()} · {c.summary[:30]}"
            )
        )


class AttachmentForm(BaseForm):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_TYPES}),
    )


class RuleForm(BaseForm):
    """What the director may change in a duty rule."""

    interval_days = forms.IntegerField(
        label=_("Every N days"), required=False, min_value=1, max_value=366
    )
    offset_days = forms.IntegerField(
        label=_("Due this many days after the event (negative: before)"),
        min_value=-90,
        max_value=90,
    )
    window_days = forms.IntegerField(
        label=_("Window before the due date (days; 0 = from the engagement start)"),
        min_value=0,
        max_value=366,
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels that satisfy it"),
        choices=ContactChannel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose_required = forms.BooleanField(
        label=_("The contact must be logged with this purpose"), required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False)
