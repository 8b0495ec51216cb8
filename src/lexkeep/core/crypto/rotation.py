"""Master key rotation: re-wrap every data key under a new master key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.core.crypto import keyring
from lexkeep.core.crypto.datakeys import unwrap, wrap
from lexkeep.core.crypto.exceptions import DecryptionError, MasterKeyError
from lexkeep.core.models import DataKey

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class RotationResult:
    """What a master key rotation did."""

    new_key_id: str
    resumed: bool
    rewrapped: int
    destroyed_relabelled: int
    failed: int
    removed_key_ids: tuple[str, ...]
    kept_key_ids: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"active={self.new_key_id} rewrapped={self.rewrapped} "
            f"destroyed={self.destroyed_relabelled} failed={self.failed} "
            f"removed={','.join(self.removed_key_ids) or '-'} "
            f"kept={','.join(self.kept_key_ids) or '-'}"
            + (" (resumed)" if self.resumed else "")
        )


def _referenced_ids() -> set[str]:
    return set(
        DataKey.objects.order_by().values_list("master_key_id", flat=True).distinct()
    )


def _rewrap_batch(
    ids: list[int], ring: keyring.KeyRing, counts: dict[str, int]
) -> None:
    active = ring.active
    now = timezone.now()
    with transaction.atomic():
        rows = (
            DataKey.objects.select_for_update()
            .filter(pk__in=ids)
            .exclude(master_key_id=active)
            .order_by("pk")
        )
        for row in rows:
            wrapped = bytes(row.wrapped_key or b"")
            if row.destroyed_at is not None or not wrapped:
                # Nothing is wrapped any more: only the label moves on.
                DataKey.objects.filter(pk=row.pk).update(master_key_id=active)
                counts["destroyed"] += 1
                continue
            old = ring.keys.get(row.master_key_id)
            if old is None:
                counts["failed"] += 1
                continue
            try:
                key = unwrap(wrapped, master=old, purpose=row.purpose)
            except DecryptionError:
                counts["failed"] += 1
                continue
            # Conditional update: never resurrect a key destroyed meanwhile.
            counts["rewrapped"] += DataKey.objects.filter(
                pk=row.pk, master_key_id=row.master_key_id, destroyed_at__isnull=True
            ).update(
                wrapped_key=wrap(key, master=ring.keys[active], purpose=row.purpose),
                master_key_id=active,
                rotated_at=now,
            )


def rotate_master_key(*, batch_size: int = DEFAULT_BATCH_SIZE) -> RotationResult:
    """Rotate the master key and re-wrap every data key under the new one.

    Steps, each safe to repeat: (1) write the ring with a new active key
    beside the old ones (atomic rename, mode 0600); (2) re-wrap data keys
    still under an old key, ``batch_size`` rows per transaction, setting
    ``rotated_at``; (3) drop from the ring every old key no row references.
    The data keys themselves do not change, so all data stays readable.

    If the ring already holds more than one key, a previous rotation was
    interrupted and is finished instead of starting another one. Run this
    outside a transaction; only one rotation runs at a time (file lock).
    With several hosts, every host must see the same ring file.
    """
    if keyring.load_ring().from_env:
        raise MasterKeyError(
            _(
                "The master key comes from LEXKEEP_MASTER_KEY; rotate it by "
                "moving to a key file."
            )
        )
    path = keyring.ring_path()
    with keyring.ring_lock(path):
        ring = keyring.read_ring_file(path)
        resumed = len(ring.keys) > 1
        if not resumed:
            new_id = keyring.new_key_id(ring.keys)
            keys = dict(ring.keys)
            keys[new_id] = secrets.token_bytes(keyring.KEY_BYTES)
            ring = keyring.KeyRing(active=new_id, keys=keys)
            keyring.write_ring(ring, path)

        counts = {"rewrapped": 0, "destroyed": 0, "failed": 0}
        last_pk = 0
        while True:
            ids = list(
                DataKey.objects.filter(pk__gt=last_pk)
                .exclude(master_key_id=ring.active)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            _rewrap_batch(ids, ring, counts)
            last_pk = ids[-1]

        referenced = _referenced_ids()
        removable = [
            key_id
            for key_id in ring.keys
            if key_id != ring.active and key_id not in referenced
        ]
        if removable:
            pruned = keyring.KeyRing(
                active=ring.active,
                keys={k: v for k, v in ring.keys.items() if k not in removable},
            )
            keyring.write_ring(pruned, path)
            # A process that had not yet seen the new ring may just have
            # wrapped a key under an old master key: put such keys back.
            referenced = _referenced_ids()
            again = [k for k in removable if k in referenced]
            if again:
                keys = dict(pruned.keys)
                keys.update({k: ring.keys[k] for k in again})
                keyring.write_ring(keyring.KeyRing(active=ring.active, keys=keys), path)
                removable = [k for k in removable if k not in again]
        kept = tuple(
            sorted(k for k in ring.keys if k != ring.active and k not in removable)
        )
    keyring.invalidate()
    return RotationResult(
        new_key_id=ring.active,
        resumed=resumed,
        rewrapped=counts["rewrapped"],
        destroyed_relabelled=counts["destroyed"],
        failed=counts["failed"],
        removed_key_ids=tuple(sorted(removable)),
        kept_key_ids=kept,
    )
