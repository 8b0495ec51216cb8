"""Envelope encryption: key ring, data keys, values, blind index, rotation."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lexkeep.core import crypto
from lexkeep.core.crypto import (
    DecryptionError,
    KeyDestroyed,
    KeyNotFound,
    MasterKeyError,
    active_field_key,
    blind_index,
    blind_index_key,
    data_key_create,
    data_key_destroy,
    data_key_get,
    decrypt_bytes,
    decrypt_value,
    encrypt_bytes,
    encrypt_value,
    file_key_for_scope,
    rotate_master_key,
)
from lexkeep.core.models import DataKey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_ring(settings, tmp_path, monkeypatch) -> Path:
    """Give each test its own (not yet created) key ring and no stale keys."""
    monkeypatch.delenv("LEXKEEP_MASTER_KEY", raising=False)
    path = tmp_path / "keys" / "master.key"
    settings.MASTER_KEY_FILE = path
    crypto.clear_caches()
    # Keys left committed by an interrupted run were wrapped by another ring.
    DataKey.objects.all().delete()
    yield path
    crypto.clear_caches()


def read_ring(path: Path) -> dict:
    return json.loads(path.read_text())


def flip_char(token: str, index: int) -> str:
    char = token[index]
    return token[:index] + ("A" if char != "A" else "B") + token[index + 1 :]


class TestKeyRing:
    def test_created_on_first_use_with_mode_0600(self, key_ring):
        assert not key_ring.exists()
        data_key_create(purpose=DataKey.Purpose.FIELD)
        assert key_ring.exists()
        assert stat.S_IMODE(key_ring.stat().st_mode) == 0o600
        ring = read_ring(key_ring)
        assert ring["active"] in ring["keys"]
        assert len(base64.b64decode(ring["keys"][ring["active"]])) == 32
        assert [p.name for p in key_ring.parent.iterdir()] == ["master.key"]

    def test_not_read_at_import_time(self, key_ring):
        # Importing the modules (done above) must not have created the ring.
        assert not key_ring.exists()

    def test_data_key_is_stored_wrapped(self, key_ring):
        row = data_key_create(purpose=DataKey.Purpose.FIELD, scope="x")
        key = data_key_get(row.pk)
        assert len(key) == 32
        assert key not in bytes(row.wrapped_key)
        assert row.master_key_id == read_ring(key_ring)["active"]

    def test_env_key_is_a_single_key_ring(self, key_ring, monkeypatch):
        monkeypatch.setenv(
            "LEXKEEP_MASTER_KEY", base64.b64encode(os.urandom(32)).decode()
        )
        crypto.clear_caches()
        row = data_key_create(purpose=DataKey.Purpose.FIELD)
        crypto.clear_caches()
        assert len(data_key_get(row.pk)) == 32
        assert row.master_key_id.startswith("env")
        assert not key_ring.exists()
        with pytest.raises(MasterKeyError):
            rotate_master_key()

    def test_bad_env_key_is_refused(self, monkeypatch):
        monkeypatch.setenv("LEXKEEP_MASTER_KEY", base64.b64encode(b"short").decode())
        with pytest.raises(MasterKeyError):
            data_key_create(purpose=DataKey.Purpose.FIELD)

    def test_malformed_ring_is_refused(self, key_ring):
        key_ring.parent.mkdir()
        key_ring.write_text("{not json")
        with pytest.raises(MasterKeyError):
            data_key_create(purpose=DataKey.Purpose.FIELD)

    def test_unknown_master_key_id_rereads_the_ring(self, key_ring):
        """GIVEN a process that cached the ring
        WHEN another process adds a master key and wraps a data key with it
        THEN this process re-reads the ring and unwraps the key.
        """
        data_key_create(purpose=DataKey.Purpose.FIELD)  # ring now cached
        ring = read_ring(key_ring)
        new_master = os.urandom(32)
        ring["keys"]["feedbeef"] = base64.b64encode(new_master).decode()
        key_ring.write_text(json.dumps(ring))
        data_key = os.urandom(32)
        nonce = os.urandom(12)
        wrapped = nonce + AESGCM(new_master).encrypt(
            nonce, data_key, b"lexkeep-dk:field"
        )
        row = DataKey.objects.create(
            purpose=DataKey.Purpose.FIELD, wrapped_key=wrapped, master_key_id="feedbeef"
        )
        assert data_key_get(row.pk) == data_key

    def test_missing_master_key_raises(self):
        row = data_key_create(purpose=DataKey.Purpose.FIELD)
        DataKey.objects.filter(pk=row.pk).update(master_key_id="00000000")
        crypto.clear_caches()
        with pytest.raises(MasterKeyError):
            data_key_get(row.pk)


class TestValues:
    def test_round_trip(self):
        token = encrypt_value("张三 11010519491231002X", aad="clients.client.id")
        assert token.isascii()
        version, key_id, body = token.split(".")
        assert version == "v1"
        assert int(key_id) == active_field_key().pk
        assert "11010519491231002X" not in token
        assert decrypt_value(token, aad="clients.client.id") == (
            "张三 11010519491231002X"
        )

    def test_same_plaintext_gives_different_tokens(self):
        assert encrypt_value("x", aad="a") != encrypt_value("x", aad="a")

    def test_wrong_aad_is_refused(self):
        token = encrypt_value("secret", aad="clients.client.id_number")
        with pytest.raises(DecryptionError):
            decrypt_value(token, aad="clients.client.bank_account")

    @pytest.mark.parametrize("position", [-10, -30, 12])
    def test_tampering_is_detected(self, position):
        token = encrypt_value("a secret long enough to tamper", aad="a")
        with pytest.raises(DecryptionError):
            decrypt_value(flip_char(token, position), aad="a")

    @pytest.mark.parametrize("token", ["", "plain text", "v2.1.AAAA", "v1.x.AAAA"])
    def test_malformed_token_is_refused(self, token):
        with pytest.raises(DecryptionError):
            decrypt_value(token, aad="a")

    def test_truncated_token_is_refused(self):
        token = encrypt_value("secret", aad="a")
        with pytest.raises(DecryptionError):
            decrypt_value(token[:20], aad="a")

    def test_unknown_key_id(self):
        with pytest.raises(KeyNotFound):
            decrypt_value("v1.999999." + "A" * 40, aad="a")

    def test_explicit_data_key(self):
        key = data_key_create(purpose=DataKey.Purpose.FIELD, scope="matter:7")
        token = encrypt_value("x", aad="a", data_key=key)
        assert token.split(".")[1] == str(key.pk)
        assert decrypt_value(token, aad="a") == "x"

    def test_blind_index_key_cannot_encrypt(self):
        with pytest.raises(ValueError, match="blind-index"):
            encrypt_value("x", aad="a", data_key=blind_index_key())

    def test_active_field_key_is_created_once(self):
        assert active_field_key().pk == active_field_key().pk
        assert DataKey.objects.filter(purpose=DataKey.Purpose.FIELD).count() == 1


class TestBytes:
    def test_round_trip(self):
        key = file_key_for_scope("archives.volume:1")
        data = os.urandom(100_000)
        blob = encrypt_bytes(data, data_key=key, aad=b"f")
        assert data not in blob
        assert decrypt_bytes(blob, data_key=key, aad=b"f") == data
        assert decrypt_bytes(blob, aad=b"f") == data

    def test_per_scope_keys(self):
        one = file_key_for_scope("archives.volume:1")
        two = file_key_for_scope("archives.volume:2")
        assert one.pk != two.pk
        assert file_key_for_scope("archives.volume:1").pk == one.pk
        blob = encrypt_bytes(b"data", data_key=one)
        with pytest.raises(DecryptionError):
            decrypt_bytes(blob, data_key=two)

    def test_tampering_and_wrong_aad(self):
        key = file_key_for_scope("s")
        blob = bytearray(encrypt_bytes(b"hello world", data_key=key, aad=b"a"))
        with pytest.raises(DecryptionError):
            decrypt_bytes(bytes(blob), aad=b"b")
        blob[-1] ^= 1
        with pytest.raises(DecryptionError):
            decrypt_bytes(bytes(blob), aad=b"a")
        with pytest.raises(DecryptionError):
            decrypt_bytes(b"LXK1short")


class TestDestruction:
    def test_destroyed_key_makes_data_unreadable(self):
        key = data_key_create(purpose=DataKey.Purpose.FIELD, scope="client:1")
        token = encrypt_value("secret", aad="a", data_key=key)
        blob_key = file_key_for_scope("archives.volume:9")
        blob = encrypt_bytes(b"scan", data_key=blob_key)
        assert decrypt_value(token, aad="a") == "secret"

        data_key_destroy(data_key=key)
        data_key_destroy(data_key=blob_key)

        row = DataKey.objects.get(pk=key.pk)
        assert row.destroyed_at is not None
        assert bytes(row.wrapped_key) == b""
        with pytest.raises(KeyDestroyed):
            decrypt_value(token, aad="a")
        with pytest.raises(KeyDestroyed):
            decrypt_bytes(blob)
        with pytest.raises(KeyDestroyed):
            data_key_get(key.pk)

    def test_destroyed_scope_gets_no_new_key(self):
        data_key_destroy(data_key=file_key_for_scope("archives.volume:3"))
        with pytest.raises(KeyDestroyed):
            file_key_for_scope("archives.volume:3")

    def test_destroyed_field_key_is_replaced(self):
        old = active_field_key()
        data_key_destroy(data_key=old)
        assert active_field_key().pk != old.pk

    def test_destroy_is_idempotent(self):
        key = data_key_create(purpose=DataKey.Purpose.FILE, scope="s")
        data_key_destroy(data_key=key)
        first = key.destroyed_at
        data_key_destroy(data_key=key)
        assert key.destroyed_at == first


class TestBlindIndex:
    def test_stable_and_hex(self):
        one = blind_index("11010519491231002X", purpose="clients.client.id_number")
        two = blind_index("11010519491231002X", purpose="clients.client.id_number")
        assert one == two
        assert len(one) == 64
        int(one, 16)

    def test_normalised(self):
        purpose = "clients.client.id_number"
        expected = blind_index("11010519491231002X", purpose=purpose)
        for variant in (
            "  11010519491231002x ",
            "１１０１０５１９４９１２３１００２Ｘ",
            "\u300011010519491231002x\u3000",
        ):
            assert blind_index(variant, purpose=purpose) == expected

    def test_purpose_separated(self):
        one = blind_index("6222020200001234", purpose="clients.client.bank_account")
        two = blind_index("6222020200001234", purpose="clients.client.phone")
        assert one != two

    def test_keyed(self):
        """The index is not a bare hash of the value."""
        import hashlib

        value = "11010519491231002X"
        index = blind_index(value, purpose="p")
        assert index != hashlib.sha256(value.encode()).hexdigest()
        assert blind_index_key().purpose == DataKey.Purpose.BLIND_INDEX


@pytest.mark.django_db(transaction=True)
class TestRotation:
    def make_data(self) -> dict:
        field_token = encrypt_value("field secret", aad="a")
        index = blind_index("110105", purpose="p")
        scoped = file_key_for_scope("archives.volume:1")
        blob = encrypt_bytes(b"file secret", data_key=scoped)
        for n in range(5):
            data_key_create(purpose=DataKey.Purpose.FILE, scope=f"extra:{n}")
        shredded = data_key_create(purpose=DataKey.Purpose.FILE, scope="gone")
        data_key_destroy(data_key=shredded)
        return {"token": field_token, "index": index, "blob": blob}

    def assert_readable(self, data: dict) -> None:
        crypto.clear_caches()
        assert decrypt_value(data["token"], aad="a") == "field secret"
        assert decrypt_bytes(data["blob"]) == b"file secret"
        assert blind_index("110105", purpose="p") == data["index"]

    def test_rotation_rewraps_every_key(self, key_ring):
        data = self.make_data()
        old_id = read_ring(key_ring)["active"]
        before = {k.pk: bytes(k.wrapped_key) for k in DataKey.objects.all()}
        live = DataKey.objects.filter(destroyed_at__isnull=True).count()

        result = rotate_master_key(batch_size=3)

        ring = read_ring(key_ring)
        assert ring["active"] == result.new_key_id != old_id
        assert list(ring["keys"]) == [result.new_key_id]
        assert stat.S_IMODE(key_ring.stat().st_mode) == 0o600
        assert result.rewrapped == live
        assert result.destroyed_relabelled == 1
        assert result.failed == 0
        assert result.removed_key_ids == (old_id,)
        assert not result.resumed
        for row in DataKey.objects.all():
            assert row.master_key_id == result.new_key_id
            if row.destroyed_at is None:
                assert row.rotated_at is not None
                assert bytes(row.wrapped_key) != before[row.pk]
            else:
                assert bytes(row.wrapped_key) == b""
        self.assert_readable(data)
        assert {p.name for p in key_ring.parent.iterdir()} <= {
            "master.key",
            "master.key.lock",
        }

    def test_rotating_twice(self, key_ring):
        data = self.make_data()
        first = rotate_master_key()
        second = rotate_master_key()
        assert first.new_key_id != second.new_key_id
        assert list(read_ring(key_ring)["keys"]) == [second.new_key_id]
        self.assert_readable(data)

    def test_resumes_after_a_crash_midway(self, key_ring):
        """GIVEN a rotation that wrote the new ring and re-wrapped one key, then died
        WHEN rotation runs again
        THEN it finishes that rotation (no third key) and all data stays readable.
        """
        data = self.make_data()
        ring = read_ring(key_ring)
        old_id = ring["active"]
        old_master = base64.b64decode(ring["keys"][old_id])
        new_master = os.urandom(32)
        ring["keys"]["c0ffee00"] = base64.b64encode(new_master).decode()
        ring["active"] = "c0ffee00"
        key_ring.write_text(json.dumps(ring))
        first = DataKey.objects.filter(destroyed_at__isnull=True).order_by("pk")[0]
        wrapped = bytes(first.wrapped_key)
        aad = b"lexkeep-dk:" + first.purpose.encode()
        plain = AESGCM(old_master).decrypt(wrapped[:12], wrapped[12:], aad)
        nonce = os.urandom(12)
        DataKey.objects.filter(pk=first.pk).update(
            wrapped_key=nonce + AESGCM(new_master).encrypt(nonce, plain, aad),
            master_key_id="c0ffee00",
        )

        result = rotate_master_key(batch_size=2)

        assert result.resumed
        assert result.new_key_id == "c0ffee00"
        assert result.removed_key_ids == (old_id,)
        assert list(read_ring(key_ring)["keys"]) == ["c0ffee00"]
        assert not DataKey.objects.exclude(master_key_id="c0ffee00").exists()
        self.assert_readable(data)


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_use_creates_one_field_key():
    """GIVEN no field key yet
    WHEN several processes' threads encrypt at the same moment
    THEN exactly one shared field key is created and every token decrypts.
    """
    import threading

    from django.db import connections

    workers = 6
    start = threading.Barrier(workers)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            tokens.append(encrypt_value("same", aad="a"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DataKey.objects.filter(purpose=DataKey.Purpose.FIELD).count() == 1
    crypto.clear_caches()
    assert {decrypt_value(t, aad="a") for t in tokens} == {"same"}
