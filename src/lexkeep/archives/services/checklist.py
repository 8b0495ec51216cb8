"""The required-materials checklist per business domain (SPEC §7.1).

Every volume needs: identity documents; the engagement contract; the power
of attorney; the risk notice signed by the client; the legal documents of
the matter; communication records; fee vouchers. The list is data, seeded
with these defaults per domain on first use; the director may adjust it —
add, change, reorder, take off and put back items — through
``checklist_set``, the one write path of the API and the pages alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
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


def _seed(domain: str) -> None:
    """Write the standard's checklist of ``domain`` unless it has one already."""
    if RequiredMaterial.objects.filter(domain=domain).exists():
        return
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


def _item(row: RequiredMaterial) -> ChecklistItem:
    return ChecklistItem(row.key, row.label, tuple(row.material_types))


def checklist_for(domain: str) -> list[ChecklistItem]:
    """Return the firm's checklist for ``domain``, seeding the defaults once."""
    rows = list(RequiredMaterial.objects.filter(domain=domain))
    if not rows:
        _seed(domain)
        rows = list(RequiredMaterial.objects.filter(domain=domain))
    return [
        _item(r) for r in sorted(rows, key=lambda r: (r.position, r.pk)) if r.active
    ]


def may_edit_checklist(user: User) -> bool:
    """Only the director adjusts the required materials (SPEC §7.1)."""
    return user.is_active and user.has_role(Role.DIRECTOR)


def _require_director(actor: User) -> None:
    require(
        may_edit_checklist(actor),
        _("Only the director may change the required materials."),
    )


def checklist_rows(*, actor: User, domain: str) -> list[RequiredMaterial]:
    """Return every item of ``domain``, required ones first (the director only).

    Items taken off the list follow, so that the director may put them back.
    """
    _require_director(actor)
    _seed(domain)
    return list(
        RequiredMaterial.objects.filter(domain=domain).order_by(
            "-active", "position", "pk"
        )
    )


def checklist_row(*, actor: User, pk: int) -> RequiredMaterial:
    """Return checklist item ``pk`` (the director only; DoesNotExist → 404)."""
    _require_director(actor)
    return RequiredMaterial.objects.get(pk=pk)


@transaction.atomic
def checklist_set(
    *, actor: User, domain: str, items: list[ChecklistItem]
) -> list[ChecklistItem]:
    """Make ``items`` the checklist of ``domain`` (the director only, SPEC §7.1).

    The given items become the required ones, in this order; an item left
    out is kept inactive, and giving its key again makes it required again.
    One audit entry names what was added, changed and taken off.
    """
    _require_director(actor)
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
    _seed(domain)
    existing = {
        r.key: r
        for r in RequiredMaterial.objects.select_for_update().filter(domain=domain)
    }
    before = {k: r for k, r in existing.items() if r.active}
    added, changed = [], []
    for position, item in enumerate(items):
        row = existing.get(item.key) or RequiredMaterial(domain=domain, key=item.key)
        old = before.get(item.key)
        if old is None:
            added.append(item.key)
        elif old.label != item.label.strip() or list(old.material_types) != list(
            item.material_types
        ):
            changed.append(item.key)
        row.label = item.label.strip()
        row.material_types = list(item.material_types)
        row.position = position
        row.active = True
        try:
            row.full_clean(validate_unique=False)
        except ValidationError as exc:
            raise ValidationError(
                {f"items[{position}].{k}": v for k, v in exc.message_dict.items()}
            ) from None
        row.save()
    removed = [k for k in before if k not in keys]
    RequiredMaterial.objects.filter(domain=domain, key__in=removed).update(active=False)
    audit_log(
        action="archive.checklist_changed",
        actor=actor,
        object_type="checklist",
        object_id=domain,
        detail={"keys": keys, "added": added, "changed": changed, "removed": removed},
    )
    return checklist_for(domain)


def _index(row: RequiredMaterial, items: list[ChecklistItem]) -> int:
    """Return where ``row`` stands among ``items``; only required items qualify."""
    keys = [i.key for i in items]
    if row.key not in keys:
        raise ValidationError(_("This item is not on the required list."))
    return keys.index(row.key)


def _locked(domain: str) -> list[ChecklistItem]:
    """Return ``domain``'s checklist with its rows locked until the transaction
    ends, so two directors' edits apply one after the other."""
    _seed(domain)
    list(
        RequiredMaterial.objects.select_for_update()
        .filter(domain=domain)
        .values_list("pk", flat=True)
    )
    return checklist_for(domain)


def _free_key(domain: str) -> str:
    """Return an unused key for a new item of ``domain`` (item_1, item_2 …)."""
    taken = set(
        RequiredMaterial.objects.filter(domain=domain).values_list("key", flat=True)
    )
    n = 1
    while f"item_{n}" in taken:
        n += 1
    return f"item_{n}"


@transaction.atomic
def checklist_item_add(
    *, actor: User, domain: str, label: str, material_types: list[str]
) -> list[ChecklistItem]:
    """Add a required item at the end of ``domain``'s checklist (the director)."""
    _require_director(actor)
    items = _locked(domain)
    item = ChecklistItem(_free_key(domain), label, tuple(material_types))
    return checklist_set(actor=actor, domain=domain, items=[*items, item])


@transaction.atomic
def checklist_item_update(
    *, actor: User, row: RequiredMaterial, label: str, material_types: list[str]
) -> list[ChecklistItem]:
    """Change the label and the satisfying types of a required item."""
    _require_director(actor)
    items = _locked(row.domain)
    items[_index(row, items)] = ChecklistItem(row.key, label, tuple(material_types))
    return checklist_set(actor=actor, domain=row.domain, items=items)


@transaction.atomic
def checklist_item_deactivate(
    *, actor: User, row: RequiredMaterial
) -> list[ChecklistItem]:
    """Take an item off the required list; it is kept and may be put back."""
    _require_director(actor)
    items = _locked(row.domain)
    del items[_index(row, items)]
    return checklist_set(actor=actor, domain=row.domain, items=items)


@transaction.atomic
def checklist_item_restore(
    *, actor: User, row: RequiredMaterial
) -> list[ChecklistItem]:
    """Put an inactive item back at the end of the required list."""
    _require_director(actor)
    items = [i for i in _locked(row.domain) if i.key != row.key]
    return checklist_set(actor=actor, domain=row.domain, items=[*items, _item(row)])


@transaction.atomic
def checklist_item_move(
    *, actor: User, row: RequiredMaterial, up: bool
) -> list[ChecklistItem]:
    """Move a required item one place up or down the list."""
    _require_director(actor)
    items = _locked(row.domain)
    index = _index(row, items)
    target = index - 1 if up else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return checklist_set(actor=actor, domain=row.domain, items=items)


def missing_items(archive: Archive) -> list[ChecklistItem]:
    """Return the checklist items no material of ``archive`` satisfies."""
    present = set(archive.materials.values_list("material_type", flat=True))
    return [
        item
        for item in checklist_for(archive.matter.domain)
        if not present.intersection(item.material_types)
    ]
