"""Forms of the archive pages; the services decide every rule (SPEC §7.1–§7.2).

The forms only parse what the user typed; a service's ``ValidationError``
is put back on the field it names (``service_error_field``), so a refused
scan, a missing required item or a wrong cabinet shows next to its input.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lexkeep.accounts.models import User
from lexkeep.archives.choices import (
    TYPE_CATEGORY,
    ArchiveClass,
    ArchiveStatus,
    Category,
    MaterialType,
)
from lexkeep.archives.models import Cabinet
from lexkeep.archives.services import REVIEW_CHECKLIST, ChecklistItem
from lexkeep.clients.choices import Tier
from lexkeep.clients.forms import UserChoiceField, lawyers
from lexkeep.web.forms import BaseForm, choice_filter, search_field


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


#: What each reviewer's checklist answer confirms (SPEC §7.1 review).
REVIEW_LABELS: dict[str, Any] = {
    "complete": _("Complete: every required material is present"),
    "a4": _("Format: A4 pages"),
    "signed_sealed": _("Format: signatures and seals where needed"),
    "authentic": _("Authentic: nothing forged or altered"),
    "clear": _("Clear: scans readable, not blurred or skewed"),
    "standard": _("Standard: firm templates, signed and sealed"),
}


class CabinetChoiceField(forms.ModelChoiceField):
    """A cabinet picker showing code, room and how full it is."""

    def label_from_instance(self, obj: Any) -> str:
        filed = getattr(obj, "filed", None)
        if filed is None:
            return f"{obj.code} · {obj.room}"
        return f"{obj.code} · {obj.room} · {filed}/{obj.capacity}"


class ArchiveFilterForm(BaseForm):
    """The filters of the archive list (SPEC §7 finding things)."""

    q = search_field(_("Archive number, client, matter or text"))
    archive_class = choice_filter(
        _("Archive class"), _("All classes"), ArchiveClass.choices
    )
    tier = choice_filter(_("Client tier"), _("All tiers"), Tier.choices)
    status = choice_filter(_("State"), _("Any state"), ArchiveStatus.choices)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1990,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": _("Any year")}),
    )
    lawyer = UserChoiceField(
        label=_("Lawyer"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
    )
    cabinet = CabinetChoiceField(
        label=_("Cabinet"),
        required=False,
        queryset=Cabinet.objects.none(),
        empty_label=_("Any cabinet"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = lawyers()  # type: ignore[attr-defined]
        self.fields["cabinet"].queryset = Cabinet.objects.order_by(  # type: ignore[attr-defined]
            "archive_class", "tier", "code"
        )


def _type_choices() -> list[tuple[str, Any]]:
    """Return the material types grouped by category, in binding order."""
    groups: list[tuple[str, Any]] = [("", "—")]
    for category in Category:
        types = [
            (value, label)
            for value, label in MaterialType.choices
            if TYPE_CATEGORY.get(value) == category
        ]
        groups.append((str(category.label), types))
    groups.append(
        (str(_("Any category")), [(MaterialType.OTHER, MaterialType.OTHER.label)])
    )
    return groups


class MaterialForm(BaseForm):
    """Add a material to a volume, optionally with its scan (SPEC §7.1, §7.2)."""

    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *Category.choices]
    )
    material_type = forms.ChoiceField(label=_("Type"), choices=[])
    title = forms.CharField(label=_("Title"), max_length=200)
    material_date = forms.DateField(label=_("Date"), required=False, widget=_date())
    page_count = forms.IntegerField(
        label=_("Pages"),
        required=False,
        min_value=1,
        help_text=_("Read from the scan when a file is attached."),
    )
    remarks = forms.CharField(label=_("Remarks"), required=False, max_length=300)
    file = forms.FileField(
        label=_("Scan (PDF, PNG, JPEG or TIFF)"),
        required=False,
        help_text=_("At least 300 DPI; stored encrypted."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material_type"].choices = _type_choices()  # type: ignore[attr-defined]


class SubmitForm(BaseForm):
    """Submit a volume; one reason field per missing required item (SPEC §7.1)."""

    def __init__(
        self, *args: Any, missing: list[ChecklistItem] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.missing = missing or []
        aliases: dict[str, str] = {}
        for item in self.missing:
            name = f"reason_{item.key}"
            self.fields[name] = forms.CharField(
                label=_(item.label),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"placeholder": _("Why is it missing?")}),
            )
            aliases[f"missing_reasons.{item.key}"] = name
        self.error_aliases = aliases

    def reasons(self) -> dict[str, str]:
        """Return the reasons typed, keyed by checklist item."""
        return {
            item.key: self.cleaned_data.get(f"reason_{item.key}", "")
            for item in self.missing
        }


class ReviewForm(BaseForm):
    """The reviewer's checklist and decision (SPEC §7.1 review)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve and sign")),
            ("return", _("Return for correction")),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons for return"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: what must be corrected."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        aliases: dict[str, str] = {}
        checks: dict[str, forms.Field] = {}
        for key in REVIEW_CHECKLIST:
            checks[f"check_{key}"] = forms.BooleanField(
                label=REVIEW_LABELS.get(key, key), required=False
            )
            aliases[f"checklist.{key}"] = f"check_{key}"
        # The checklist first, then the decision.
        self.fields = {**checks, **self.fields}  # type: ignore[assignment]
        self.error_aliases = aliases

    def checklist(self) -> dict[str, bool]:
        """Return the checklist answers, keyed as the service expects."""
        return {
            key: bool(self.cleaned_data.get(f"check_{key}")) for key in REVIEW_CHECKLIST
        }

    def check_fields(self) -> list[forms.BoundField]:
        return [self[f"check_{key}"] for key in REVIEW_CHECKLIST]

    def decision_fields(self) -> list[forms.BoundField]:
        return [self["decision"], self["reasons"]]


class FilingForm(BaseForm):
    """File an approved volume: cabinet, shelf and box (SPEC §7.2)."""

    cabinet = CabinetChoiceField(
        label=_("Cabinet"), queryset=Cabinet.objects.none(), empty_label="—"
    )
    shelf = forms.IntegerField(label=_("Shelf"), min_value=1)
    box = forms.IntegerField(label=_("Box"), min_value=1)

    def __init__(self, *args: Any, cabinets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cabinets is not None:
            self.fields["cabinet"].queryset = cabinets  # type: ignore[attr-defined]


class CabinetForm(BaseForm):
    """Create a cabinet of one class, labelled by tier (SPEC §7.2)."""

    code = forms.CharField(label=_("Code"), max_length=32)
    archive_class = forms.ChoiceField(
        label=_("Archive class"), choices=ArchiveClass.choices
    )
    tier = forms.ChoiceField(label=_("Tier label"), choices=Tier.choices)
    room = forms.CharField(label=_("Room or location"), max_length=100)
    shelves = forms.IntegerField(label=_("Shelves"), initial=5)
    boxes_per_shelf = forms.IntegerField(label=_("Boxes per shelf"), initial=10)
    capacity = forms.IntegerField(label=_("Capacity (volumes)"), initial=100)


class SyncDoneForm(BaseForm):
    """Close a copy-sync task with a note."""

    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ChecklistItemForm(BaseForm):
    """A required item of a domain's checklist: its label and what satisfies it.

    The service checks the rules again (SPEC §7.1); its errors name the item
    by position (``items[3].label``) and are shown on this form's fields.
    """

    label = forms.CharField(label=_("Required material"), max_length=100)
    material_types = forms.MultipleChoiceField(
        label=_("Satisfied by any of these material types"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose one or more material types.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every type, grouped by category, without the select's empty choice.
        self.fields["material_types"].choices = _type_choices()[1:]  # type: ignore[attr-defined]

    def service_error_field(self, key: str) -> str | None:
        """Show the service's per-item errors (``items[3].label``) on this form."""
        return super().service_error_field(re.sub(r"^items\[\d+\]\.", "", key))
