"""File storage: atomic local writes and an encrypted, content-addressed store.

``AtomicFileSystemStorage`` never leaves a partial file under a real name:
content goes to a temporary file in the target directory, is flushed and
fsynced, then renamed into place. ``EncryptedContentStore`` encrypts files
with a data key (AES-256-GCM, see ``lexkeep.core.crypto``) and names each
blob by the SHA-256 of its stored bytes, so fixity can be checked without
any key (ARCHITECTURE "Data protection by design").
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.utils.translation import gettext as _

from lexkeep.core.crypto import decrypt_bytes, encrypt_bytes
from lexkeep.core.models import DataKey

CHUNK_SIZE = 1024 * 1024
# AES-GCM here encrypts a whole file in memory (plaintext and ciphertext both
# held, so about twice the file size). 200 MiB bounds that; a firm's scanned
# volume is tens of MB. Override with settings.LEXKEEP_MAX_BLOB_BYTES.
DEFAULT_MAX_BLOB_BYTES = 200 * 1024 * 1024
BLOB_AAD = b"lexkeep-blob"

_BLOB_NAME = re.compile(r"^blobs/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class AtomicFileSystemStorage(FileSystemStorage):
    """A ``FileSystemStorage`` whose writes are all-or-nothing.

    ``_save`` writes a temporary file in the target directory, flushes and
    fsyncs it, then moves it into place (``os.replace`` when overwriting is
    allowed, else a hard link that fails on an existing name), and fsyncs
    the directory. On any error the temporary file is removed. New files
    are mode 0600 unless ``FILE_UPLOAD_PERMISSIONS`` says otherwise.
    """

    def _save(self, name: str, content: File[Any]) -> str:
        full_path = Path(self.path(name))
        directory = full_path.parent
        if self.directory_permissions_mode is not None:
            directory.mkdir(
                parents=True, exist_ok=True, mode=self.directory_permissions_mode
            )
        else:
            directory.mkdir(parents=True, exist_ok=True)
        tmp = self._write_temp(directory, content)
        try:
            if self.file_permissions_mode is not None:
                tmp.chmod(self.file_permissions_mode)
            while True:
                try:
                    self._publish(tmp, full_path)
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = Path(self.path(name))
                else:
                    break
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(full_path.parent)
        relative = full_path.relative_to(Path(self.location))
        return relative.as_posix()

    def _publish(self, tmp: Path, target: Path) -> None:
        """Move the complete ``tmp`` to ``target`` in one step."""
        if getattr(self, "_allow_overwrite", False):
            tmp.replace(target)
            return
        try:
            target.hardlink_to(tmp)
        except FileExistsError:
            raise
        except OSError:
            # No hard links on this file system: check, then rename.
            if target.exists():
                raise FileExistsError(target) from None
            tmp.replace(target)

    @staticmethod
    def _write_temp(directory: Path, content: File[Any]) -> Path:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in content.chunks():
                    fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp


class StorageError(Exception):
    """Base class for errors of the encrypted content store."""


class BlobTooLarge(StorageError):
    """The file exceeds the size the store encrypts in memory."""


class BlobIntegrityError(StorageError):
    """A stored blob no longer hashes to its name: it was altered or damaged."""


class BlobNotFound(StorageError):
    """No blob exists under the given name."""


@dataclass(frozen=True)
class StoredBlob:
    """Where an encrypted file was stored and how to check it.

    ``size`` is the plaintext size; ``stored_size`` the encrypted size.
    """

    name: str
    sha256_plain: str
    sha256_stored: str
    size: int
    stored_size: int


def blob_name(sha256_hex: str) -> str:
    """Return the fan-out path ``blobs/ab/cd/<sha256>`` of a stored hash."""
    return f"blobs/{sha256_hex[:2]}/{sha256_hex[2:4]}/{sha256_hex}"


def _expected_hash(name: str) -> str:
    match = _BLOB_NAME.match(name)
    if not match or not match.group(3).startswith(match.group(1) + match.group(2)):
        raise ValueError(f"Not a blob name: {name!r}")
    return match.group(3)


def _chunks(source: bytes | IO[bytes]) -> Iterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        yield bytes(source)
        return
    while True:
        chunk = source.read(CHUNK_SIZE)
        if not chunk:
            return
        if isinstance(chunk, str):
            raise TypeError("EncryptedContentStore.put needs bytes, not text.")
        yield chunk


class EncryptedContentStore:
    """Encrypted, content-addressed blobs on top of any Django storage.

    Blobs are encrypted whole with AES-256-GCM, so a file is limited to
    ``max_size`` bytes (200 MiB by default); larger files raise
    ``BlobTooLarge`` before anything is written. Writes go through one
    ``storage.save`` call: atomic on ``AtomicFileSystemStorage`` and on
    object stores, and nothing is written if reading the input fails.
    """

    def __init__(
        self, storage: Storage | None = None, *, max_size: int | None = None
    ) -> None:
        self.storage = storage if storage is not None else default_storage
        self.max_size = (
            max_size
            if max_size is not None
            else int(
                getattr(settings, "LEXKEEP_MAX_BLOB_BYTES", DEFAULT_MAX_BLOB_BYTES)
            )
        )

    def put(self, data: bytes | IO[bytes], *, data_key: DataKey) -> StoredBlob:
        """Encrypt ``data`` with ``data_key``, store it and return its record."""
        plain_hash = hashlib.sha256()
        buffer = io.BytesIO()
        for chunk in _chunks(data):
            if buffer.tell() + len(chunk) > self.max_size:
                raise BlobTooLarge(
                    _("The file is larger than %(limit)s bytes.")
                    % {"limit": self.max_size}
                )
            plain_hash.update(chunk)
            buffer.write(chunk)
        size = buffer.tell()
        stored = encrypt_bytes(buffer.getvalue(), data_key=data_key, aad=BLOB_AAD)
        del buffer
        stored_hash = hashlib.sha256(stored).hexdigest()
        name = blob_name(stored_hash)
        if not self.storage.exists(name):
            saved = self.storage.save(name, ContentFile(stored))
            if saved != name:
                # Someone stored the same bytes meanwhile: keep theirs.
                self.storage.delete(saved)
        return StoredBlob(
            name=name,
            sha256_plain=plain_hash.hexdigest(),
            sha256_stored=stored_hash,
            size=size,
            stored_size=len(stored),
        )

    def _read_verified(self, name: str) -> tuple[bytes, bool]:
        expected = _expected_hash(name)
        if not self.storage.exists(name):
            raise BlobNotFound(_("The file %(name)s is missing.") % {"name": name})
        digest = hashlib.sha256()
        parts: list[bytes] = []
        with self.storage.open(name, "rb") as fh:
            for chunk in fh.chunks(CHUNK_SIZE):
                digest.update(chunk)
                parts.append(chunk)
        return b"".join(parts), digest.hexdigest() == expected

    def get(self, name: str, *, data_key: DataKey) -> bytes:
        """Return the plaintext of blob ``name`` after checking its hash.

        Raise ``BlobIntegrityError`` if the stored bytes changed,
        ``BlobNotFound`` if it is missing, and the crypto errors
        (``KeyDestroyed``, ``DecryptionError``) from decryption.
        """
        stored, intact = self._read_verified(name)
        if not intact:
            raise BlobIntegrityError(
                _("The file %(name)s is damaged: its hash does not match.")
                % {"name": name}
            )
        return decrypt_bytes(stored, data_key=data_key, aad=BLOB_AAD)

    def verify(self, name: str) -> bool:
        """Return whether blob ``name`` exists and still hashes to its name.

        Fixity check: needs no key, so it runs on a schedule and after a
        restore even for volumes whose key was destroyed.
        """
        expected = _expected_hash(name)
        if not self.storage.exists(name):
            return False
        digest = hashlib.sha256()
        with self.storage.open(name, "rb") as fh:
            for chunk in fh.chunks(CHUNK_SIZE):
                digest.update(chunk)
        return digest.hexdigest() == expected

    def iter_names(self) -> Iterator[str]:
        """Yield the name of every stored blob (walks ``blobs/ab/cd/``)."""

        def walk(directory: str) -> Iterator[str]:
            try:
                subdirs, files = self.storage.listdir(directory)
            except FileNotFoundError:
                return
            for filename in sorted(files):
                name = f"{directory}/{filename}"
                try:
                    _expected_hash(name)
                except ValueError:
                    continue  # a temp file or something not ours
                yield name
            for sub in sorted(subdirs):
                yield from walk(f"{directory}/{sub}")

        yield from walk("blobs")

    def exists(self, name: str) -> bool:
        """Return whether blob ``name`` is stored."""
        _expected_hash(name)
        return self.storage.exists(name)

    def delete(self, name: str) -> None:
        """Delete blob ``name`` (no error if it is already gone)."""
        _expected_hash(name)
        self.storage.delete(name)
