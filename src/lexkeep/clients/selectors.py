"""Reads of the client register, with the visibility filter applied (SPEC §1, §2).

Every function takes the acting user and returns only what that user may
see (:func:`~lexkeep.clients.visibility.client_visibility_q`); a client
that exists but is not visible raises ``Client.DoesNotExist`` like a
missing one (the API answers 404). List and detail reads run a constant
number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.clients.masking import SENSITIVE_FIELDS, mask_value
from lexkeep.clients.models import (
    Client,
    ClientDomain,
    ClientReview,
    ClientUpdate,
    Consent,
    TierChange,
)
from lexkeep.clients.rows import (
    client_domains_read,
    client_rows_read,
    client_teams_read,
)
from lexkeep.clients.services.reviews import (
    local_midnight,
    previous_quarter_start,
    quarter_start,
)
from lexkeep.clients.services.tiers import fits_annotation
from lexkeep.clients.visibility import client_visibility_q, sees_everything

REVIEW_CURRENT = "current"
REVIEW_DUE = "due"
REVIEW_OVERDUE = "overdue"

#: Fields shown in a client's history (SPEC §2.4), in display order.
HISTORY_FIELDS: tuple[str, ...] = (
    "name",
    "client_type",
    "enterprise_kind",
    "tier",
    "tier_overridden",
    "tier_override_reason",
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
    "news_opt_out",
    "notes",
    "owner_id",
)


def _visible(actor: User) -> QuerySet[Client]:
    return Client.objects.filter(client_visibility_q(actor))


def sensitive_consent_exists() -> Exists:
    """Return an expression: has the client a sensitive consent in force?"""
    return Exists(
        Consent.objects.filter(
            client_id=OuterRef("pk"),
            kind=Consent.Kind.SENSITIVE,
            withdrawn_on__isnull=True,
        )
    )


def review_status_annotation(today: dt.date) -> Case:
    """Return the quarterly-review status of each client on ``today`` (SPEC §2.4).

    Needs ``last_reviewed_on`` (see :func:`last_review_subquery`) alongside.
    The meaning of current, due and overdue is stated in
    :mod:`lexkeep.clients.services.reviews`.
    """
    current = quarter_start(today)
    previous = previous_quarter_start(today)
    return Case(
        When(
            Q(last_reviewed_on__gte=current)
            | Q(created_at__gte=local_midnight(current)),
            then=Value(REVIEW_CURRENT),
        ),
        When(
            Q(last_reviewed_on__gte=previous)
            | Q(created_at__gte=local_midnight(previous)),
            then=Value(REVIEW_DUE),
        ),
        default=Value(REVIEW_OVERDUE),
        output_field=CharField(),
    )


def last_review_subquery() -> Subquery:
    """Return the date of each client's latest quarterly review."""
    return Subquery(
        ClientReview.objects.filter(client_id=OuterRef("pk"))
        .order_by("-reviewed_on")
        .values("reviewed_on")[:1]
    )


def with_review_status(qs: QuerySet[Client], *, today: dt.date) -> QuerySet[Any]:
    """Annotate each client's latest review and its status on ``today`` (SPEC §2.4).

    Adds ``last_reviewed_on`` and ``review_status`` (current, due or overdue:
    see :func:`review_status_annotation`) in the same query.
    """
    return qs.annotate(last_reviewed_on=last_review_subquery()).annotate(
        review_status=review_status_annotation(today)
    )


def _with_related(qs: QuerySet[Client]) -> QuerySet[Client]:
    return (
        qs.select_related("owner")
        .prefetch_related(
            Prefetch(
                "domains",
                queryset=ClientDomain.objects.order_by("domain", "sub_domain"),
            ),
            Prefetch(
                "team",
                queryset=User.objects.only("id", "username", "full_name").order_by(
                    "username"
                ),
            ),
        )
        .annotate(has_sensitive_consent=sensitive_consent_exists())
    )


class ClientListFilters(TypedDict, total=False):
    """The filters of the client list; each is optional.

    Type, domain (and sub-domain), tier, owner (user id), review status on
    ``today`` (``current``, ``due`` or ``overdue``), and ``ids``, a
    subquery of client ids (the search engine's matches).
    """

    client_type: str | None
    domain: str | None
    sub_domain: str | None
    tier: str | None
    owner: int | None
    review: str | None
    today: dt.date | None
    ids: QuerySet[Any] | Iterable[int] | RawSQL | None


def _filtered(actor: User, filters: ClientListFilters) -> QuerySet[Client]:
    """Return the clients ``actor`` may see, filtered, ordered by name."""
    qs = _visible(actor)
    if client_type := filters.get("client_type"):
        qs = qs.filter(client_type=client_type)
    if tier := filters.get("tier"):
        qs = qs.filter(tier=tier)
    if (owner := filters.get("owner")) is not None:
        qs = qs.filter(owner_id=owner)
    if domain := filters.get("domain"):
        domains = ClientDomain.objects.filter(client_id=OuterRef("pk"), domain=domain)
        if sub_domain := filters.get("sub_domain"):
            domains = domains.filter(sub_domain=sub_domain)
        qs = qs.filter(Exists(domains))
    if (ids := filters.get("ids")) is not None:
        qs = qs.filter(pk__in=ids)
    if review := filters.get("review"):
        from django.utils import timezone

        day = filters.get("today") or timezone.localdate()
        qs = qs.alias(last_reviewed_on=last_review_subquery()).alias(
            review_status=review_status_annotation(day)
        )
        qs = qs.filter(review_status=review)
    return qs.order_by("name", "pk")


def client_list(
    *, actor: User, **filters: Unpack[ClientListFilters]
) -> QuerySet[Client]:
    """Return the clients ``actor`` may see, filtered, ordered by name.

    Each comes with its owner, domains, team and sensitive-consent flag, in
    a fixed number of queries. Filters: see :class:`ClientListFilters`.
    """
    return _with_related(_filtered(actor, filters))


@dataclass(frozen=True)
class ClientRows:
    """A client list read a page at a time, as plain rows (the API list).

    ``queryset`` must be ordered by name and id, as :func:`client_list` is.
    A page is three queries whatever its length: the clients (with the
    owner's name and the sensitive-consent flag), their domains and their
    teams (:mod:`lexkeep.clients.rows`). No model instances are built.
    """

    queryset: QuerySet[Client]

    def count(self) -> int:
        """Return the number of matching clients."""
        return self.queryset.count()

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """Return clients ``offset`` to ``offset + limit`` in list order.

        The page's ids are chosen in a subquery that sorts ids and names
        only (the ORM compiles it: visibility, filters, search); the owner's
        name and the consent flag are then read for those rows alone.
        """
        page = self.queryset.values("pk")[offset : offset + limit]
        try:
            ids_sql, params = page.query.sql_with_params()
        except EmptyResultSet:
            return []
        return read_client_rows(ids_sql, params)


def read_client_rows(ids_sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Return the clients whose ids ``ids_sql`` selects as list rows, by name.

    Three queries (:mod:`lexkeep.clients.rows`); sensitive values masked.
    Whoever calls it has decided which clients the reader may see.
    """
    rows = client_rows_read(ids_sql, params)
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    domains: dict[int, list[dict[str, str]]] = {pk: [] for pk in ids}
    for client_id, domain, sub_domain in client_domains_read(ids):
        domains[client_id].append({"domain": domain, "sub_domain": sub_domain})
    teams: dict[int, list[int]] = {pk: [] for pk in ids}
    for client_id, user_id in client_teams_read(ids):
        teams[client_id].append(user_id)
    for row in rows:
        pk = row["id"]
        row["id_number"] = mask_value("id_number", row["id_number"])
        row["bank_account"] = mask_value("bank_account", row["bank_account"])
        row["owner"] = row.pop("owner_id")
        username = row.pop("owner_username")
        full_name = row.pop("owner_full_name")
        row["owner_name"] = (full_name or username) if row["owner"] else ""
        row["domains"] = domains[pk]
        row["team"] = teams[pk]
    return rows


def client_rows(*, actor: User, **filters: Unpack[ClientListFilters]) -> ClientRows:
    """Return :func:`client_list` (same filters) as :class:`ClientRows`."""
    return ClientRows(_filtered(actor, filters))


def client_get(*, actor: User, pk: int) -> Client:
    """Return client ``pk`` if ``actor`` may see it, else ``Client.DoesNotExist``."""
    return _with_related(_visible(actor)).get(pk=pk)


def client_row(*, actor: User, pk: int) -> dict[str, Any]:
    """Return client ``pk`` as a list row if ``actor`` may see it (the API detail).

    The same fields and values as its row in :class:`ClientRows`, sensitive
    values masked, read the same way: three queries and no model instance.
    A client ``actor`` may not see raises ``Client.DoesNotExist``.
    """
    if sees_everything(actor):
        # Nothing to filter: the id itself picks the row.
        rows = read_client_rows("%s", [int(pk)])
    else:
        rows = ClientRows(_visible(actor).filter(pk=pk).order_by("name", "pk")).page(
            0, 1
        )
    if not rows:
        raise Client.DoesNotExist("Client matching query does not exist.")
    return rows[0]


@dataclass(frozen=True)
class HistoryRow:
    """One changed field of one change of a client (SPEC §2.4)."""

    field: str
    old: Any
    new: Any
    changed_by: int | None
    changed_by_name: str
    changed_at: dt.datetime
    reason: str
    change_type: str


def _shown(name: str, value: Any) -> Any:
    if name in SENSITIVE_FIELDS:
        return mask_value(name, value)
    return value


def client_history(*, actor: User, client: Client) -> list[HistoryRow]:
    """Return every change of ``client``, one row per changed field, oldest first.

    Old and new values, who and when (SPEC §2.4). Sensitive values are
    masked (SPEC §6); values erased on withdrawal of consent are gone from
    the history too. A change with no field difference (e.g. an erasure)
    is one row with an empty field name and its reason.
    """
    client = _visible(actor).get(pk=client.pk)
    records = list(
        client.history_entries.select_related("history_user").order_by(  # type: ignore[attr-defined]
            "history_date", "history_id"
        )
    )
    rows: list[HistoryRow] = []
    previous: Any = None
    for record in records:
        user = record.history_user
        common = {
            "changed_by": user.pk if user else None,
            "changed_by_name": str(user) if user else "",
            "changed_at": record.history_date,
            "reason": record.history_change_reason or "",
            "change_type": record.history_type,
        }
        emitted = False
        for name in HISTORY_FIELDS:
            new = getattr(record, name)
            old = getattr(previous, name) if previous is not None else None
            if previous is None and new in ("", None, False):
                continue
            if previous is not None and old == new:
                continue
            rows.append(
                HistoryRow(
                    field=name.removesuffix("_id"),
                    old=_shown(name, old),
                    new=_shown(name, new),
                    **common,
                )
            )
            emitted = True
        if not emitted:
            rows.append(HistoryRow(field="", old=None, new=None, **common))
        previous = record
    return rows


def client_history_shown(*, actor: User, client: Client) -> list[dict[str, Any]]:
    """Return :func:`client_history` newest first, with field and choice labels.

    Owners are shown by name (one more query); yes/no fields as words.
    """
    rows = client_history(actor=actor, client=client)
    owner_ids = {
        value
        for row in rows
        if row.field == "owner"
        for value in (row.old, row.new)
        if value
    }
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in=owner_ids)}
    shown = []
    for row in rows:
        label = ""
        old, new = row.old, row.new
        if row.field:
            field = Client._meta.get_field(
                "owner" if row.field == "owner" else row.field
            )
            label = str(getattr(field, "verbose_name", row.field))
            choices = dict(getattr(field, "choices", None) or [])
            if row.field == "owner":
                old, new = names.get(old, old), names.get(new, new)
            elif choices:
                old, new = choices.get(old, old), choices.get(new, new)
            if isinstance(old, bool) or isinstance(new, bool):
                old = _("Yes") if old else (_("No") if old is not None else None)
                new = _("Yes") if new else _("No")
        shown.append(
            {
                "label": label,
                "old": old,
                "new": new,
                "who": row.changed_by_name,
                "when": row.changed_at,
                "reason": row.reason,
                "sensitive": row.field in SENSITIVE_FIELDS,
                "kind": row.change_type,
            }
        )
    shown.reverse()
    return shown


def consent_list(*, actor: User, client: int | None = None) -> QuerySet[Consent]:
    """Return the consents of the clients ``actor`` may see, newest first."""
    qs = Consent.objects.filter(client__in=_visible(actor).values("pk"))
    if client is not None:
        qs = qs.filter(client_id=client)
    return qs.order_by("-signed_on", "-id")


def consent_get(*, actor: User, pk: int) -> Consent:
    """Return consent ``pk`` of a client ``actor`` may see, else DoesNotExist."""
    return (
        Consent.objects.select_related("client", "document_key")
        .filter(client__in=_visible(actor).values("pk"))
        .get(pk=pk)
    )


def client_review_list(*, actor: User, client: Client) -> QuerySet[ClientReview]:
    """Return ``client``'s quarterly reviews, newest first."""
    return ClientReview.objects.filter(
        client__in=_visible(actor).filter(pk=client.pk).values("pk")
    ).order_by("-reviewed_on")


def client_update_list(*, actor: User, client: Client) -> QuerySet[ClientUpdate]:
    """Return ``client``'s recorded major changes, newest first."""
    return ClientUpdate.objects.filter(
        client__in=_visible(actor).filter(pk=client.pk).values("pk")
    ).order_by("-occurred_on", "-id")


def tier_change_list(*, actor: User, client: Client) -> QuerySet[TierChange]:
    """Return ``client``'s tier changes, newest first (SPEC §2.1)."""
    return TierChange.objects.filter(
        client__in=_visible(actor).filter(pk=client.pk).values("pk")
    ).select_related("changed_by")


def clients_needing_reassignment(*, actor: User) -> QuerySet[Client]:
    """Return visible clients whose owner or team no longer fits the tier.

    SPEC §2.2: strategic → a partner and a dedicated team; key → a senior
    lawyer; ordinary → a staff lawyer. One query.
    """
    return (
        _visible(actor)
        .alias(assignment_fits=fits_annotation())
        .filter(assignment_fits=False)
        .select_related("owner")
        .order_by("tier", "name", "pk")
    )


@dataclass
class ReviewGroup:
    """The clients one responsible lawyer must still review (SPEC §2.4)."""

    owner: User | None
    due: list[Client] = field(default_factory=list)
    overdue: list[Client] = field(default_factory=list)


def clients_review_status(*, actor: User, today: dt.date) -> list[ReviewGroup]:
    """Return, per relationship owner, the clients due and overdue for review.

    One query: visible clients annotated with their latest review and their
    status on ``today`` (see :mod:`lexkeep.clients.services.reviews`);
    clients already confirmed this quarter are left out.
    """
    qs = (
        with_review_status(_visible(actor), today=today)
        .filter(review_status__in=[REVIEW_DUE, REVIEW_OVERDUE])
        .select_related("owner")
        .order_by("owner__username", "name", "pk")
    )
    groups: dict[int | None, ReviewGroup] = {}
    for client in qs:
        group = groups.setdefault(client.owner_id, ReviewGroup(owner=client.owner))
        if client.review_status == REVIEW_DUE:  # type: ignore[attr-defined]
            group.due.append(client)
        else:
            group.overdue.append(client)
    return list(groups.values())


@dataclass(frozen=True)
class ReviewState:
    """Where one client stands with its quarterly review (SPEC §2.4)."""

    status: str
    last_reviewed_on: dt.date | None


def client_review_state(*, actor: User, client: Client, today: dt.date) -> ReviewState:
    """Return ``client``'s quarterly-review status on ``today`` and its last review.

    Confirm each client once a calendar quarter (SPEC §2.4): current, due or
    overdue as :func:`review_status_annotation` states. One query; a client
    ``actor`` may not see raises ``Client.DoesNotExist``.
    """
    visible = _visible(actor).filter(pk=client.pk)
    status, last_reviewed_on = (
        with_review_status(visible, today=today)
        .values_list("review_status", "last_reviewed_on")
        .get()
    )
    return ReviewState(status=status, last_reviewed_on=last_reviewed_on)


@dataclass(frozen=True)
class ConsentState:
    """A client's consents and where its consent to sensitive data stands (§6)."""

    consents: list[Consent]
    #: The sensitive-data consent in force, if any.
    sensitive_active: Consent | None
    #: With none in force, the sensitive-data consent withdrawn last.
    sensitive_withdrawn: Consent | None


def client_consent_state(*, actor: User, client: Client) -> ConsentState:
    """Return ``client``'s consents and its sensitive-data consent (SPEC §6).

    ID numbers and bank accounts need the client's separate written consent;
    this says whether one is in force, or which one was withdrawn. One query.
    """
    consents = list(consent_list(actor=actor, client=client.pk))
    sensitive = [c for c in consents if c.kind == Consent.Kind.SENSITIVE]
    active = [c for c in sensitive if c.is_active]
    withdrawn = [c for c in sensitive if not c.is_active]
    return ConsentState(
        consents=consents,
        sensitive_active=active[0] if active else None,
        sensitive_withdrawn=(
            max(withdrawn, key=lambda c: c.withdrawn_on or dt.date.min)
            if withdrawn and not active
            else None
        ),
    )
