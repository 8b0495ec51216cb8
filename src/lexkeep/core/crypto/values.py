"""Encrypt values and byte strings with data keys; compute blind indexes.

Value token format (ASCII, fits a text column)::

    v1.<data key id>.<base64url without padding of nonce(12) || ciphertext+tag>

The associated data is ``"v1|<key id>|<aad>"``, so a token only decrypts
under the AAD it was written with (for fields: ``app.model.field``).

Byte format (files)::

    b"LXK1" || key id (8 bytes, big-endian) || nonce(12) || ciphertext+tag

with the 12-byte header plus the caller's AAD as associated data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext as _

from lexkeep.core.crypto.datakeys import (
    NONCE_BYTES,
    active_field_key,
    blind_index_key,
    data_key_get,
)
from lexkeep.core.crypto.exceptions import DecryptionError
from lexkeep.core.models import DataKey

TOKEN_VERSION = "v1"  # noqa: S105 - a format tag, not a secret
BLOB_MAGIC = b"LXK1"
_BLOB_HEADER = len(BLOB_MAGIC) + 8
_TAG_BYTES = 16


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _value_aad(key_id: int, aad: str) -> bytes:
    return f"{TOKEN_VERSION}|{key_id}|{aad}".encode()


def _usable(data_key: DataKey) -> DataKey:
    if data_key.purpose == DataKey.Purpose.BLIND_INDEX:
        raise ValueError("A blind-index key cannot encrypt data.")
    return data_key


def is_token(value: str) -> bool:
    """Return whether ``value`` looks like a value token (not a proof)."""
    parts = value.split(".", 2)
    return len(parts) == 3 and parts[0] == TOKEN_VERSION and parts[1].isdigit()


def encrypt_value(plaintext: str, *, aad: str, data_key: DataKey | None = None) -> str:
    """Return an ASCII token holding ``plaintext`` encrypted with AES-256-GCM.

    ``data_key`` defaults to the active field key.
    """
    key_row = _usable(data_key or active_field_key())
    key = data_key_get(key_row.pk)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(
        nonce, plaintext.encode("utf-8"), _value_aad(key_row.pk, aad)
    )
    return f"{TOKEN_VERSION}.{key_row.pk}.{_b64url(nonce + sealed)}"


def decrypt_value(token: str, *, aad: str) -> str:
    """Return the plaintext inside ``token``.

    Raise ``DecryptionError`` if the token is malformed, was altered or was
    written with another AAD, and ``KeyDestroyed`` if its key was destroyed.
    """
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != TOKEN_VERSION or not parts[1].isdigit():
        raise DecryptionError(_("The value is not an encrypted token."))
    key_id = int(parts[1])
    try:
        raw = _unb64url(parts[2])
    except (binascii.Error, ValueError):
        raise DecryptionError(_("The encrypted token is corrupt.")) from None
    if len(raw) < NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError(_("The encrypted token is corrupt."))
    key = data_key_get(key_id)
    try:
        plain = AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _value_aad(key_id, aad)
        )
    except InvalidTag:
        raise DecryptionError(
            _("The encrypted value was altered or belongs elsewhere.")
        ) from None
    return plain.decode("utf-8")


def encrypt_bytes(data: bytes, *, data_key: DataKey, aad: bytes = b"") -> bytes:
    """Return ``data`` encrypted with ``data_key`` in the LXK1 byte format."""
    key_row = _usable(data_key)
    key = data_key_get(key_row.pk)
    header = BLOB_MAGIC + int(key_row.pk).to_bytes(8, "big")
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + AESGCM(key).encrypt(nonce, data, header + aad)


def blob_key_id(blob: bytes) -> int:
    """Return the data key id named in the header of an LXK1 blob."""
    if len(blob) < _BLOB_HEADER + NONCE_BYTES + _TAG_BYTES or not blob.startswith(
        BLOB_MAGIC
    ):
        raise DecryptionError(_("The encrypted file is corrupt."))
    return int.from_bytes(blob[len(BLOB_MAGIC) : _BLOB_HEADER], "big")


def decrypt_bytes(
    blob: bytes, *, data_key: DataKey | None = None, aad: bytes = b""
) -> bytes:
    """Return the plaintext of an LXK1 ``blob``.

    If ``data_key`` is given, the blob must name it. Raise
    ``DecryptionError`` on a malformed or altered blob or a wrong key or AAD.
    """
    key_id = blob_key_id(blob)
    if data_key is not None and data_key.pk != key_id:
        raise DecryptionError(_("The file was encrypted with another data key."))
    key = data_key_get(key_id)
    header = blob[:_BLOB_HEADER]
    nonce = blob[_BLOB_HEADER : _BLOB_HEADER + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(
            nonce, blob[_BLOB_HEADER + NONCE_BYTES :], header + aad
        )
    except InvalidTag:
        raise DecryptionError(
            _("The encrypted file was altered or belongs elsewhere.")
        ) from None


def normalise(value: str) -> str:
    """Return ``value`` as blind indexes see it.

    NFKC folds full-width forms to half-width (``１２３Ｘ`` → ``123X``, the
    ideographic space to a space); then surrounding space is stripped and
    letters are upper-cased.
    """
    return unicodedata.normalize("NFKC", value).strip().upper()


def blind_index(value: str, *, purpose: str) -> str:
    """Return the keyed hash (hex HMAC-SHA256) of ``value`` for exact lookups.

    ``purpose`` (e.g. ``clients.client.id_number``) derives a sub-key, so
    the same number stored in two fields gets unrelated indexes.
    """
    key = data_key_get(blind_index_key().pk)
    sub_key = hmac.new(
        key, b"lexkeep-bi:" + purpose.encode("utf-8"), hashlib.sha256
    ).digest()
    return hmac.new(
        sub_key, normalise(value).encode("utf-8"), hashlib.sha256
    ).hexdigest()
