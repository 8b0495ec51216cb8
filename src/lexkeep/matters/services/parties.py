"""Counterparties, related parties and hearings of a matter (SPEC §3)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lexkeep.accounts.models import User
from lexkeep.clients.models import Client
from lexkeep.clients.normalize import normalize_name
from lexkeep.clients.validators import validate_credit_code, validate_resident_id
from lexkeep.core.audit import audit_log
from lexkeep.core.fields import blind_index_for
from lexkeep.matters.models import Hearing, Matter, MatterParty
from lexkeep.matters.services._common import raise_if, require_edit


def party_id_index(id_number: str) -> str:
    """Return the blind index of a valid resident ID number, or raise.

    Party ID numbers are matched with clients' (same index purpose) and
    never stored (PIPL minimum; SPEC §6); the number is checked first
    (GB 11643, SPEC §2.3).
    """
    try:
        number = validate_resident_id(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    return blind_index_for(Client, "id_number", number)


def credit_code_clean(credit_code: str) -> str:
    """Return a valid unified social credit code (GB 32100), or raise."""
    try:
        return validate_credit_code(credit_code)
    except ValidationError as exc:
        raise ValidationError({"credit_code": exc.messages}) from exc


def party_build(
    *,
    matter: Matter,
    role: str,
    name: str,
    credit_code: str = "",
    id_number: str = "",
    note: str = "",
) -> MatterParty:
    """Return a validated, unsaved party of ``matter``.

    The name is required; a credit code and an ID number are optional and
    checked; the ID number is kept only as its blind index.
    """
    errors: dict[str, list[str]] = {}
    party = MatterParty(
        matter=matter,
        role=role,
        name=(name or "").strip(),
        name_normalized=normalize_name(name or ""),
        note=note or "",
    )
    if credit_code and credit_code.strip():
        try:
            party.credit_code = credit_code_clean(credit_code)
        except ValidationError as exc:
            errors |= exc.message_dict
    if id_number and id_number.strip():
        try:
            party.id_number_index = party_id_index(id_number)
        except ValidationError as exc:
            errors |= exc.message_dict
    try:
        party.full_clean(exclude=["matter", *errors])
    except ValidationError as exc:
        errors |= exc.message_dict
    raise_if(errors)
    return party


@transaction.atomic
def matter_party_add(
    *,
    actor: User,
    matter: Matter,
    role: str,
    name: str,
    credit_code: str = "",
    id_number: str = "",
    note: str = "",
) -> MatterParty:
    """Add a counterparty or related party to ``matter`` (SPEC §3).

    Parties are searched by later conflict checks (SPEC §2.4).
    """
    require_edit(actor, matter)
    party = party_build(
        matter=matter,
        role=role,
        name=name,
        credit_code=credit_code,
        id_number=id_number,
        note=note,
    )
    party.save()
    audit_log(
        action="matter.party_added",
        actor=actor,
        object_type="matter",
        object_id=matter.pk,
        detail={"party": party.pk, "role": role},
    )
    return party


@transaction.atomic
def matter_party_remove(*, actor: User, party: MatterParty) -> None:
    """Remove a party recorded on a matter by mistake."""
    require_edit(actor, party.matter)
    matter_id, party_id = party.matter_id, party.pk
    party.delete()
    audit_log(
        action="matter.party_removed",
        actor=actor,
        object_type="matter",
        object_id=matter_id,
        detail={"party": party_id},
    )


@transaction.atomic
def matter_hearing_add(
    *,
    actor: User,
    matter: Matter,
    scheduled_at: datetime,
    location: str = "",
    note: str = "",
) -> Hearing:
    """Record a hearing of ``matter``; a matter may have several (SPEC §3)."""
    require_edit(actor, matter)
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    hearing = Hearing(
        matter=matter, scheduled_at=scheduled_at, location=location, note=note
    )
    hearing.full_clean()
    hearing.save()
    audit_log(
        action="matter.hearing_added",
        actor=actor,
        object_type="matter",
        object_id=matter.pk,
        detail={"hearing": hearing.pk},
    )
    return hearing


@transaction.atomic
def matter_hearing_remove(*, actor: User, hearing: Hearing) -> None:
    """Remove a hearing (cancelled or entered by mistake)."""
    require_edit(actor, hearing.matter)
    matter_id, hearing_id = hearing.matter_id, hearing.pk
    hearing.delete()
    audit_log(
        action="matter.hearing_removed",
        actor=actor,
        object_type="matter",
        object_id=matter_id,
        detail={"hearing": hearing_id},
    )
