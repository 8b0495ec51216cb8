"""Reads of matters, filtered by who may see them (SPEC §1, §3).

Every function takes the ``actor`` and applies ``matter_visibility_q``: a
matter the actor may not see does not exist for them (404).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from lexkeep.accounts.models import User
from lexkeep.clients.search import matter_ids_matching
from lexkeep.clients.visibility import matter_visibility_q
from lexkeep.matters.models import FeeReceipt, Hearing, Matter, MatterParty

#: Lists show people by name only: don't build whole user rows for them.
_PEOPLE = User.objects.only("id", "username", "full_name")


def _people() -> list[Prefetch[str]]:
    return [
        Prefetch("handling_lawyers", queryset=_PEOPLE.order_by("pk")),
        Prefetch("assistants", queryset=_PEOPLE.order_by("pk")),
    ]


def matter_list(
    *,
    actor: User,
    status: str = "",
    domain: str = "",
    client: int | None = None,
    lawyer: int | None = None,
    q: str = "",
) -> QuerySet[Matter]:
    """Return the matters ``actor`` may see, filtered, in a fixed number of queries.

    ``lawyer`` keeps matters the user handles or supervises; ``q`` searches
    name and case number through the search index (issue 3 §8).
    """
    matters = Matter.objects.filter(matter_visibility_q(actor))
    if status:
        matters = matters.filter(status=status)
    if domain:
        matters = matters.filter(domain=domain)
    if client is not None:
        matters = matters.filter(client_id=client)
    if lawyer is not None:
        handled = Matter.handling_lawyers.through.objects.filter(user_id=lawyer)
        matters = matters.filter(
            Q(pk__in=handled.values("matter_id")) | Q(supervising_lawyer_id=lawyer)
        )
    if q and q.strip():
        matters = matters.filter(pk__in=matter_ids_matching(q))
    return (
        matters.select_related("client", "supervising_lawyer")
        # A matter list shows the client's name, never its sensitive fields:
        # don't fetch (and decrypt) them for every row.
        .defer("client__id_number", "client__bank_account")
        .prefetch_related(*_people())
        .order_by("-engagement_start", "-id")
    )


def matter_get(*, actor: User, pk: int) -> Matter:
    """Return matter ``pk`` with its people, parties, hearings and fees.

    Raise ``Matter.DoesNotExist`` (404) when it does not exist or ``actor``
    may not see it.
    """
    return (
        Matter.objects.filter(matter_visibility_q(actor))
        .select_related("client", "supervising_lawyer", "conflict_check")
        .prefetch_related(
            *_people(),
            Prefetch("parties", queryset=MatterParty.objects.order_by("role", "name")),
            Prefetch("hearings", queryset=Hearing.objects.order_by("scheduled_at")),
        )
        .get(pk=pk)
    )


def matter_party_list(*, actor: User, matter_pk: int) -> QuerySet[MatterParty]:
    """Return the parties of a matter ``actor`` may see."""
    matter = matter_get(actor=actor, pk=matter_pk)
    return MatterParty.objects.filter(matter=matter).order_by("role", "name", "pk")


def matter_party_get(*, actor: User, matter_pk: int, pk: int) -> MatterParty:
    """Return party ``pk`` of a visible matter, or raise DoesNotExist (404)."""
    return MatterParty.objects.select_related("matter").get(
        pk=pk, matter=matter_get(actor=actor, pk=matter_pk)
    )


def hearing_list(*, actor: User, matter_pk: int) -> QuerySet[Hearing]:
    """Return the hearings of a matter ``actor`` may see."""
    matter = matter_get(actor=actor, pk=matter_pk)
    return Hearing.objects.filter(matter=matter).order_by("scheduled_at", "pk")


def hearing_get(*, actor: User, matter_pk: int, pk: int) -> Hearing:
    """Return hearing ``pk`` of a visible matter, or raise DoesNotExist (404)."""
    return Hearing.objects.select_related("matter").get(
        pk=pk, matter=matter_get(actor=actor, pk=matter_pk)
    )


def fee_receipt_list(*, actor: User, matter_pk: int) -> QuerySet[FeeReceipt]:
    """Return the fee receipts of a matter ``actor`` may see."""
    matter = matter_get(actor=actor, pk=matter_pk)
    return FeeReceipt.objects.filter(matter=matter).order_by("-received_on", "-pk")
