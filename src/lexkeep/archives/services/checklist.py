"""The required-materials checklist per business domain (SPEC §7.1).

Every volume needs: identity documents; the engagement contract; the power
of attorney; the risk notice signed by the client; the legal documents of
the matter; communication records; fee vouchers. The list is data, seeded
with these defaults per domain on first use; the director may adjust it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lexkeep.accounts.models import Role, User
from lexkeep.archives.choices import MaterialType as T
from lexkeep.archives.models import Archive, RequiredMaterial
from lexkeep.archives.services._common import raise_if, require
from lexkeep.clients.choices import Domain
from lexkeep.core.audit import audit_log

_LEGAL_DOCS: dict[str, list[str]] = {
    Domain.LITIGATION: [
        T.PLEADING,
        T.JUDGMENT,
        T.RULING,
        T.MEDIATION_DOCUMENT,
        T.ARBITRAL_AWARD,
        T.REPRESENTATION_STATEMENT,
        T.DEFENCE_STATEMENT,
    ],
    Domain.NON_LITIGATION: [T.LEGAL_OPINION, T.ARBITRAL_AWARD, T.RULING],
    Domain.COUNSEL: [T.LEGAL_OPINION],
}


@dataclass(frozen=True)
class ChecklistItem:
    """One required item: its key, label and the types that satisfy it."""

    key: str
    label: str
    material_types: tuple[str, ...]


def default_checklist(domain: str) -> list[ChecklistItem]:
    """Return the standard's checklist for ``domain`` (SPEC §7.1)."""
    return [
        ChecklistItem(
            "identity",
            gettext_noop("Identity documents"),
            (T.ID_COPY, T.BUSINESS_LICENCE, T.LEGAL_REP_CERTIFICATE),
        ),
        ChecklistItem(
            "engagement_contract",
            gettext_noop("Engagement contract"),
            (T.ENGAGEMENT_CONTRACT,),
        ),
        ChecklistItem(
            "power_of_attorney",
            gettext_noop("Power of attorney"),
            (T.POWER_OF_ATTORNEY,),
        ),
        ChecklistItem(
            "risk_notice",
            gettext_noop("Risk notice signed by the client"),
            (T.RISK_NOTICE,),
        ),
        ChecklistItem(
            "legal_documents",
            gettext_noop("Legal documents of the matter"),
            tuple(_LEGAL_DOCS[domain]),
        ),
        ChecklistItem(
            "communication",
            gettext_noop("Communication records"),
            (T.MINUTES, T.CALL_RECORD, T.EMAIL, T.CHAT_SCREENSHOT),
        ),
        ChecklistItem(
            "fee_vouchers",
            gettext_noop("Fee vouchers"),
            (T.INVOICE, T.PAYMENT_VOUCHER, T.FEE_LIST),
        ),
    ]


def checklist_for(domain: str) -> list[ChecklistItem]:
    """Return the firm's checklist for ``domain``, seeding the defaults once."""
    rows = list(RequiredMaterial.objects.filter(domain=domain))
    if not rows:
        with transaction.atomic():
            for position, item in enumerate(default_checklist(domain)):
                RequiredMaterial.objects.get_or_create(
                    domain=domain,
                    key=item.key,
                    defaults={
                        "label": item.label,
                        "material_types": list(item.material_types),
                        "position": position,
                    },
                )
        rows = list(RequiredMaterial.objects.filter(domain=domain))
    return [
        ChecklistItem(r.key, r.label, tuple(r.material_types))
        for r in sorted(rows, key=lambda r: (r.position, r.pk))
    ]


@transaction.atomic
def checklist_set(
    *, actor: User, domain: str, items: list[ChecklistItem]
) -> list[ChecklistItem]:
    """Replace the checklist of ``domain`` (the director only, SPEC §7.1)."""
    require(
        actor.is_active and actor.has_role(Role.DIRECTOR),
        _("Only the director may change the required materials."),
    )
    errors: dict[str, list[str]] = {}
    if domain not in Domain.values:
        errors["domain"] = [_("Unknown domain.")]
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        errors["items"] = [_("Each item needs its own key.")]
    for index, item in enumerate(items):
        unknown = [t for t in item.material_types if t not in T.values]
        if not item.material_types or unknown:
            errors[f"items[{index}].material_types"] = [
                _("Name one or more known material types.")
            ]
        if not item.label.strip():
            errors[f"items[{index}].label"] = [_("This field cannot be blank.")]
    raise_if(errors)
    RequiredMaterial.objects.filter(domain=domain).delete()
    for position, item in enumerate(items):
        row = RequiredMaterial(
            domain=domain,
            key=item.key,
            label=item.label.strip(),
            material_types=list(item.material_types),
            position=position,
        )
        row.full_clean()
        row.save()
    audit_log(
        action="archive.checklist_changed",
        actor=actor,
        object_type="checklist",
        object_id=domain,
        detail={"keys": keys},
    )
    return checklist_for(domain)


def missing_items(archive: Archive) -> list[ChecklistItem]:
    """Return the checklist items no material of ``archive`` satisfies."""
    present = set(archive.materials.values_list("material_type", flat=True))
    return [
        item
        for item in checklist_for(archive.matter.domain)
        if not present.intersection(item.material_types)
    ]
