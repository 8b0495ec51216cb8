"""EncryptedTextField and the blind-index pattern (tests/testapp)."""

from __future__ import annotations

import secrets
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from lexkeep.core import crypto
from lexkeep.core.crypto import DecryptionError, KeyDestroyed, data_key_destroy
from lexkeep.core.fields import BlindIndexField, EncryptedTextField, blind_index_for
from lexkeep.core.models import DataKey
from tests.testapp.models import SecretThing

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
    SecretThing.objects.all().delete()
    yield path
    crypto.clear_caches()


def raw_row(pk: int) -> dict[str, object]:
    table = SecretThing._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number, id_number_index, note FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        id_number, index, note = cursor.fetchone()
    return {"id_number": id_number, "id_number_index": index, "note": note}


class TestEncryptedTextField:
    def test_round_trip(self):
        thing = SecretThing.objects.create(name="a", id_number="11010519491231002X")
        fresh = SecretThing.objects.get(pk=thing.pk)
        assert fresh.id_number == "11010519491231002X"
        assert thing.id_number == "11010519491231002X"
        assert SecretThing.objects.values_list("id_number", flat=True).get() == (
            "11010519491231002X"
        )

    def test_stored_as_token(self):
        thing = SecretThing.objects.create(name="a", id_number="11010519491231002X")
        raw = raw_row(thing.pk)
        assert isinstance(raw["id_number"], str)
        assert raw["id_number"].startswith("v1.")
        assert "11010519491231002X" not in raw["id_number"]

    def test_update_re_encrypts(self):
        thing = SecretThing.objects.create(name="a", id_number="one")
        first = raw_row(thing.pk)["id_number"]
        thing.id_number = "two"
        thing.save()
        assert raw_row(thing.pk)["id_number"] != first
        SecretThing.objects.filter(pk=thing.pk).update(id_number="three")
        assert SecretThing.objects.get(pk=thing.pk).id_number == "three"

    def test_null_and_blank(self):
        thing = SecretThing.objects.create(name="a")
        raw = raw_row(thing.pk)
        assert raw["id_number"] == ""
        assert raw["note"] is None
        assert raw["id_number_index"] == ""
        fresh = SecretThing.objects.get(pk=thing.pk)
        assert fresh.id_number == ""
        assert fresh.note is None
        assert SecretThing.objects.filter(note__isnull=True).count() == 1
        assert SecretThing.objects.filter(note=None).count() == 1
        assert SecretThing.objects.exclude(note=None).count() == 0

    def test_aad_binds_the_field(self):
        thing = SecretThing.objects.create(name="a", id_number="123", other_number="9")
        token = raw_row(thing.pk)["id_number"]
        # Copying the ciphertext into another field does not make it readable.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {SecretThing._meta.db_table} SET other_number = %s"  # noqa: S608
                " WHERE id = %s",
                [token, thing.pk],
            )
        with pytest.raises(DecryptionError):
            SecretThing.objects.get(pk=thing.pk)

    @pytest.mark.parametrize(
        "lookup",
        [
            {"id_number": "x"},
            {"id_number__exact": "x"},
            {"id_number__iexact": "x"},
            {"id_number__icontains": "x"},
            {"id_number__startswith": "x"},
            {"id_number__in": ["x"]},
            {"id_number__gt": "x"},
            {"id_number__lower": "x"},
        ],
    )
    def test_lookups_are_refused(self, lookup):
        with pytest.raises(FieldError, match="encrypted"):
            SecretThing.objects.filter(**lookup)

    def test_destroyed_key_makes_field_unreadable(self):
        thing = SecretThing.objects.create(name="a", id_number="123")
        data_key_destroy(data_key=DataKey.objects.get(purpose=DataKey.Purpose.FIELD))
        with pytest.raises(KeyDestroyed):
            SecretThing.objects.get(pk=thing.pk)

    def test_deconstruct(self):
        field = EncryptedTextField(null=True, blank=True)
        name, path, args, kwargs = field.deconstruct()
        assert path == "lexkeep.core.fields.EncryptedTextField"
        assert kwargs == {"null": True, "blank": True}
        pinned = EncryptedTextField(aad="clients.client.id_number")
        assert pinned.deconstruct()[3] == {"aad": "clients.client.id_number"}
        index = BlindIndexField(source="id_number")
        assert index.deconstruct()[3]["source"] == "id_number"

    def test_aad_value(self):
        assert SecretThing._meta.get_field("id_number").aad == (
            "testapp.secretthing.id_number"
        )

    def test_migrations_are_stable(self):
        out = StringIO()
        call_command("makemigrations", "testapp", "--check", "--dry-run", stdout=out)
        assert "No changes detected" in out.getvalue()

    def test_check_refuses_unique(self):
        field = EncryptedTextField(unique=True)
        field.set_attributes_from_name("x")
        field.model = SecretThing
        assert any(e.id == "lexkeep.E001" for e in field.check())


class TestBlindIndexPattern:
    def test_index_filled_and_searchable(self):
        target = SecretThing.objects.create(name="a", id_number="11010519491231002X")
        SecretThing.objects.create(name="b", id_number="310101199001011234")
        index = blind_index_for(
            SecretThing, "id_number", "１１０１０５１９４９１２３１００２ｘ"
        )
        assert raw_row(target.pk)["id_number_index"] == index
        assert list(SecretThing.objects.filter(id_number_index=index)) == [target]

    def test_index_follows_updates_and_bulk_create(self):
        thing = SecretThing.objects.create(name="a", id_number="111")
        thing.id_number = "222"
        thing.save()
        new = blind_index_for(SecretThing, "id_number", "222")
        assert SecretThing.objects.get(pk=thing.pk).id_number_index == new
        SecretThing.objects.bulk_create([SecretThing(name="c", id_number="333")])
        index = blind_index_for(SecretThing, "id_number", "333")
        assert SecretThing.objects.filter(id_number_index=index).count() == 1

    def test_purpose_separated_between_fields(self):
        assert blind_index_for(SecretThing, "id_number", "1") != blind_index_for(
            SecretThing, "other_number", "1"
        )

    def test_empty_value_has_no_index(self):
        with pytest.raises(ValueError):
            blind_index_for(SecretThing, "id_number", "  ")


def _scan(paths: list[Path], needle: bytes) -> list[str]:
    return [str(p) for p in paths if p.exists() and needle in p.read_bytes()]


@pytest.mark.django_db(transaction=True)
class TestNoPlaintextInDatabase:
    """The database never holds a sensitive value in plaintext (ARCHITECTURE)."""

    def test_plaintext_nowhere_in_database(self):
        secret = f"LXK-SECRET-{secrets.token_hex(8)}"
        canary = f"LXK-CANARY-{secrets.token_hex(8)}"
        thing = SecretThing.objects.create(name=canary, id_number=secret, note=secret)
        thing.id_number = secret + "-2"
        thing.save()
        assert SecretThing.objects.get(pk=thing.pk).note == secret

        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db = Path(connection.settings_dict["NAME"])
            files = [db, Path(f"{db}-wal"), Path(f"{db}-journal")]
            # The unencrypted name proves the scan sees the row's bytes.
            assert _scan(files, canary.encode()) == [str(db)]
        else:
            table = SecretThing._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT row_to_json(t)::text FROM {table} t WHERE id = %s",  # noqa: S608
                    [thing.pk],
                )
                (row_text,) = cursor.fetchone()
            assert canary in row_text
            assert secret not in row_text
            files = []
        for needle in (secret, secret[4:], secret.upper()):
            assert _scan(files, needle.encode()) == []
            assert _scan(files, needle.encode("utf-16-le")) == []
        row = raw_row(thing.pk)
        assert secret not in str(row)
