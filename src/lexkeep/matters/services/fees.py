"""Fee receipts of a matter; they feed the client's tier (SPEC §2.1, §3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.core.audit import audit_log
from lexkeep.matters.models import FeeReceipt, Matter
from lexkeep.matters.services._common import raise_if, require_edit


def _recompute_tier(*, actor: User, matter: Matter) -> None:
    """Recompute the client's tier from the fees of the last 12 months.

    SPEC §2.1: the tier follows fees received in the last 12 months. The
    computation belongs to the client services (imported here, lazily, as
    they import matters).
    """
    try:
        from lexkeep.clients.services.tiers import client_tier_recompute
    except ImportError:  # pragma: no cover - the client services are optional
        return
    client_tier_recompute(client=matter.client, today=timezone.localdate(), actor=actor)


@transaction.atomic
def fee_receipt_record(
    *,
    actor: User,
    matter: Matter,
    amount: Decimal,
    received_on: date,
    note: str = "",
) -> FeeReceipt:
    """Record fees received on ``matter`` and recompute the client's tier.

    The amount is positive yuan with at most 2 decimal places; the date is
    not in the future. Fees may arrive after the matter is closed. The
    client's tier is recomputed at once (SPEC §2.1).
    """
    require_edit(actor, matter)
    errors: dict[str, list[str]] = {}
    try:
        value = Decimal(str(amount))
        if not value.is_finite() or value <= 0:
            errors["amount"] = [_("The amount must be more than zero.")]
    except (InvalidOperation, ValueError):
        errors["amount"] = [_("The amount must be a number of yuan.")]
        value = Decimal("0")
    if received_on > timezone.localdate():
        errors["received_on"] = [_("Fees cannot be received in the future.")]
    raise_if(errors)
    receipt = FeeReceipt(
        matter=matter,
        amount=value,
        received_on=received_on,
        note=note or "",
        recorded_by=actor,
    )
    receipt.full_clean()
    receipt.save()
    audit_log(
        action="matter.fee_recorded",
        actor=actor,
        object_type="matter",
        object_id=matter.pk,
        detail={"receipt": receipt.pk, "amount": str(receipt.amount)},
    )
    _recompute_tier(actor=actor, matter=matter)
    return receipt
