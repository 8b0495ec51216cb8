"""Forms of the client pages: they parse input; the services decide (SPEC §2, §6).

Every rule (required fields per type, check digits, consent before sensitive
data, tier and team rules) lives in :mod:`lexkeep.clients.services`; a
service's ``ValidationError`` is shown on the field it names through
:class:`lexkeep.web.forms.ServiceErrorsMixin`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lexkeep.accounts.models import Role, User
from lexkeep.accounts.selectors import users_with_roles
from lexkeep.clients.choices import (
    SUB_DOMAINS,
    Channel,
    ClientType,
    Domain,
    EnterpriseKind,
    Gender,
    ServiceFocus,
    SubDomain,
    Tier,
)
from lexkeep.clients.models import ClientReview, ClientUpdate, Consent
from lexkeep.web.forms import BaseForm, choice_filter, search_field

#: Largest signed document accepted through a form (a scanned consent).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = ".pdf,.jpg,.jpeg,.png,.tif,.tiff"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_choices(*roles: str) -> QuerySet[User]:
    """Return the active users holding one of ``roles``, for a picker."""
    return users_with_roles(*roles).order_by("username")


def lawyers() -> QuerySet[User]:
    """Return the active lawyers and partners (owners, teams, handling lawyers)."""
    return staff_choices(Role.LAWYER, Role.PARTNER, Role.DIRECTOR)


class UserChoiceField(forms.ModelChoiceField):
    """A user picker showing the full name and the username."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} · {obj.username}"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple user picker showing the full name and the username."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} · {obj.username}"


def domain_choices() -> list[tuple[str, str]]:
    """Return ``domain:sub_domain`` choices in the order of SPEC §2.1."""
    sub_labels = dict(SubDomain.choices)
    choices: list[tuple[str, str]] = []
    for domain, label in Domain.choices:
        subs = SUB_DOMAINS[domain]
        if not subs:
            choices.append((f"{domain}:", str(label)))
        for sub in subs:
            choices.append((f"{domain}:{sub}", f"{label} · {sub_labels[sub]}"))
    return choices


def domains_from(values: Iterable[str]) -> list[tuple[str, str]]:
    """Return ``(domain, sub_domain)`` pairs of the picked ``domain:sub`` values."""
    pairs = []
    for value in values:
        domain, _sep, sub = value.partition(":")
        pairs.append((domain, sub))
    return pairs


def domain_values(client: Any) -> list[str]:
    """Return the ``domain:sub`` values of ``client``'s domains."""
    return [f"{d.domain}:{d.sub_domain}" for d in client.domains.all()]


# --------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------


class ClientFilterForm(BaseForm):
    """The filters of the client list; every field is optional."""

    q = search_field(_("Name, credit code or case number"))
    client_type = choice_filter(_("Type"), _("All types"), ClientType.choices)
    domain = choice_filter(_("Business domain"), _("All domains"), Domain.choices)
    tier = choice_filter(_("Tier"), _("All tiers"), Tier.choices)
    owner = UserChoiceField(
        label=_("Relationship owner"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
    )
    review = forms.ChoiceField(
        label=_("Quarterly review"),
        required=False,
        choices=[
            ("", _("Any status")),
            ("current", _("Confirmed this quarter")),
            ("due", _("Due this quarter")),
            ("overdue", _("Overdue")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = lawyers()  # type: ignore[attr-defined]


# --------------------------------------------------------------------------
# Register and edit
# --------------------------------------------------------------------------

#: Fields shown only for individuals / only for organisations (for the JS).
INDIVIDUAL_FIELDS = ("gender", "id_number", "address")
ORGANISATION_FIELDS = ("credit_code", "legal_representative", "registered_address")
ENTERPRISE_FIELDS = ("enterprise_kind",)
CONSENT_FIELDS = (
    "consent_purpose",
    "consent_scope",
    "consent_use",
    "consent_signed_on",
    "consent_document",
)


class ClientForm(BaseForm):
    """Register or edit a client (SPEC §2.1, §2.3).

    Type-specific fields carry ``data-for`` so a small script can hide
    those of the other types; without the script every field shows and the
    service refuses what does not belong to the type.
    """

    client_type = forms.ChoiceField(
        label=_("Client type"),
        choices=ClientType.choices,
        widget=forms.RadioSelect,
        initial=ClientType.INDIVIDUAL,
    )
    enterprise_kind = forms.ChoiceField(
        label=_("Enterprise kind"),
        required=False,
        choices=[("", "—"), *EnterpriseKind.choices],
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", "—"), *Gender.choices]
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=32,
        required=False,
        help_text=_(
            "18 characters; checked with its check digit (GB 11643). Stored "
            "encrypted, and only with the client's separate written consent."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=32,
        required=False,
        help_text=_("18 characters with a check character (GB 32100)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=100, required=False
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("An 11-digit mobile number or a landline with its area code."),
    )
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    registered_address = forms.CharField(
        label=_("Registered address"), max_length=300, required=False
    )
    bank_account = forms.CharField(
        label=_("Bank account"),
        max_length=40,
        required=False,
        help_text=_("Sensitive: stored encrypted, only with a separate consent."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    domains = forms.MultipleChoiceField(
        label=_("Business domains"),
        required=False,
        choices=domain_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"),
        required=False,
        choices=[("", "—"), *Channel.choices],
    )
    service_focus = forms.ChoiceField(
        label=_("Service focus"),
        required=False,
        choices=[("", "—"), *ServiceFocus.choices],
    )
    news_opt_out = forms.BooleanField(
        label=_("Does not want firm news"), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = UserChoiceField(
        label=_("Relationship owner"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Me (if I am a lawyer)"),
    )
    # The separate written consent for sensitive information (SPEC §6).
    consent_purpose = forms.CharField(
        label=_("Purpose the client was told"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent_scope = forms.CharField(
        label=_("Scope of the information"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent_use = forms.CharField(
        label=_("How it will be used"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent_signed_on = forms.DateField(
        label=_("Signed on"), required=False, widget=_date_input()
    )
    consent_document = forms.FileField(
        label=_("Signed consent document"),
        required=False,
        help_text=_("PDF or image of the signed form; stored encrypted."),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )

    def __init__(
        self,
        *args: Any,
        editing: bool = False,
        may_choose_owner: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if may_choose_owner and not editing:
            self.fields["owner"].queryset = lawyers()  # type: ignore[attr-defined]
        else:
            del self.fields["owner"]
        if editing:
            for name in CONSENT_FIELDS:
                del self.fields[name]
            self.fields["id_number"].help_text = _(
                "Leave empty to keep the number on record. A new number needs "
                "the client's separate consent on record (Consents tab)."
            )
            self.fields["bank_account"].help_text = _(
                "Leave empty to keep the account on record."
            )
        for name in INDIVIDUAL_FIELDS:
            self.fields[name].widget.attrs["data-for"] = "individual"
        for name in ORGANISATION_FIELDS:
            self.fields[name].widget.attrs["data-for"] = "enterprise government"
        self.fields["enterprise_kind"].widget.attrs["data-for"] = "enterprise"

    def clean_consent_document(self) -> Any:
        document = self.cleaned_data.get("consent_document")
        if document and document.size > MAX_DOCUMENT_BYTES:
            raise ValidationError(_("The document is larger than 20 MB."))
        return document

    def client_data(self) -> dict[str, Any]:
        """Return the client fields for ``client_create`` / ``client_update``."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data.get(name) or ""
            for name in (
                "name",
                "client_type",
                "enterprise_kind",
                "gender",
                "id_number",
                "bank_account",
                "phone",
                "email",
                "address",
                "credit_code",
                "legal_representative",
                "registered_address",
                "preferred_channel",
                "service_focus",
                "notes",
            )
        }
        values["news_opt_out"] = bool(data.get("news_opt_out"))
        values["domains"] = domains_from(data.get("domains") or [])
        # Fields of the other type are hidden in the browser; drop them so a
        # switch of type does not carry stale values.
        client_type = values["client_type"]
        hidden: tuple[str, ...] = ()
        if client_type == ClientType.INDIVIDUAL:
            hidden = (*ORGANISATION_FIELDS, *ENTERPRISE_FIELDS)
        elif client_type == ClientType.ENTERPRISE:
            hidden = ("gender", "id_number", "address")
        else:
            hidden = ("gender", "id_number", "address", *ENTERPRISE_FIELDS)
        for name in hidden:
            values[name] = ""
        return values

    def service_error_field(self, key: str) -> str | None:
        """Show the consent service's errors on this form's ``consent_`` fields."""
        target = super().service_error_field(key)
        if target not in self.fields and f"consent_{key}" in self.fields:
            return f"consent_{key}"
        return target

    def has_consent(self) -> bool:
        """Return True if any field of the consent section was filled in."""
        return any(self.cleaned_data.get(name) for name in CONSENT_FIELDS)


# --------------------------------------------------------------------------
# Records on the client page
# --------------------------------------------------------------------------


class ConsentForm(BaseForm):
    """Record a consent (SPEC §6): what the client was told, and the signed form."""

    error_aliases = {"document_name": "document"}

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Consent.Kind.choices,
        initial=Consent.Kind.SENSITIVE,
    )
    purpose = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    scope = forms.CharField(
        label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    use = forms.CharField(
        label=_("Use"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=_date_input())
    document = forms.FileField(
        label=_("Signed document"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )

    def clean_document(self) -> Any:
        document = self.cleaned_data.get("document")
        if document and document.size > MAX_DOCUMENT_BYTES:
            raise ValidationError(_("The document is larger than 20 MB."))
        return document


class WithdrawForm(BaseForm):
    """Record the withdrawal of a consent (PIPL Art. 15)."""

    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=_date_input())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReviewForm(BaseForm):
    """Record the quarterly confirmation of a client's information (SPEC §2.4)."""

    reviewed_on = forms.DateField(label=_("Confirmed on"), widget=_date_input())
    method = forms.ChoiceField(label=_("By"), choices=ClientReview.Method.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class UpdateRecordForm(BaseForm):
    """Record a major change within 2 working days (SPEC §2.4)."""

    kind = forms.ChoiceField(label=_("What changed"), choices=ClientUpdate.Kind.choices)
    occurred_on = forms.DateField(label=_("Happened on"), widget=_date_input())
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    matter = forms.ChoiceField(label=_("Matter"), required=False, choices=[])

    def __init__(self, *args: Any, matters: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matters = {str(m.pk): m for m in matters}
        self.fields["matter"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((pk, m.name) for pk, m in self.matters.items()),
        ]

    def matter_object(self) -> Any:
        """Return the picked matter, or None."""
        return self.matters.get(self.cleaned_data.get("matter") or "")


class TierOverrideForm(BaseForm):
    """A partner sets the tier by hand, with a written reason (SPEC §2.1)."""

    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example brand impact or potential."),
    )


class TeamForm(BaseForm):
    """Assign the relationship owner and the dedicated team (SPEC §2.2)."""

    owner = UserChoiceField(
        label=_("Relationship owner"),
        required=False,
        queryset=User.objects.none(),
        empty_label="—",
    )
    team = UserMultipleChoiceField(
        label=_("Dedicated team"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = lawyers()  # type: ignore[attr-defined]
        self.fields["team"].queryset = lawyers()  # type: ignore[attr-defined]


# --------------------------------------------------------------------------
# Conflict checks
# --------------------------------------------------------------------------


class ConflictCheckForm(BaseForm):
    """The prospective client and up to five other parties to search."""

    PARTY_ROWS = 5

    name = forms.CharField(label=_("Prospective client"), required=False)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), required=False, max_length=32
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        required=False,
        max_length=32,
        help_text=_("Matched through its keyed hash only; never stored."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = [("counterparty", _("Counterparty")), ("related", _("Related party"))]
        for i in range(self.PARTY_ROWS):
            self.fields[f"party_{i}_role"] = forms.ChoiceField(
                label=_("Role"), choices=roles, required=False
            )
            self.fields[f"party_{i}_name"] = forms.CharField(
                label=_("Name"), required=False
            )
            self.fields[f"party_{i}_credit_code"] = forms.CharField(
                label=_("Credit code"), required=False, max_length=32
            )
            self.fields[f"party_{i}_id_number"] = forms.CharField(
                label=_("ID number"),
                required=False,
                max_length=32,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )
        self.row_map: list[int] = []

    def party_rows(self) -> list[dict[str, forms.BoundField]]:
        """Return the bound fields of each party row, for the template."""
        return [
            {
                part: self[f"party_{i}_{part}"]
                for part in ("role", "name", "credit_code", "id_number")
            }
            for i in range(self.PARTY_ROWS)
        ]

    def parties(self) -> list[dict[str, str]]:
        """Return the filled-in party rows, remembering their row numbers."""
        parties = []
        self.row_map = []
        for i in range(self.PARTY_ROWS):
            row = {
                part: (self.cleaned_data.get(f"party_{i}_{part}") or "").strip()
                for part in ("role", "name", "credit_code", "id_number")
            }
            if row["name"] or row["credit_code"] or row["id_number"]:
                parties.append(row)
                self.row_map.append(i)
        return parties

    def service_error_field(self, key: str) -> str | None:
        """Show ``parties[n].field`` errors on the row the user filled in."""
        if not key.startswith("parties["):
            return super().service_error_field(key)
        index_text, _sep, part = key[len("parties[") :].partition("].")
        try:
            row = self.row_map[int(index_text)]
        except (ValueError, IndexError):
            return None
        return f"party_{row}_{part or 'name'}"


class DecisionForm(BaseForm):
    """Decide a conflict check: clear, waive with a consent document, or decline."""

    error_aliases = {"waiver_document_name": "waiver_document"}

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("clear", _("Clear — no conflict")),
            ("waived", _("Waive — the client gave informed consent")),
            ("declined", _("Decline the engagement")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required to clear a check with hits: say why they do not conflict."
        ),
    )
    waiver_document = forms.FileField(
        label=_("Client's informed-consent document"),
        required=False,
        help_text=_("Required to waive a conflict."),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )

    def clean_waiver_document(self) -> Any:
        document = self.cleaned_data.get("waiver_document")
        if document and document.size > MAX_DOCUMENT_BYTES:
            raise ValidationError(_("The document is larger than 20 MB."))
        return document
