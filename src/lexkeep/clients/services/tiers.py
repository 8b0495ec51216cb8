"""Value tiers and service teams (SPEC §2.1, §2.2).

The tier is computed from the fees received in the last 12 months against
thresholds the director sets (defaults: strategic ≥ ¥1,000,000, key ≥
¥200,000; a sum exactly at a threshold reaches it). The window is
``(today − 12 months, today]``: a receipt dated exactly twelve months before
``today`` has left it, one dated ``today`` counts. A partner (or the
director) may override the computed tier with a written reason; an
overridden client is skipped by the computation until released. Every
change of tier is a ``TierChange`` row: old, new, source, reason, fees, who,
when.

Service teams (SPEC §2.2): a strategic client is owned by a partner with a
named dedicated team of lawyers; a key client by a senior lawyer (client
manager); an ordinary client by a staff lawyer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.fields import BooleanField
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from lexkeep.accounts.models import Role, RoleAssignment, Seniority, User
from lexkeep.clients.choices import Tier
from lexkeep.clients.models import Client, TierChange, TierPolicy
from lexkeep.core.audit import audit_log
from lexkeep.matters.models import FeeReceipt

CENTS = Decimal("0.01")
_BATCH = 500


def tier_policy_get() -> TierPolicy:
    """Return the firm's tier policy, creating it with the defaults once."""
    policy = TierPolicy.objects.order_by("pk").first()
    if policy is None:
        policy, _created = TierPolicy.objects.get_or_create(pk=1)
    return policy


@transaction.atomic
def tier_policy_update(
    *, actor: User, strategic_threshold: Decimal, key_threshold: Decimal
) -> TierPolicy:
    """Change the fee thresholds of the tiers (SPEC §2.1); director only.

    Both are positive amounts in yuan and the strategic threshold is above
    the key threshold. Clients are recomputed by the next run.
    """
    if not actor.has_perm("clients.change_tierpolicy"):
        raise PermissionDenied(_("Only the director may change the tier thresholds."))
    errors: dict[str, list[str]] = {}
    if key_threshold <= 0:
        errors["key_threshold"] = [_("The key threshold must be above zero.")]
    if strategic_threshold <= key_threshold:
        errors["strategic_threshold"] = [
            _("The strategic threshold must be above the key threshold.")
        ]
    if errors:
        raise ValidationError(errors)
    policy = tier_policy_get()
    previous = {
        "strategic_threshold": policy.strategic_threshold,
        "key_threshold": policy.key_threshold,
    }
    policy.strategic_threshold = strategic_threshold
    policy.key_threshold = key_threshold
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    audit_log(
        action="clients.tier_policy_updated",
        actor=actor,
        object_type="clients.tierpolicy",
        object_id=policy.pk,
        detail={
            "previous": previous,
            "strategic_threshold": strategic_threshold,
            "key_threshold": key_threshold,
        },
    )
    return policy


def window_start(today: dt.date) -> dt.date:
    """Return the exclusive start of the 12-month window ending ``today``."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def tier_for_fees(fees: Decimal, policy: TierPolicy) -> str:
    """Return the tier ``fees`` reach under ``policy`` (thresholds inclusive)."""
    if fees >= policy.strategic_threshold:
        return Tier.STRATEGIC
    if fees >= policy.key_threshold:
        return Tier.KEY
    return Tier.ORDINARY


def _receipts(today: dt.date) -> QuerySet[FeeReceipt]:
    return FeeReceipt.objects.filter(
        received_on__gt=window_start(today), received_on__lte=today
    )


def client_fees_last_12_months(client: Client, today: dt.date) -> Decimal:
    """Return the fees received for ``client``'s matters in the window."""
    total = (
        _receipts(today)
        .filter(matter__client=client)
        .aggregate(total=Sum("amount"))["total"]
    )
    return Decimal(total or 0).quantize(CENTS)


def _record_change(
    *,
    client: Client,
    old: str,
    source: str,
    actor: User | None,
    reason: str = "",
    fees: Decimal | None = None,
) -> TierChange:
    return TierChange.objects.create(
        client=client,
        old_tier=old,
        new_tier=client.tier,
        source=source,
        reason=reason,
        fees_last_12_months=fees,
        changed_by=actor,
    )


def _save_tier(client: Client, *, actor: User | None, reason: str) -> None:
    client._history_user = actor  # type: ignore[attr-defined]
    client._change_reason = reason  # type: ignore[attr-defined]
    client.full_clean(exclude=["name_normalized", "created_by", "owner"])
    client.save()


@transaction.atomic
def client_tier_recompute(
    *, client: Client, today: dt.date, actor: User | None = None
) -> Client:
    """Recompute ``client``'s tier from its fees (SPEC §2.1) and return it.

    A client whose tier a partner set by hand is left as it is.
    """
    if client.tier_overridden:
        return client
    fees = client_fees_last_12_months(client, today)
    new_tier = tier_for_fees(fees, tier_policy_get())
    if new_tier != client.tier:
        old = client.tier
        client.tier = new_tier
        _save_tier(client, actor=actor, reason="tier computed from fees")
        _record_change(
            client=client,
            old=old,
            source=TierChange.Source.COMPUTED,
            actor=actor,
            fees=fees,
        )
    return client


@transaction.atomic
def tier_recompute_all(*, today: dt.date) -> int:
    """Recompute the tier of every client not overridden; return the changes.

    Set-based: one aggregate query sums the window's receipts per client,
    one query reads the current tiers, and changed clients are written with
    bulk updates (history included) and one ``TierChange`` per change.
    """
    policy = tier_policy_get()
    fees_by_client = {
        row["matter__client"]: Decimal(row["total"] or 0).quantize(CENTS)
        for row in _receipts(today)
        .values("matter__client")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    changes: dict[int, tuple[str, str, Decimal]] = {}
    for pk, tier in (
        Client.objects.filter(tier_overridden=False)
        .values_list("pk", "tier")
        .iterator()
    ):
        fees = fees_by_client.get(pk, Decimal("0.00"))
        new_tier = tier_for_fees(fees, policy)
        if new_tier != tier:
            changes[pk] = (tier, new_tier, fees)
    pks = list(changes)
    now = timezone.now()
    for start in range(0, len(pks), _BATCH):
        batch = list(Client.objects.filter(pk__in=pks[start : start + _BATCH]))
        for client in batch:
            client.tier = changes[client.pk][1]
            client.updated_at = now
        bulk_update_with_history(
            batch,
            Client,
            ["tier", "updated_at"],
            default_change_reason="tier computed from fees",
            default_date=now,
        )
        TierChange.objects.bulk_create(
            TierChange(
                client=client,
                old_tier=changes[client.pk][0],
                new_tier=changes[client.pk][1],
                source=TierChange.Source.COMPUTED,
                fees_last_12_months=changes[client.pk][2],
            )
            for client in batch
        )
    if pks:
        audit_log(
            action="clients.tiers_recomputed",
            object_type="clients.client",
            detail={"on": today, "changed": len(pks)},
            actor_label="system",
        )
    return len(pks)


@transaction.atomic
def client_tier_override(
    *, actor: User, client: Client, tier: str, reason: str
) -> Client:
    """Set ``client``'s tier by hand (SPEC §2.1): a partner, with a written reason.

    Brand impact or potential can put a client above what its fees say; the
    reason is required and kept with the change.
    """
    if not actor.has_perm("clients.override_tier"):
        raise PermissionDenied(_("Only a partner or the director may set a tier."))
    errors: dict[str, list[str]] = {}
    if tier not in Tier.values:
        errors["tier"] = [_("Choose strategic, key or ordinary.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for setting the tier by hand.")]
    if errors:
        raise ValidationError(errors)
    old = client.tier
    client.tier = tier
    client.tier_overridden = True
    client.tier_override_reason = reason.strip()
    _save_tier(client, actor=actor, reason="tier set by a partner")
    _record_change(
        client=client,
        old=old,
        source=TierChange.Source.OVERRIDE,
        actor=actor,
        reason=reason.strip(),
    )
    audit_log(
        action="client.tier_overridden",
        actor=actor,
        object_type="clients.client",
        object_id=client.pk,
        detail={"old": old, "new": tier},
    )
    return client


@transaction.atomic
def client_tier_release_override(
    *, actor: User, client: Client, today: dt.date | None = None
) -> Client:
    """Return ``client`` to the computed tier and recompute it now (SPEC §2.1)."""
    if not actor.has_perm("clients.override_tier"):
        raise PermissionDenied(_("Only a partner or the director may set a tier."))
    client.tier_overridden = False
    client.tier_override_reason = ""
    _save_tier(client, actor=actor, reason="tier override released")
    audit_log(
        action="client.tier_override_released",
        actor=actor,
        object_type="clients.client",
        object_id=client.pk,
    )
    return client_tier_recompute(
        client=client, today=today or timezone.localdate(), actor=actor
    )


def _is_partner(user: User) -> bool:
    return user.has_role(Role.PARTNER, Role.DIRECTOR)


def _is_lawyer(user: User, seniority: str | None = None) -> bool:
    if not user.has_role(Role.LAWYER):
        return False
    return seniority is None or user.seniority == seniority


def assignment_errors(
    *, tier: str, owner: User | None, team: Iterable[User]
) -> dict[str, list[str]]:
    """Return what breaks the service-team rule of SPEC §2.2 for ``tier``."""
    members = list(team)
    errors: dict[str, list[str]] = {}
    if owner is None:
        errors["owner"] = [_("Name the relationship owner.")]
    elif tier == Tier.STRATEGIC and not _is_partner(owner):
        errors["owner"] = [
            _("A strategic client's relationship owner must be a partner.")
        ]
    elif tier == Tier.KEY and not _is_lawyer(owner, Seniority.SENIOR):
        errors["owner"] = [_("A key client's client manager must be a senior lawyer.")]
    elif tier == Tier.ORDINARY and not _is_lawyer(owner, Seniority.STAFF):
        errors["owner"] = [_("An ordinary client's owner must be a staff lawyer.")]
    if tier == Tier.STRATEGIC and not members:
        errors["team"] = [
            _("A strategic client needs a named dedicated team of at least one lawyer.")
        ]
    outsiders = [m.username for m in members if not (_is_lawyer(m) or _is_partner(m))]
    if outsiders:
        errors.setdefault("team", []).append(
            _("Only lawyers and partners can be on a client's team: %(names)s.")
            % {"names": ", ".join(outsiders)}
        )
    return errors


@transaction.atomic
def client_assign_team(
    *, actor: User, client: Client, owner: User | None, team: Iterable[User]
) -> Client:
    """Assign ``client``'s relationship owner and dedicated team (SPEC §2.2).

    The director or a partner assigns; the assignment must fit the tier, as
    the module docstring states.
    """
    if not actor.has_perm("clients.assign_team"):
        raise PermissionDenied(_("Only a partner or the director may assign the team."))
    members = list(dict.fromkeys(team))
    errors = assignment_errors(tier=client.tier, owner=owner, team=members)
    if errors:
        raise ValidationError(errors)
    client.owner = owner
    client._history_user = actor  # type: ignore[attr-defined]
    client._change_reason = "service team assigned"  # type: ignore[attr-defined]
    client.full_clean(exclude=["name_normalized", "created_by"])
    client.save()
    client.team.set(members)
    audit_log(
        action="client.team_assigned",
        actor=actor,
        object_type="clients.client",
        object_id=client.pk,
        detail={
            "owner": owner.pk if owner else None,
            "team": [m.pk for m in members],
        },
    )
    return client


def assignment_fits_q() -> Q:
    """Return a filter on Client matching those whose team fits their tier."""
    roles = RoleAssignment.objects.filter(user_id=OuterRef("owner_id"))
    owner_partner = Exists(roles.filter(role__in=[Role.PARTNER, Role.DIRECTOR]))
    owner_lawyer = Exists(roles.filter(role=Role.LAWYER))
    has_team = Exists(Client.team.through.objects.filter(client_id=OuterRef("pk")))
    return (
        (Q(tier=Tier.STRATEGIC) & Q(owner_partner) & Q(has_team))
        | (Q(tier=Tier.KEY) & Q(owner_lawyer) & Q(owner__seniority=Seniority.SENIOR))
        | (
            Q(tier=Tier.ORDINARY)
            & Q(owner_lawyer)
            & Q(owner__seniority=Seniority.STAFF)
        )
    )


def fits_annotation() -> Case:
    """Return a boolean expression: does the client's team fit its tier?"""
    return Case(
        When(assignment_fits_q(), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
