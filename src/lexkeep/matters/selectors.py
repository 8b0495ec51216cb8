"""Reads of matters, filtered by who may see them (SPEC §1, §3).

Every function takes the ``actor`` and applies ``matter_visibility_q``: a
matter the actor may not see does not exist for them (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, Prefetch, Q, QuerySet

from lexkeep.accounts.models import User
from lexkeep.clients.search import matter_ids_matching
from lexkeep.clients.visibility import matter_visibility_q
from lexkeep.matters.models import (
    ConflictCheck,
    FeeReceipt,
    Hearing,
    Matter,
    MatterParty,
)

if TYPE_CHECKING:
    from lexkeep.archives.models import Archive

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


#: The columns a matter list row shows besides its client's name and people.
ROW_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "case_number",
    "client_id",
    "domain",
    "sub_domain",
    "supervising_lawyer_id",
    "status",
    "engagement_start",
    "engagement_end",
    "agreed_fee",
    "filing_date",
    "judgment_date",
    "judgment_effective_date",
    "business_end_date",
    "counsel_end_date",
    "conflict_check_id",
)


@dataclass(frozen=True)
class MatterRows:
    """A matter list read a page at a time, as plain rows (the API list).

    ``queryset`` must be in list order, as :func:`matter_list` is. A page
    is three queries whatever its length: the matters with their client's
    name, their handling lawyers and their assistants (ids, in id order).
    No model instances are built.
    """

    queryset: QuerySet[Matter]

    def count(self) -> int:
        """Return the number of matching matters."""
        return self.queryset.count()

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """Return matters ``offset`` to ``offset + limit`` in list order.

        The page's ids are chosen in a subquery that walks the list's index
        only; matter rows and client names are then read for those alone.
        """
        page = self.queryset.values("pk")[offset : offset + limit]
        rows = list(
            Matter.objects.filter(pk__in=page)
            .annotate(client_name=F("client__name"))
            .order_by("-engagement_start", "-id")
            .values(*ROW_FIELDS, "client_name")
        )
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        people: dict[str, dict[int, list[int]]] = {}
        for relation in ("handling_lawyers", "assistants"):
            through = getattr(Matter, relation).through
            people[relation] = {pk: [] for pk in ids}
            for matter_id, user_id in (
                through.objects.filter(matter_id__in=ids)
                .order_by("user_id")
                .values_list("matter_id", "user_id")
            ):
                people[relation][matter_id].append(user_id)
        for row in rows:
            for name in ("client", "supervising_lawyer", "conflict_check"):
                row[name] = row.pop(f"{name}_id")
            row["handling_lawyers"] = people["handling_lawyers"][row["id"]]
            row["assistants"] = people["assistants"][row["id"]]
        return rows


def matter_rows(*, actor: User, **filters: Any) -> MatterRows:
    """Return :func:`matter_list` (same filters) as :class:`MatterRows`."""
    return MatterRows(matter_list(actor=actor, **filters).prefetch_related(None))


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


@dataclass(frozen=True)
class MatterRecords:
    """What a matter's page shows besides the matter: fees and archive volume."""

    fees: list[FeeReceipt]
    fees_total: Decimal
    #: The matter's archive volume, once it has one ``actor`` may see (§7.1).
    archive: Archive | None


def matter_records(*, actor: User, matter: Matter) -> MatterRecords:
    """Return the fee receipts, their total and the archive volume of ``matter``."""
    from lexkeep.archives.selectors import archive_for_matter

    fees = list(fee_receipt_list(actor=actor, matter_pk=matter.pk))
    return MatterRecords(
        fees=fees,
        fees_total=sum((f.amount for f in fees), start=Decimal(0)),
        archive=archive_for_matter(actor=actor, matter_pk=matter.pk),
    )


def matter_client_choices(
    *, actor: User, check: ConflictCheck, wanted: str, limit: int
) -> list[tuple[str, str]]:
    """Return the clients a matter opened on ``check`` may be for (SPEC §2.4, §3).

    The check's own client if it names one; otherwise up to ``limit`` visible
    clients whose names match the check's subject, with the ``wanted`` client
    (a pk from the request) first if ``actor`` may see it.
    """
    from lexkeep.clients import selectors as client_selectors
    from lexkeep.clients.models import Client
    from lexkeep.clients.search import client_ids_matching

    if check.client_id:
        try:
            client = client_selectors.client_get(actor=actor, pk=check.client_id)
        except Client.DoesNotExist:
            return []
        return [(str(client.pk), client.name)]
    qs = client_selectors.client_list(
        actor=actor, ids=client_ids_matching(check.subject_name)
    )
    rows = qs.select_related(None).prefetch_related(None).values_list("pk", "name")
    choices = [(str(pk), name) for pk, name in rows[:limit]]
    if wanted.isdigit() and wanted not in dict(choices):
        try:
            client = client_selectors.client_get(actor=actor, pk=int(wanted))
        except Client.DoesNotExist:
            pass
        else:
            choices.insert(0, (str(client.pk), client.name))
    return choices
