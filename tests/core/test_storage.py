"""Atomic file storage and the encrypted content-addressed store."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile, File

from lexkeep.core import crypto
from lexkeep.core.crypto import (
    DecryptionError,
    KeyDestroyed,
    data_key_destroy,
    file_key_for_scope,
)
from lexkeep.core.models import DataKey
from lexkeep.core.storage import (
    AtomicFileSystemStorage,
    BlobIntegrityError,
    BlobNotFound,
    BlobTooLarge,
    EncryptedContentStore,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_ring(settings, tmp_path, monkeypatch) -> Path:
    """Give each test its own master key ring file and no stale keys."""
    monkeypatch.delenv("LEXKEEP_MASTER_KEY", raising=False)
    path = tmp_path / "keys" / "master.key"
    settings.MASTER_KEY_FILE = path
    crypto.clear_caches()
    # Keys left committed by an interrupted run were wrapped by another ring.
    DataKey.objects.all().delete()
    yield path
    crypto.clear_caches()


@pytest.fixture
def root(tmp_path) -> Path:
    path = tmp_path / "files"
    path.mkdir()
    return path


@pytest.fixture
def storage(root) -> AtomicFileSystemStorage:
    return AtomicFileSystemStorage(location=str(root))


@pytest.fixture
def store(storage) -> EncryptedContentStore:
    return EncryptedContentStore(storage)


class FailingReader(io.RawIOBase):
    """An upload that delivers ``good`` bytes and then breaks (a dropped client)."""

    def __init__(self, good: int) -> None:
        self.left = good

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            raise OSError("connection reset while reading upload")
        n = self.left if size is None or size < 0 else min(size, self.left)
        self.left -= n
        return b"x" * n


def all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


class TestAtomicFileSystemStorage:
    def test_save_and_read(self, storage, root):
        name = storage.save("a/b/report.pdf", ContentFile(b"%PDF-1.7 data"))
        assert name == "a/b/report.pdf"
        assert (root / "a/b/report.pdf").read_bytes() == b"%PDF-1.7 data"
        assert [p.name for p in all_files(root)] == ["report.pdf"]

    def test_existing_name_is_not_overwritten(self, storage, root):
        storage.save("x.txt", ContentFile(b"one"))
        other = storage.save("x.txt", ContentFile(b"two"))
        assert other != "x.txt"
        assert (root / "x.txt").read_bytes() == b"one"
        assert (root / other).read_bytes() == b"two"

    def test_overwrite_when_allowed(self, root):
        storage = AtomicFileSystemStorage(location=str(root), allow_overwrite=True)
        storage.save("x.txt", ContentFile(b"one"))
        assert storage.save("x.txt", ContentFile(b"two")) == "x.txt"
        assert (root / "x.txt").read_bytes() == b"two"

    def test_text_content(self, storage, root):
        storage.save("t.txt", ContentFile("档案目录"))
        assert (root / "t.txt").read_text(encoding="utf-8") == "档案目录"

    def test_failure_midway_leaves_nothing(self, storage, root):
        upload = File(FailingReader(good=3 * 64 * 1024), name="scan.pdf")
        with pytest.raises(OSError, match="connection reset"):
            storage.save("vol/scan.pdf", upload)
        assert all_files(root) == []
        assert not storage.exists("vol/scan.pdf")

    def test_file_permissions(self, root):
        storage = AtomicFileSystemStorage(
            location=str(root), file_permissions_mode=0o640
        )
        storage.save("p.txt", ContentFile(b"x"))
        assert stat.S_IMODE((root / "p.txt").stat().st_mode) == 0o640


class TestEncryptedContentStore:
    def test_round_trip(self, store, root):
        key = file_key_for_scope("archives.volume:1")
        data = os.urandom(3 * 1024 * 1024 + 17)
        blob = store.put(io.BytesIO(data), data_key=key)
        stored = (root / blob.name).read_bytes()
        assert blob.name == (
            f"blobs/{blob.sha256_stored[:2]}/{blob.sha256_stored[2:4]}/"
            f"{blob.sha256_stored}"
        )
        assert blob.sha256_stored == hashlib.sha256(stored).hexdigest()
        assert blob.sha256_plain == hashlib.sha256(data).hexdigest()
        assert blob.size == len(data)
        assert blob.stored_size == len(stored)
        assert data[:4096] not in stored
        assert store.exists(blob.name)
        assert store.verify(blob.name)
        assert store.get(blob.name, data_key=key) == data

    def test_put_bytes(self, store):
        key = file_key_for_scope("s")
        blob = store.put(b"hello", data_key=key)
        assert store.get(blob.name, data_key=key) == b"hello"

    def test_wrong_key(self, store):
        blob = store.put(b"hello", data_key=file_key_for_scope("one"))
        with pytest.raises(DecryptionError):
            store.get(blob.name, data_key=file_key_for_scope("two"))

    def test_flipped_byte_is_detected(self, store, root):
        key = file_key_for_scope("archives.volume:1")
        blob = store.put(b"scanned page " * 1000, data_key=key)
        path = root / blob.name
        content = bytearray(path.read_bytes())
        content[len(content) // 2] ^= 0x01
        path.write_bytes(bytes(content))
        assert store.verify(blob.name) is False
        with pytest.raises(BlobIntegrityError):
            store.get(blob.name, data_key=key)

    def test_verify_needs_no_key(self, store):
        key = file_key_for_scope("archives.volume:5")
        blob = store.put(b"page", data_key=key)
        data_key_destroy(data_key=key)
        assert store.verify(blob.name)
        with pytest.raises(KeyDestroyed):
            store.get(blob.name, data_key=key)

    def test_failure_midway_leaves_nothing(self, store, root):
        key = file_key_for_scope("s")
        with pytest.raises(OSError, match="connection reset"):
            store.put(FailingReader(good=5 * 1024 * 1024), data_key=key)
        assert all_files(root) == []

    def test_too_large_is_refused_before_writing(self, storage, root):
        store = EncryptedContentStore(storage, max_size=1024)
        with pytest.raises(BlobTooLarge):
            store.put(io.BytesIO(b"x" * 2048), data_key=file_key_for_scope("s"))
        assert all_files(root) == []

    def test_delete_and_missing(self, store):
        blob = store.put(b"x", data_key=file_key_for_scope("s"))
        store.delete(blob.name)
        assert not store.exists(blob.name)
        assert store.verify(blob.name) is False
        with pytest.raises(BlobNotFound):
            store.get(blob.name, data_key=file_key_for_scope("s"))
        store.delete(blob.name)

    @pytest.mark.parametrize(
        "name", ["../etc/passwd", "blobs/aa/bb/" + "c" * 64, "blobs/x/y/z"]
    )
    def test_names_are_validated(self, store, name):
        with pytest.raises(ValueError):
            store.verify(name)

    def test_default_storage(self, settings):
        store = EncryptedContentStore()
        key = file_key_for_scope("s")
        blob = store.put(b"default", data_key=key)
        try:
            assert store.get(blob.name, data_key=key) == b"default"
        finally:
            store.delete(blob.name)
