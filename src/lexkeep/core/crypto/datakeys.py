"""Data keys: random AES-256 keys stored only wrapped by a master key."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.core.crypto.exceptions import (
    DecryptionError,
    KeyDestroyed,
    KeyNotFound,
)
from lexkeep.core.crypto.keyring import active_master_key, master_key
from lexkeep.core.models import DataKey

NONCE_BYTES = 12
DEFAULT_SCOPE = "default"

# Unwrapped keys are cached per process. A key destroyed by another process
# stays usable here for at most CACHE_TTL seconds, so the cache is bounded in
# time as well as in size.
CACHE_SIZE = 1024
CACHE_TTL = 300.0

_cache: OrderedDict[int, tuple[float, bytes]] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_get(key_id: int) -> bytes | None:
    with _cache_lock:
        entry = _cache.get(key_id)
        if entry is None:
            return None
        expires, key = entry
        if expires < time.monotonic():
            del _cache[key_id]
            return None
        _cache.move_to_end(key_id)
        return key


def _cache_put(key_id: int, key: bytes) -> None:
    with _cache_lock:
        _cache[key_id] = (time.monotonic() + CACHE_TTL, key)
        _cache.move_to_end(key_id)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def _cache_forget(key_id: int) -> None:
    with _cache_lock:
        _cache.pop(key_id, None)


class _CacheOnCommit:
    """An on-commit hook that caches a key; while queued, the key is pending.

    Django drops queued hooks when their transaction or savepoint rolls
    back, so a pending key is exactly one whose row is still alive in the
    current transaction.
    """

    def __init__(self, key_id: int, key: bytes) -> None:
        self.key_id = key_id
        self.key = key

    def __call__(self) -> None:
        _cache_put(self.key_id, self.key)


def _pending_get(key_id: int) -> bytes | None:
    """Return a key unwrapped earlier in the current, still open transaction."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return None
    for _sids, func, _robust in conn.run_on_commit:
        if isinstance(func, _CacheOnCommit) and func.key_id == key_id:
            return func.key
    return None


def _pending_forget(key_id: int | None = None) -> None:
    """Drop pending keys (all, or ``key_id``) from the open transaction."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return
    conn.run_on_commit = [
        entry
        for entry in conn.run_on_commit
        if not (
            isinstance(entry[1], _CacheOnCommit)
            and (key_id is None or entry[1].key_id == key_id)
        )
    ]


def _remember(key_id: int, key: bytes) -> None:
    """Cache ``key`` once its row is known to be committed.

    A row read or created inside an open transaction may still be rolled
    back and its id reused (SQLite), so the process cache waits for the
    commit; until then the key is found among the transaction's pending
    hooks (no second query within one transaction).
    """
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        if _pending_get(key_id) is None:
            transaction.on_commit(_CacheOnCommit(key_id, key))
    else:
        _cache_put(key_id, key)


def clear_cache() -> None:
    """Forget every unwrapped data key held by this process."""
    with _cache_lock:
        _cache.clear()
    _pending_forget()


def wrap_aad(purpose: str) -> bytes:
    """Return the associated data that binds a wrapped key to its purpose."""
    return b"lexkeep-dk:" + purpose.encode("ascii")


def wrap(key: bytes, *, master: bytes, purpose: str) -> bytes:
    """Return ``nonce || AESGCM(master).encrypt(nonce, key, aad)``."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(master).encrypt(nonce, key, wrap_aad(purpose))


def unwrap(wrapped: bytes, *, master: bytes, purpose: str) -> bytes:
    """Return the data key inside ``wrapped``; raise ``DecryptionError``."""
    nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
    try:
        return AESGCM(master).decrypt(nonce, sealed, wrap_aad(purpose))
    except (InvalidTag, ValueError):
        raise DecryptionError(_("A data key could not be unwrapped.")) from None


def data_key_create(*, purpose: str, scope: str = "") -> DataKey:
    """Create a random 256-bit data key, wrapped by the active master key."""
    key = AESGCM.generate_key(bit_length=256)
    master_id, master = active_master_key()
    data_key = DataKey(
        purpose=purpose,
        scope=scope,
        wrapped_key=wrap(key, master=master, purpose=purpose),
        master_key_id=master_id,
    )
    data_key.full_clean()
    data_key.save()
    _remember(data_key.pk, key)
    return data_key


def data_key_get(key_id: int) -> bytes:
    """Return the unwrapped data key ``key_id``.

    Raise ``KeyNotFound`` if there is no such row and ``KeyDestroyed`` if it
    was destroyed.
    """
    cached = _cache_get(key_id) or _pending_get(key_id)
    if cached is not None:
        return cached
    row = (
        DataKey.objects.filter(pk=key_id)
        .values("purpose", "wrapped_key", "master_key_id", "destroyed_at")
        .first()
    )
    if row is None:
        raise KeyNotFound(_("Data key %(id)s does not exist.") % {"id": key_id})
    wrapped = bytes(row["wrapped_key"] or b"")
    if row["destroyed_at"] is not None or not wrapped:
        raise KeyDestroyed(
            _("Data key %(id)s has been destroyed; its data cannot be read.")
            % {"id": key_id}
        )
    key = unwrap(
        wrapped, master=master_key(row["master_key_id"]), purpose=row["purpose"]
    )
    _remember(key_id, key)
    return key


def data_key_destroy(*, data_key: DataKey) -> None:
    """Destroy ``data_key`` (crypto-shredding): everything it encrypted is lost.

    The wrapped key is overwritten with nothing and ``destroyed_at`` is set.
    Copies of the wrapped key in old backups stay unreadable once the master
    key that wrapped them has been rotated away.
    """
    now = timezone.now()
    with transaction.atomic():
        DataKey.objects.filter(pk=data_key.pk, destroyed_at__isnull=True).update(
            destroyed_at=now
        )
        DataKey.objects.filter(pk=data_key.pk).update(wrapped_key=b"")
        _pending_forget(data_key.pk)
        transaction.on_commit(lambda: _cache_forget(data_key.pk))
    _cache_forget(data_key.pk)
    data_key.refresh_from_db(fields=["destroyed_at", "wrapped_key"])


def _lock_key_creation(purpose: str, scope: str) -> None:
    """Serialise creation of the shared key for ``purpose``/``scope``.

    On PostgreSQL a transaction-level advisory lock; on SQLite the enclosing
    ``BEGIN IMMEDIATE`` transaction already holds the single write lock.
    """
    conn = transaction.get_connection()
    if conn.vendor == "postgresql":
        digest = hashlib.sha256(f"lexkeep-dk:{purpose}:{scope}".encode()).digest()
        lock_id = int.from_bytes(digest[:8], "big", signed=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _shared_key(purpose: str, scope: str, *, newest: bool) -> DataKey | None:
    order = "-pk" if newest else "pk"
    return (
        DataKey.objects.filter(purpose=purpose, scope=scope, destroyed_at__isnull=True)
        .order_by(order)
        .first()
    )


def _get_or_create_shared(purpose: str, scope: str, *, newest: bool) -> DataKey:
    key = _shared_key(purpose, scope, newest=newest)
    if key is not None:
        return key
    with transaction.atomic():
        _lock_key_creation(purpose, scope)
        key = _shared_key(purpose, scope, newest=newest)
        if key is None:
            key = data_key_create(purpose=purpose, scope=scope)
    return key


def active_field_key() -> DataKey:
    """Return the data key that encrypts new field values, creating it once."""
    return _get_or_create_shared(DataKey.Purpose.FIELD, DEFAULT_SCOPE, newest=True)


def blind_index_key() -> DataKey:
    """Return the blind-index key, creating it once.

    It must never change: every stored index was computed with it, so the
    oldest live key of its kind always wins.
    """
    return _get_or_create_shared(
        DataKey.Purpose.BLIND_INDEX, DEFAULT_SCOPE, newest=False
    )


def file_key_for_scope(scope: str) -> DataKey:
    """Return the file data key of ``scope`` (e.g. one archive volume).

    The key is created on first use. If the scope's key was destroyed,
    raise ``KeyDestroyed`` rather than start a new key for a shredded scope.
    """
    purpose = DataKey.Purpose.FILE
    key = _shared_key(purpose, scope, newest=True)
    if key is not None:
        return key
    with transaction.atomic():
        _lock_key_creation(purpose, scope)
        key = _shared_key(purpose, scope, newest=True)
        if key is not None:
            return key
        if DataKey.objects.filter(purpose=purpose, scope=scope).exists():
            raise KeyDestroyed(
                _("The data key of %(scope)s has been destroyed.") % {"scope": scope}
            )
        return data_key_create(purpose=purpose, scope=scope)
