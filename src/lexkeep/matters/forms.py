"""Forms of the matter pages; the services decide every rule (SPEC §3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lexkeep.accounts.models import Role, User
from lexkeep.clients.choices import Domain, SubDomain
from lexkeep.clients.forms import (
    UserChoiceField,
    UserMultipleChoiceField,
    lawyers,
    staff_choices,
)
from lexkeep.matters.models import Matter, MatterParty
from lexkeep.web.forms import BaseForm, choice_filter, search_field


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MatterFilterForm(BaseForm):
    """The filters of the matter list."""

    q = search_field(_("Matter name or case number"))
    status = choice_filter(_("Status"), _("Any status"), Matter.Status.choices)
    domain = choice_filter(_("Business domain"), _("All domains"), Domain.choices)
    lawyer = UserChoiceField(
        label=_("Lawyer"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
    )
    client = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = lawyers()  # type: ignore[attr-defined]


class MatterOpenForm(BaseForm):
    """Open a matter on a decided conflict check (SPEC §3, §2.4)."""

    client = forms.ChoiceField(label=_("Client"), choices=[])
    name = forms.CharField(label=_("Matter name"), max_length=200, required=False)
    case_number = forms.CharField(label=_("Case number"), max_length=64, required=False)
    domain = forms.ChoiceField(
        label=_("Business domain"), choices=[("", "—"), *Domain.choices]
    )
    sub_domain = forms.ChoiceField(
        label=_("Sub-domain"),
        required=False,
        choices=[("", "—"), *SubDomain.choices],
        help_text=_(
            "Litigation: civil, criminal or administrative. Non-litigation: M&A, "
            "IP, tax or other. Perennial counsel has none."
        ),
    )
    handling_lawyers = UserMultipleChoiceField(
        label=_("Handling lawyers"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    supervising_lawyer = UserChoiceField(
        label=_("Supervising lawyer"),
        queryset=User.objects.none(),
        empty_label="—",
    )
    assistants = UserMultipleChoiceField(
        label=_("Assistants"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    engagement_start = forms.DateField(label=_("Engagement start"), widget=_date())
    engagement_end = forms.DateField(
        label=_("Engagement end"), required=False, widget=_date()
    )
    agreed_fee = forms.DecimalField(
        label=_("Agreed fee (yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    record_parties = forms.BooleanField(
        label=_("Record the parties searched by the check on this matter"),
        required=False,
        initial=True,
    )

    def __init__(
        self, *args: Any, clients: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = clients or []  # type: ignore[attr-defined]
        for name in ("handling_lawyers", "supervising_lawyer"):
            self.fields[name].queryset = lawyers()  # type: ignore[attr-defined]
        self.fields["assistants"].queryset = staff_choices(  # type: ignore[attr-defined]
            Role.ASSISTANT
        )


class PartyForm(BaseForm):
    """Add a counterparty or related party (searched by later checks)."""

    role = forms.ChoiceField(label=_("Role"), choices=MatterParty.Role.choices)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("Credit code"), max_length=32, required=False)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=32,
        required=False,
        help_text=_("Kept only as a keyed hash, for conflict checks."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class HearingForm(BaseForm):
    """Add a hearing (开庭); a matter may have several."""

    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    location = forms.CharField(
        label=_("Court or place"), max_length=200, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FeeForm(BaseForm):
    """Record fees received; they decide the client's tier (SPEC §2.1)."""

    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2
    )
    received_on = forms.DateField(label=_("Received on"), widget=_date())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class KeyDatesForm(BaseForm):
    """The key dates of SPEC §3."""

    filing_date = forms.DateField(label=_("Suit filed"), required=False, widget=_date())
    judgment_date = forms.DateField(label=_("Judgment"), required=False, widget=_date())
    judgment_effective_date = forms.DateField(
        label=_("Judgment effective"), required=False, widget=_date()
    )
    business_end_date = forms.DateField(
        label=_("Business end"), required=False, widget=_date()
    )
    counsel_end_date = forms.DateField(
        label=_("Counsel termination"), required=False, widget=_date()
    )

    def __init__(self, *args: Any, domain: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if domain != Domain.LITIGATION:
            for name in ("filing_date", "judgment_date", "judgment_effective_date"):
                del self.fields[name]
        if domain != Domain.COUNSEL:
            del self.fields["counsel_end_date"]


class CloseForm(BaseForm):
    """Close a matter with its business end date (SPEC §3, starts archiving)."""

    business_end_date = forms.DateField(label=_("Business ended on"), widget=_date())
    counsel_end_date = forms.DateField(
        label=_("Counsel terminated on"),
        required=False,
        widget=_date(),
        help_text=_("Perennial counsel only; the business end date if empty."),
    )

    def __init__(self, *args: Any, domain: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if domain != Domain.COUNSEL:
            del self.fields["counsel_end_date"]
