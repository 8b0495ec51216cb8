"""Envelope encryption: AES-256-GCM data keys wrapped by a master key ring.

Values and files are encrypted with data keys (``DataKey`` rows); each data
key is stored only wrapped by a master key held outside the database (a
0600 key ring file or ``LEXKEEP_MASTER_KEY``). Destroying a data key makes
its data unreadable (crypto-shredding); rotating the master key re-wraps
the data keys without touching the data.
"""

from lexkeep.core.crypto.datakeys import (
    active_field_key,
    blind_index_key,
    data_key_create,
    data_key_destroy,
    data_key_get,
    file_key_for_scope,
)
from lexkeep.core.crypto.exceptions import (
    CryptoError,
    DecryptionError,
    KeyDestroyed,
    KeyNotFound,
    MasterKeyError,
)
from lexkeep.core.crypto.rotation import RotationResult, rotate_master_key
from lexkeep.core.crypto.values import (
    blind_index,
    decrypt_bytes,
    decrypt_value,
    encrypt_bytes,
    encrypt_value,
    is_token,
)


def clear_caches() -> None:
    """Forget the cached key ring and unwrapped data keys of this process."""
    from lexkeep.core.crypto import datakeys, keyring

    keyring.invalidate()
    datakeys.clear_cache()


__all__ = [
    "CryptoError",
    "DecryptionError",
    "KeyDestroyed",
    "KeyNotFound",
    "MasterKeyError",
    "RotationResult",
    "active_field_key",
    "blind_index",
    "blind_index_key",
    "clear_caches",
    "data_key_create",
    "data_key_destroy",
    "data_key_get",
    "decrypt_bytes",
    "decrypt_value",
    "encrypt_bytes",
    "encrypt_value",
    "file_key_for_scope",
    "is_token",
    "rotate_master_key",
]
