"""Conflict-of-interest check at intake (利益冲突检索; SPEC §2.4, issue 3 §6).

Before a new client or matter is accepted, the prospective client and the
other parties are searched against existing clients and against the
counterparties and related parties of every matter: by normalised name
(exact, and near-names with ``similarity`` ≥ 0.8), by unified social credit
code and by resident ID number (through its blind index only). The check,
its hits and its decision are recorded; a matter is opened only on a check
decided ``clear`` or ``waived`` (SPEC §2.4).

A hit on a client or matter the searcher may not see is kept and shown as a
restricted match to be referred to a partner — never silently dropped. A
counterparty who was the firm's client within the last year is flagged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import Role, User
from lexkeep.clients.models import Client
from lexkeep.clients.normalize import normalize_name, similarity
from lexkeep.clients.search import CLIENT_INDEX, PARTY_INDEX, ids_sharing_trigrams
from lexkeep.clients.validators import validate_credit_code, validate_resident_id
from lexkeep.clients.visibility import (
    client_visibility_q,
    matter_visibility_q,
    sees_everything,
)
from lexkeep.core.audit import audit_log
from lexkeep.core.crypto import file_key_for_scope
from lexkeep.core.exceptions import Lifecycle
from lexkeep.core.fields import blind_index_for
from lexkeep.core.models import DataKey
from lexkeep.core.storage import EncryptedContentStore
from lexkeep.matters.models import ConflictCheck, Matter, MatterParty

#: Names at least this alike are reported as similar (product decision).
SIMILARITY_THRESHOLD = 0.8
#: A counterparty who was a client this recently is flagged (issue 3 §6).
FORMER_CLIENT_DAYS = 365
#: Near-name candidates read per searched name and table.
MAX_CANDIDATES = 500
#: Parties searched in one check.
MAX_PARTIES = 50

#: Who may run a check and decide it (SPEC §1: those who open matters).
CHECK_ROLES = (Role.DIRECTOR, Role.PARTNER, Role.LAWYER)

#: Reasons of a hit, strongest first.
REASON_ID = "id_number"
REASON_CREDIT = "credit_code"
REASON_EXACT = "exact_name"
REASON_SIMILAR = "similar_name"
REASON_ORDER = (REASON_ID, REASON_CREDIT, REASON_EXACT, REASON_SIMILAR)

KIND_CLIENT = "client"
KIND_COUNTERPARTY = "counterparty"
KIND_RELATED = "related_party"
_PARTY_KIND = {
    MatterParty.Role.COUNTERPARTY: KIND_COUNTERPARTY,
    MatterParty.Role.RELATED: KIND_RELATED,
}

#: Roles of the searched parties; ``subject`` is the prospective client.
SEARCHED_SUBJECT = "subject"
SEARCHED_ROLES = (MatterParty.Role.COUNTERPARTY, MatterParty.Role.RELATED)

#: Pending until decided once: clear, waived or declined (SPEC §2.4).
CONFLICT_CHECK_LIFECYCLE = Lifecycle(
    "conflict check",
    {
        ConflictCheck.Decision.PENDING: {
            ConflictCheck.Decision.CLEAR: ConflictCheck.Decision.CLEAR,
            ConflictCheck.Decision.WAIVED: ConflictCheck.Decision.WAIVED,
            ConflictCheck.Decision.DECLINED: ConflictCheck.Decision.DECLINED,
        },
    },
)


def reason_label(reason: str) -> str:
    """Return the words shown for a hit's reason."""
    labels = {
        REASON_ID: _("ID number match"),
        REASON_CREDIT: _("Credit code match"),
        REASON_EXACT: _("Exact name"),
        REASON_SIMILAR: _("Similar name"),
    }
    return labels.get(reason, reason)


def restricted_message() -> str:
    """Return what a restricted hit shows instead of its details."""
    return _("A restricted match — refer to a partner.")


@dataclass
class _Searched:
    """One name searched: the prospective client or another party."""

    role: str
    name: str
    names: tuple[str, ...]  # normalised forms (places stripped, and kept)
    credit_code: str
    id_index: str


def _clean_party(
    index: int | None, data: Mapping[str, Any], errors: dict[str, list[str]]
) -> _Searched | None:
    """Return the searched party of ``data``, adding its errors to ``errors``."""
    prefix = "" if index is None else f"parties[{index}]."
    role = SEARCHED_SUBJECT if index is None else str(data.get("role") or "")
    name = " ".join(str(data.get("name") or "").split())
    before = len(errors)
    if index is not None and role not in SEARCHED_ROLES:
        errors.setdefault(f"{prefix}role", []).append(
            _("The role must be counterparty or related.")
        )
    if not name:
        errors.setdefault(f"{prefix}name", []).append(_("The name is required."))
    elif len(name) > 200:
        errors.setdefault(f"{prefix}name", []).append(
            _("The name is longer than 200 characters.")
        )
    credit_code = str(data.get("credit_code") or "").strip()
    if credit_code:
        try:
            credit_code = validate_credit_code(credit_code)
        except ValidationError as exc:
            errors.setdefault(f"{prefix}credit_code", []).extend(exc.messages)
    id_number = str(data.get("id_number") or "").strip()
    id_index = ""
    if id_number:
        try:
            id_index = blind_index_for(
                Client, "id_number", validate_resident_id(id_number)
            )
        except ValidationError as exc:
            errors.setdefault(f"{prefix}id_number", []).extend(exc.messages)
    if len(errors) != before:
        return None
    names = tuple(
        dict.fromkeys(
            n
            for n in (normalize_name(name), normalize_name(name, strip_places=False))
            if n
        )
    )
    return _Searched(
        role=role, name=name, names=names, credit_code=credit_code, id_index=id_index
    )


def _strongest(reasons: Iterable[str]) -> list[str]:
    return sorted(set(reasons), key=REASON_ORDER.index)


def _match(
    searched: _Searched, *, name_normalized: str, credit_code: str, id_index: str
) -> tuple[list[str], float]:
    """Return the reasons ``searched`` matches a record, and the name score."""
    reasons: list[str] = []
    if searched.id_index and id_index == searched.id_index:
        reasons.append(REASON_ID)
    if searched.credit_code and credit_code == searched.credit_code:
        reasons.append(REASON_CREDIT)
    score = max((similarity(n, name_normalized) for n in searched.names), default=0.0)
    if name_normalized and name_normalized in searched.names:
        reasons.append(REASON_EXACT)
        score = 1.0
    elif score >= SIMILARITY_THRESHOLD:
        reasons.append(REASON_SIMILAR)
    return reasons, score


def _rows(
    model: type[Client] | type[MatterParty],
    searched: _Searched,
    fields: tuple[str, ...],
) -> list[tuple[Any, ...]]:
    """Return exact and near-name candidates of ``searched`` from ``model``.

    Exact matches (normalised name, credit code, ID blind index) use plain
    indexes and are all read; near-names come from the trigram index, at
    most MAX_CANDIDATES of them, and are scored in Python.
    """
    spec = CLIENT_INDEX if model is Client else PARTY_INDEX
    manager = model._default_manager
    exact = list(manager.filter(_exact_q(searched)).order_by().values_list(*fields))
    near = Q(pk__in=[])
    for name in searched.names:
        near |= Q(pk__in=ids_sharing_trigrams(spec, "name_normalized", name))
    seen = [row[0] for row in exact]
    rows = (
        manager.filter(near)
        .exclude(pk__in=seen)
        .order_by("pk")
        .values_list(*fields)[:MAX_CANDIDATES]
    )
    return exact + list(rows)


def _exact_q(searched: _Searched) -> Q:
    q = Q(name_normalized__in=searched.names) if searched.names else Q(pk__in=[])
    if searched.credit_code:
        q |= Q(credit_code=searched.credit_code)
    if searched.id_index:
        q |= Q(id_number_index=searched.id_index)
    return q


def _recent_client_ids(ids: set[int], today: dt.date) -> set[int]:
    """Return which clients were served within the last year.

    A client is recent if it has an open matter, a matter whose business
    ended within FORMER_CLIENT_DAYS, or fees received within that window.
    """
    if not ids:
        return set()
    cutoff = today - dt.timedelta(days=FORMER_CLIENT_DAYS)
    matters = Matter.objects.filter(client_id__in=ids).filter(
        Q(status=Matter.Status.OPEN)
        | Q(business_end_date__gte=cutoff)
        | Q(fee_receipts__received_on__gte=cutoff)
    )
    return set(matters.values_list("client_id", flat=True).distinct())


def _search(
    searched: _Searched, *, exclude_client: Client | None
) -> list[dict[str, Any]]:
    """Return the hits of one searched party (unsorted, not yet flagged)."""
    hits: list[dict[str, Any]] = []
    clients = _rows(
        Client,
        searched,
        ("pk", "name", "name_normalized", "credit_code", "id_number_index"),
    )
    for pk, name, normalized, credit_code, id_index in clients:
        if exclude_client is not None and pk == exclude_client.pk:
            continue
        reasons, score = _match(
            searched,
            name_normalized=normalized,
            credit_code=credit_code,
            id_index=id_index,
        )
        if reasons:
            hits.append(
                {
                    "kind": KIND_CLIENT,
                    "client_id": pk,
                    "matter_id": None,
                    "party_id": None,
                    "matched_name": name,
                    "score": round(score, 2),
                    "reasons": _strongest(reasons),
                }
            )
    parties = _rows(
        MatterParty,
        searched,
        (
            "pk",
            "name",
            "name_normalized",
            "credit_code",
            "id_number_index",
            "role",
            "matter_id",
            "matter__client_id",
        ),
    )
    for (
        pk,
        name,
        normalized,
        credit_code,
        id_index,
        role,
        matter_id,
        client_id,
    ) in parties:
        reasons, score = _match(
            searched,
            name_normalized=normalized,
            credit_code=credit_code,
            id_index=id_index,
        )
        if reasons:
            hits.append(
                {
                    "kind": _PARTY_KIND.get(role, KIND_RELATED),
                    "client_id": client_id,
                    "matter_id": matter_id,
                    "party_id": pk,
                    "matched_name": name,
                    "score": round(score, 2),
                    "reasons": _strongest(reasons),
                }
            )
    for hit in hits:
        hit["reason"] = hit["reasons"][0]
        hit["searched_role"] = searched.role
        hit["searched_name"] = searched.name
    return hits


def _visible_ids(actor: User, hits: list[dict[str, Any]]) -> tuple[set[int], set[int]]:
    """Return the ids of the hits' clients and matters ``actor`` may see."""
    client_ids = {h["client_id"] for h in hits if h["kind"] == KIND_CLIENT}
    matter_ids = {h["matter_id"] for h in hits if h["matter_id"]}
    clients = (
        set(
            Client.objects.filter(
                client_visibility_q(actor), pk__in=client_ids
            ).values_list("pk", flat=True)
        )
        if client_ids
        else set()
    )
    matters = (
        set(
            Matter.objects.filter(
                matter_visibility_q(actor), pk__in=matter_ids
            ).values_list("pk", flat=True)
        )
        if matter_ids
        else set()
    )
    return clients, matters


def _is_visible(hit: Mapping[str, Any], clients: set[int], matters: set[int]) -> bool:
    if hit["kind"] == KIND_CLIENT:
        return hit["client_id"] in clients
    return hit["matter_id"] in matters


def _require_role(actor: User) -> None:
    if not (actor.is_active and actor.has_role(*CHECK_ROLES)):
        raise PermissionDenied(
            _("Only lawyers, partners and the director run conflict checks.")
        )


@transaction.atomic
def conflict_check_run(
    *,
    actor: User,
    name: str,
    credit_code: str = "",
    id_number: str = "",
    parties: Iterable[Mapping[str, Any]] = (),
    client: Client | None = None,
) -> ConflictCheck:
    """Search for conflicts of interest and record the check (SPEC §2.4).

    ``name``, ``credit_code`` and ``id_number`` describe the prospective
    client; ``parties`` the counterparties and related parties
    (``{"name", "role", "credit_code", "id_number"}``). Each is searched
    against clients and matter parties by normalised name (exact and
    ``similarity`` ≥ 0.8), credit code and ID number blind index. ``client``
    is the existing client a new matter is for: it is not a hit on itself.

    Hits on records the searcher may not see are kept and marked
    ``restricted``; a counterparty matching a client served within the last
    365 days is flagged ``former_client_adverse``. ID numbers are never
    stored: only their blind index, and "ID number match" as a reason.
    """
    _require_role(actor)
    parties = list(parties)
    errors: dict[str, list[str]] = {}
    if len(parties) > MAX_PARTIES:
        errors["parties"] = [
            _("At most %(n)d parties can be searched at once.") % {"n": MAX_PARTIES}
        ]
    subject = _clean_party(
        None,
        {"name": name, "credit_code": credit_code, "id_number": id_number},
        errors,
    )
    searched = [subject] if subject else []
    for index, data in enumerate(parties[:MAX_PARTIES]):
        if not isinstance(data, Mapping):
            errors.setdefault(f"parties[{index}]", []).append(
                _("A party is an object.")
            )
            continue
        party = _clean_party(index, data, errors)
        if party is not None:
            searched.append(party)
    if errors:
        raise ValidationError(errors)
    assert subject is not None  # noqa: S101 - no errors means a subject

    hits: list[dict[str, Any]] = []
    for item in searched:
        hits.extend(_search(item, exclude_client=client))
    today = timezone.localdate()
    adverse_candidates = {
        h["client_id"]
        for h in hits
        if h["kind"] == KIND_CLIENT
        and h["searched_role"] == MatterParty.Role.COUNTERPARTY
    }
    recent = _recent_client_ids(adverse_candidates, today)
    clients_seen, matters_seen = _visible_ids(actor, hits)
    for hit in hits:
        hit["former_client_adverse"] = (
            hit["kind"] == KIND_CLIENT
            and hit["searched_role"] == MatterParty.Role.COUNTERPARTY
            and hit["client_id"] in recent
        )
        hit["restricted"] = not _is_visible(hit, clients_seen, matters_seen)
    hits.sort(
        key=lambda h: (
            not h["former_client_adverse"],
            REASON_ORDER.index(h["reason"]),
            -h["score"],
            h["matched_name"],
        )
    )
    check = ConflictCheck(
        subject_name=subject.name,
        subject_credit_code=subject.credit_code,
        subject_id_index=subject.id_index,
        parties=[
            {
                "name": p.name,
                "role": p.role,
                "credit_code": p.credit_code,
                "id_number_index": p.id_index,
            }
            for p in searched[1:]
        ],
        hits=hits,
        searched_by=actor,
        client=client,
    )
    check.full_clean()
    check.save()
    audit_log(
        action="conflict_check.run",
        actor=actor,
        object_type="conflict_check",
        object_id=check.pk,
        detail={
            "hits": len(hits),
            "restricted": sum(1 for h in hits if h["restricted"]),
            "former_client_adverse": sum(1 for h in hits if h["former_client_adverse"]),
        },
    )
    return check


def conflict_check_scope(check: ConflictCheck) -> str:
    """Return the key scope of a check's waiver document."""
    return f"matters.conflict:{check.pk}"


@transaction.atomic
def conflict_check_decide(
    *,
    actor: User,
    check: ConflictCheck,
    decision: str,
    note: str = "",
    waiver_document: bytes | None = None,
    waiver_document_name: str = "",
) -> ConflictCheck:
    """Record the decision on a conflict check, once (SPEC §2.4).

    * ``clear``: nothing conflicts. With no hits, the searcher or a partner
      or the director may clear it; with hits, only a partner or the
      director, with a note saying why they do not conflict.
    * ``waived``: a conflict exists and the client gave informed consent; a
      partner or the director decides, and the client's signed consent
      document is required. It is stored encrypted with its own key.
    * ``declined``: the firm does not take the engagement.

    A decided check is not decided again (409).
    """
    _require_role(actor)
    check = ConflictCheck.objects.select_for_update().get(pk=check.pk)
    new_state = CONFLICT_CHECK_LIFECYCLE.next_state(check.decision, decision)
    senior = sees_everything(actor)
    if not (senior or check.searched_by_id == actor.pk):
        raise PermissionDenied(
            _("Only the lawyer who ran the check, a partner or the director decide it.")
        )
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if new_state == ConflictCheck.Decision.CLEAR and check.hits:
        if not senior:
            raise PermissionDenied(
                _("A check with hits is cleared only by a partner or the director.")
            )
        if not note:
            errors["note"] = [_("Say why the hits are no conflict.")]
    document_key: DataKey | None = None
    if new_state == ConflictCheck.Decision.WAIVED:
        if not senior:
            raise PermissionDenied(
                _("Only a partner or the director waive a conflict.")
            )
        if not waiver_document:
            errors["waiver_document"] = [
                _("Attach the client's signed informed-consent document.")
            ]
        if not (waiver_document_name or "").strip():
            errors["waiver_document_name"] = [_("Name the consent document file.")]
    if errors:
        raise ValidationError(errors)
    if new_state == ConflictCheck.Decision.WAIVED:
        assert waiver_document is not None  # noqa: S101 - checked above
        document_key = file_key_for_scope(conflict_check_scope(check))
        blob = EncryptedContentStore().put(waiver_document, data_key=document_key)
        check.waiver_document_blob = blob.name
        check.waiver_document_key = document_key
        check.waiver_document_name = waiver_document_name.strip()[:200]
    check.decision = new_state
    check.decision_note = note
    check.decided_by = actor
    check.decided_at = timezone.now()
    check.full_clean()
    check.save()
    audit_log(
        action="conflict_check.decided",
        actor=actor,
        object_type="conflict_check",
        object_id=check.pk,
        detail={"decision": new_state, "hits": len(check.hits)},
    )
    return check


def conflict_check_waiver_read(*, actor: User, check: ConflictCheck) -> bytes:
    """Return a check's waiver document; every read is logged (SPEC §6)."""
    if not check.waiver_document_blob or check.waiver_document_key is None:
        raise ConflictCheck.DoesNotExist
    data = EncryptedContentStore().get(
        check.waiver_document_blob, data_key=check.waiver_document_key
    )
    audit_log(
        action="conflict_check.waiver_read",
        actor=actor,
        object_type="conflict_check",
        object_id=check.pk,
    )
    return data


# --------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------


def conflict_check_visibility_q(actor: User) -> Q:
    """Return a filter of the checks ``actor`` may see.

    The director and partners see every check; others the checks they ran
    and the checks of matters they may see.
    """
    if sees_everything(actor):
        return Q()
    if not actor.is_active:
        return Q(pk__in=[])
    return Q(searched_by_id=actor.pk) | Q(
        matter__in=Matter.objects.filter(matter_visibility_q(actor)).values("pk")
    )


def conflict_check_list(
    *, actor: User, decision: str = "", client: int | None = None
) -> QuerySet[ConflictCheck]:
    """Return the checks ``actor`` may see, newest first."""
    checks = ConflictCheck.objects.filter(
        conflict_check_visibility_q(actor)
    ).select_related("matter")
    if decision:
        checks = checks.filter(decision=decision)
    if client is not None:
        checks = checks.filter(client_id=client)
    return checks.order_by("-searched_at", "-id")


def conflict_check_get(*, actor: User, pk: int) -> ConflictCheck:
    """Return check ``pk`` if ``actor`` may see it, else raise DoesNotExist (404)."""
    return conflict_check_list(actor=actor).get(pk=pk)


def conflict_check_hits_for(
    *, actor: User, check: ConflictCheck
) -> list[dict[str, Any]]:
    """Return the hits of ``check`` as ``actor`` may see them (SPEC §2.4).

    A hit on a client or matter the viewer may not see shows nothing but
    that it exists: "a restricted match — refer to a partner". Reasons are
    given as codes and words; ID numbers never appear.
    """
    hits = list(check.hits or [])
    clients, matters = _visible_ids(actor, hits)
    shown: list[dict[str, Any]] = []
    for hit in hits:
        if not _is_visible(hit, clients, matters):
            shown.append(
                {
                    "restricted": True,
                    "message": restricted_message(),
                    "searched_role": hit.get("searched_role", ""),
                    "searched_name": hit.get("searched_name", ""),
                }
            )
            continue
        shown.append(
            {
                **{
                    k: hit.get(k)
                    for k in (
                        "kind",
                        "client_id",
                        "matter_id",
                        "party_id",
                        "matched_name",
                        "score",
                        "reason",
                        "reasons",
                        "searched_role",
                        "searched_name",
                        "former_client_adverse",
                    )
                },
                "reason_label": reason_label(hit.get("reason", "")),
                "restricted": False,
                "message": "",
            }
        )
    return shown
