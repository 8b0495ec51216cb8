"""The append-only, hash-chained audit log (SPEC §6 "Access log").

Every entry carries ``hash = SHA-256(prev_hash ‖ canonical entry)``, where the
canonical entry is JSON (sorted keys, no spaces, UTF-8) of its id, time,
actor, action, object and detail; the first entry's ``prev_hash`` is 64
zeros (ARCHITECTURE "Data protection by design"). Ids are consecutive and
part of the hash, so :func:`audit_verify` detects a changed, deleted,
inserted or reordered entry.

What a chain without a secret cannot detect on its own: removal of the newest
entries, or a rewrite of them with recomputed hashes, by someone with write
access to the database. Record :attr:`VerifyResult.head_hash` outside the
database (e.g. with each backup) and pass it back as ``anchor`` to detect that.

``detail`` holds identifiers and facts, never secrets or sensitive personal
data (PIPL; SPEC §6): pass an archive number, not a file's content; a
username, not a password. :func:`audit_log` refuses keys that look like
secrets.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import ipaddress
import json
import re
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.core.models import AuditEntry

GENESIS_HASH = "0" * 64
#: Version of the canonical form, hashed with each entry.
CANONICAL_VERSION = 1
#: Key of the PostgreSQL advisory lock that serializes appends ("LKAUDIT").
ADVISORY_LOCK_KEY = 0x4C4B_4155_4449_54

#: Key parts that mark a secret or a sensitive value (matched as whole words).
_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "pass",
        "secret",
        "secrets",
        "token",
        "tokens",
        "otp",
        "pin",
        "cvv",
        "credential",
        "credentials",
        "apikey",
    }
)
_SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("id", "number"),
        ("id", "no"),
        ("bank", "account"),
        ("card", "number"),
    }
)
_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "detail",
    "ip",
    "prev_hash",
    "hash",
)

Actor = AbstractBaseUser | AnonymousUser | None


class AuditDetailError(ValueError):
    """Raised when an audit entry would carry a secret or an unhashable value."""


@dataclasses.dataclass(frozen=True)
class AuditAnchor:
    """The head of the chain as seen at some earlier time, kept outside the DB."""

    id: int
    hash: str


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`audit_verify`.

    ``first_bad_id`` is the lowest id at which the stored log differs from an
    intact chain (for a deletion: the first missing id). ``head_id`` and
    ``head_hash`` describe the last entry checked, to keep as an anchor.
    """

    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    head_id: int | None = None
    head_hash: str = GENESIS_HASH

    @property
    def anchor(self) -> AuditAnchor | None:
        """Return the head of the chain as an anchor for a later check."""
        if self.head_id is None:
            return None
        return AuditAnchor(id=self.head_id, hash=self.head_hash)


def _format_at(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_entry(
    *,
    id: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: Any,
    ip: str | None,
) -> str:
    """Return the canonical JSON text of an entry, the input of its hash."""
    payload = {
        "v": CANONICAL_VERSION,
        "id": id,
        "at": _format_at(at),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": detail,
        "ip": ip,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def chain_hash(prev_hash: str, canonical: str) -> str:
    """Return ``SHA-256(prev_hash ‖ canonical)`` as 64 hex digits."""
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _is_secret_key(key: str) -> bool:
    """Return True if ``key`` names a secret or a sensitive value."""
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()
    parts = [part for part in re.split(r"[^a-z0-9]+", snake) if part]
    if any(part in _SECRET_WORDS for part in parts):
        return True
    if any(pair in _SECRET_PAIRS for pair in zip(parts, parts[1:], strict=False)):
        return True
    squashed = "".join(parts)
    return "password" in squashed or "secret" in squashed


def _check_detail(value: Any, path: str = "detail") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise AuditDetailError(f"{path}: keys must be strings, got {key!r}")
            if _is_secret_key(key):
                raise AuditDetailError(
                    f"{path}.{key}: the audit log never holds secrets or sensitive "
                    "values; log an identifier instead"
                )
            _check_detail(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_detail(item, f"{path}[{index}]")
    elif isinstance(value, float):
        # jsonb may print a float differently than Python reads it back,
        # which would break the hash; identifiers are ints or strings.
        raise AuditDetailError(f"{path}: floats are not allowed; pass int or str")
    elif isinstance(value, str) and "\x00" in value:
        raise AuditDetailError(f"{path}: NUL characters are not allowed")


def _normalize_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """Return ``detail`` as the plain JSON the database will give back."""
    if detail is None:
        return {}
    if not isinstance(detail, dict):
        raise AuditDetailError("detail must be a dict")
    # Dates, UUIDs and Decimals become strings, as they will read back.
    try:
        text = json.dumps(detail, cls=DjangoJSONEncoder, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise AuditDetailError(f"detail is not plain JSON: {exc}") from exc
    plain = json.loads(text)
    _check_detail(plain)
    return plain  # type: ignore[no-any-return]


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR")
    if not raw:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def _short(value: str, limit: int, field: str, *, truncate: bool = False) -> str:
    value = value.replace("\x00", "\ufffd")
    if len(value) > limit:
        if truncate:
            return value[:limit]
        raise AuditDetailError(f"{field} is longer than {limit} characters")
    return value


def _lock_chain() -> None:
    """Serialize appends so the chain never forks.

    PostgreSQL: a transaction-level advisory lock. SQLite: the connection
    opens transactions with ``BEGIN IMMEDIATE`` (settings), which already
    takes the database write lock. Elsewhere the primary key on the
    precomputed id still refuses a second entry with the same predecessor.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def audit_log(
    *,
    action: str,
    actor: Actor = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry to the audit log and return it (SPEC §6 access log).

    Record who (``actor``, or ``actor_label`` for someone not signed in),
    when, what (``action`` such as ``"archive.download"``, the object) and
    from where (the request's ``REMOTE_ADDR``). ``detail`` carries
    identifiers only: keys that look like secrets (password, token, secret,
    ID number, …) and floats are refused with :class:`AuditDetailError`.
    Runs in the caller's transaction: if that rolls back, so does the entry.
    Appends are serialized until that transaction ends (on PostgreSQL an
    advisory lock), so callers write audit entries late in long transactions.
    """
    if not action:
        raise AuditDetailError("action is required")
    clean_detail = _normalize_detail(detail)
    actor_id = None
    if actor is not None and actor.is_authenticated and actor.pk is not None:
        actor_id = actor.pk
        if not actor_label:
            actor_label = actor.get_username()
    values: dict[str, Any] = {
        "actor_id": actor_id,
        "actor_label": _short(actor_label, 150, "actor_label", truncate=True),
        "action": _short(action, 64, "action"),
        "object_type": _short(object_type, 64, "object_type"),
        "object_id": _short(str(object_id), 64, "object_id"),
        "detail": clean_detail,
        "ip": _client_ip(request),
    }
    with transaction.atomic():
        _lock_chain()
        prev = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        prev_id, prev_hash = prev if prev is not None else (0, GENESIS_HASH)
        entry_id = prev_id + 1
        at = timezone.now()
        digest = chain_hash(prev_hash, canonical_entry(id=entry_id, at=at, **values))
        return AuditEntry.objects.create(
            id=entry_id, at=at, prev_hash=prev_hash, hash=digest, **values
        )


def audit_denied(*, request: HttpRequest | None, actor: Actor, what: str) -> AuditEntry:
    """Record a refused action (``auth.denied``) for the monthly access review.

    SPEC §6 has access reviewed monthly; refusals are what that review looks
    for. ``what`` names the thing refused, e.g. ``"archive 2026-L-0042
    download"``.
    """
    detail: dict[str, Any] = {"what": what}
    if request is not None:
        detail["method"] = request.method or ""
        detail["path"] = request.path
    return audit_log(action="auth.denied", actor=actor, detail=detail, request=request)


def _stream(batch_size: int) -> Iterator[tuple[Any, ...]]:
    last_id = None
    while True:
        rows = AuditEntry.objects.order_by("id")
        if last_id is not None:
            rows = rows.filter(id__gt=last_id)
        batch = list(rows.values_list(*_FIELDS)[:batch_size])
        yield from batch
        if len(batch) < batch_size:
            return
        last_id = batch[-1][0]


def _entry_hash(row: tuple[Any, ...]) -> str:
    entry_id, at, actor_id, label, action, otype, oid, detail, ip, prev, _h = row
    canonical = canonical_entry(
        id=entry_id,
        at=at,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        object_type=otype,
        object_id=oid,
        detail=detail,
        ip=ip,
    )
    return chain_hash(prev, canonical)


def _missing(first: int, last: int) -> str:
    if first == last:
        return _("Entry %(id)d is missing.") % {"id": first}
    return _("Entries %(first)d to %(last)d are missing.") % {
        "first": first,
        "last": last,
    }


def audit_verify(
    *, batch_size: int = 5000, anchor: AuditAnchor | None = None
) -> VerifyResult:
    """Check the whole audit chain and report the first break (SPEC §6).

    Streams entries in id order with keyset pagination (constant memory).
    Detects a changed entry (its hash no longer matches), a deleted one (a
    gap in the ids), an inserted or reordered one (a broken ``prev_hash``
    link or hash). With ``anchor`` (a head recorded earlier), also detects
    that newer entries were removed or rewritten.
    """
    checked = 0
    expected_id = 1
    prev_hash = GENESIS_HASH

    def bad(entry_id: int, reason: str) -> VerifyResult:
        return VerifyResult(
            ok=False,
            checked=checked,
            first_bad_id=entry_id,
            reason=reason,
            head_id=expected_id - 1 or None,
            head_hash=prev_hash,
        )

    for row in _stream(batch_size):
        entry_id, stored_prev, stored_hash = row[0], row[9], row[10]
        if entry_id != expected_id:
            return bad(expected_id, _missing(expected_id, entry_id - 1))
        if stored_prev != prev_hash:
            return bad(
                entry_id,
                _("Entry %(id)d does not follow the previous entry.")
                % {"id": entry_id},
            )
        if _entry_hash(row) != stored_hash:
            return bad(
                entry_id,
                _("Entry %(id)d was changed after it was written.") % {"id": entry_id},
            )
        checked += 1
        if anchor is not None and entry_id == anchor.id and stored_hash != anchor.hash:
            return bad(
                entry_id,
                _("Entry %(id)d differs from the recorded anchor.") % {"id": entry_id},
            )
        prev_hash = stored_hash
        expected_id = entry_id + 1

    if anchor is not None and anchor.id >= expected_id:
        return bad(expected_id, _missing(expected_id, anchor.id))
    return VerifyResult(
        ok=True,
        checked=checked,
        head_id=expected_id - 1 or None,
        head_hash=prev_hash,
    )
