"""The append-only, hash-chained audit log (SPEC §6 access log)."""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from lexkeep.core.audit import (
    GENESIS_HASH,
    AuditDetailError,
    audit_denied,
    audit_log,
    audit_verify,
    canonical_entry,
    chain_hash,
)
from lexkeep.core.models import AuditEntry
from tests.conftest import PASSWORD, append_only_suspended

pytestmark = pytest.mark.django_db

_append_only = importlib.import_module("lexkeep.core.migrations.0002_audit_append_only")


@pytest.fixture(autouse=True)
def english():
    """Check reasons by their English message ids, whatever ran before."""
    with translation.override("en"):
        yield


def _write(n: int, **kwargs: object) -> list[AuditEntry]:
    return [
        audit_log(
            action="archive.view",
            object_type="archives.archive",
            object_id=str(i),
            detail={"archive_number": f"2026-L-{i:04d}", "page": i},
            **kwargs,  # type: ignore[arg-type]
        )
        for i in range(n)
    ]


def _rewrite(entry_id: int, **fields: object) -> None:
    with append_only_suspended():
        AuditEntry.objects.filter(id=entry_id).update(**fields)


def _delete(*ids: int) -> None:
    with append_only_suspended():
        AuditEntry.objects.filter(id__in=ids).delete()


# --- writing -----------------------------------------------------------------


def test_entries_form_a_chain_from_genesis(firm):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    first = audit_log(
        action="client.view_sensitive",
        actor=firm["senior"],
        object_type="clients.client",
        object_id=42,
        detail={"field": "id_card_masked", "名称": "张三"},
        request=request,
    )
    second = audit_log(action="auth.logout", actor=firm["senior"])
    assert (first.id, second.id) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.ip == "10.1.2.3"
    assert first.actor_label == "senior"
    assert first.object_id == "42"
    stored = AuditEntry.objects.get(id=1)
    canonical = canonical_entry(
        id=1,
        at=stored.at,
        actor_id=firm["senior"].pk,
        actor_label="senior",
        action="client.view_sensitive",
        object_type="clients.client",
        object_id="42",
        detail={"field": "id_card_masked", "名称": "张三"},
        ip="10.1.2.3",
    )
    assert "张三" in canonical  # ensure_ascii=False
    assert stored.hash == chain_hash(GENESIS_HASH, canonical)


def test_a_long_chain_verifies_in_batches():
    _write(120)
    for batch_size in (1, 7, 5000):
        result = audit_verify(batch_size=batch_size)
        assert result.ok, result
        assert result.checked == 120
        assert result.first_bad_id is None
        assert result.head_id == 120
        assert result.head_hash == AuditEntry.objects.get(id=120).hash


def test_empty_log_verifies():
    result = audit_verify()
    assert result.ok
    assert result.checked == 0
    assert result.anchor is None


def test_an_entry_written_in_a_rolled_back_transaction_leaves_no_gap():
    _write(3)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_log(action="archive.view")
        raise RuntimeError("the caller's work failed")
    entry = audit_log(action="archive.view")
    assert entry.id == 4
    assert audit_verify().ok


# --- tampering is detected -------------------------------------------------


def test_altered_detail_is_detected():
    _write(10)
    _rewrite(6, detail={"archive_number": "2026-L-9999", "page": 5})
    result = audit_verify(batch_size=4)
    assert not result.ok
    assert result.first_bad_id == 6
    assert result.checked == 5
    assert "changed" in result.reason


@pytest.mark.parametrize(
    "field_value",
    [{"action": "archive.download"}, {"actor_label": "mallory"}, {"ip": "10.0.0.9"}],
)
def test_altered_fields_are_detected(field_value):
    _write(5)
    _rewrite(3, **field_value)
    assert audit_verify().first_bad_id == 3


def test_altered_time_is_detected():
    entries = _write(5)
    _rewrite(2, at=entries[1].at + dt.timedelta(microseconds=1))
    assert audit_verify().first_bad_id == 2


def test_deleted_middle_entry_is_detected():
    _write(10)
    _delete(4)
    result = audit_verify(batch_size=3)
    assert not result.ok
    assert result.first_bad_id == 4
    assert "missing" in result.reason


def test_deleted_first_entry_is_detected():
    _write(4)
    _delete(1)
    assert audit_verify().first_bad_id == 1


def test_deleted_last_entries_are_detected_against_an_anchor():
    _write(10)
    anchor = audit_verify().anchor
    _delete(9, 10)
    # Without an outside record, a shorter chain is still a valid chain.
    assert audit_verify().ok
    result = audit_verify(anchor=anchor)
    assert not result.ok
    assert result.first_bad_id == 9
    assert "missing" in result.reason


def test_deleted_last_entry_then_new_entry_is_detected_against_an_anchor():
    _write(10)
    anchor = audit_verify().anchor
    _delete(10)
    audit_log(action="archive.view", detail={"page": 0})  # takes id 10 again
    result = audit_verify(anchor=anchor)
    assert not result.ok
    assert result.first_bad_id == 10
    assert "anchor" in result.reason


def test_forged_entry_appended_is_detected():
    entries = _write(5)
    with append_only_suspended():
        AuditEntry.objects.create(
            id=6,
            at=entries[-1].at,
            action="archive.view",
            prev_hash=entries[-1].hash,
            hash="f" * 64,
        )
    result = audit_verify()
    assert result.first_bad_id == 6
    assert "changed" in result.reason


def test_forged_entry_in_place_of_a_deleted_one_is_detected():
    entries = _write(6)
    victim = entries[2]
    _delete(victim.id)
    with append_only_suspended():
        AuditEntry.objects.create(
            id=victim.id,
            at=victim.at,
            action="archive.view",
            object_type=victim.object_type,
            object_id="something else",
            detail=victim.detail,
            prev_hash=victim.prev_hash,
            hash=victim.hash,
        )
    assert audit_verify().first_bad_id == victim.id


def test_forged_entry_with_an_out_of_line_id_is_detected():
    entries = _write(5)
    with append_only_suspended():
        AuditEntry.objects.create(
            id=50,
            at=entries[-1].at,
            action="archive.view",
            prev_hash=entries[-1].hash,
            hash="e" * 64,
        )
    result = audit_verify()
    assert result.first_bad_id == 6
    assert "missing" in result.reason


def test_swapped_entries_are_detected():
    _write(8)
    a, b = AuditEntry.objects.get(id=4), AuditEntry.objects.get(id=5)
    columns = ("at", "actor_label", "action", "object_id", "detail", "prev_hash")
    with append_only_suspended():
        AuditEntry.objects.filter(id__in=[4, 5]).delete()
        for new_id, src in ((4, b), (5, a)):
            AuditEntry.objects.create(
                id=new_id,
                object_type=src.object_type,
                hash=src.hash,
                **{c: getattr(src, c) for c in columns},
            )
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_id == 4


# --- the database refuses changes -------------------------------------------


def test_database_refuses_update():
    _write(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(id=1).update(action="archive.delete")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry = AuditEntry.objects.get(id=2)
        entry.detail = {}
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE core_auditentry SET object_id = 'x'")
    assert audit_verify().ok


def test_database_refuses_delete():
    _write(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(id=2).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_database_refuses_truncate_unless_empty():
    with connection.cursor() as c:
        c.execute("TRUNCATE core_auditentry")  # nothing to lose: test flushes
    _write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.count() == 1


# --- what may go into an entry ---------------------------------------------


@pytest.mark.parametrize(
    "detail",
    [
        {"password": "hunter22"},
        {"new_password": "x"},
        {"newPassword": "x"},
        {"api_token": "lk_abc"},
        {"client_secret": "x"},
        {"otp": "123456"},
        {"id_number": "110101199003078515"},
        {"bankAccount": "6222"},
        {"form": {"username": "a", "passwd": "x"}},
        {"items": [{"ok": 1}, {"token": "x"}]},
        {"ratio": 0.5},
        {"when": float("nan")},
    ],
)
def test_secret_looking_or_unhashable_detail_is_refused(detail):
    with pytest.raises(AuditDetailError):
        audit_log(action="archive.view", detail=detail)
    assert not AuditEntry.objects.exists()


def test_identifiers_are_accepted():
    entry = audit_log(
        action="archive.view",
        detail={
            "archive_number": "2026-L-0001",
            "data_key_id": 7,
            "passed": True,
            "pages": [1, 2, 3],
            "paid_number": 2,
        },
    )
    assert entry.detail["data_key_id"] == 7
    assert audit_verify().ok


def test_non_json_values_are_stored_as_they_read_back():
    entry = audit_log(
        action="loan.approve",
        detail={"due": dt.date(2026, 3, 1), "fee": Decimal("12.50")},
    )
    assert entry.detail == {"due": "2026-03-01", "fee": "12.50"}
    assert audit_verify().ok


def test_oversized_and_odd_values():
    entry = audit_log(action="auth.login_failed", actor_label="x" * 500 + "\x00")
    assert len(entry.actor_label) == 150
    with pytest.raises(AuditDetailError):
        audit_log(action="a" * 65)
    with pytest.raises(AuditDetailError):
        audit_log(action="")
    bad_ip = RequestFactory().get("/", REMOTE_ADDR="not-an-ip")
    assert audit_log(action="auth.login", request=bad_ip).ip is None
    v6 = RequestFactory().get("/", REMOTE_ADDR="2001:0db8:0000::0001")
    assert audit_log(action="auth.login", request=v6).ip == "2001:db8::1"
    assert audit_verify().ok


# --- auth events -------------------------------------------------------------


def test_sign_in_and_out_through_the_login_page_are_logged(firm):
    client = Client(REMOTE_ADDR="192.0.2.10")
    response = client.post(
        reverse("accounts:login"), {"username": "staff", "password": PASSWORD}
    )
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    entries = list(AuditEntry.objects.filter(action__startswith="auth."))
    assert [e.action for e in entries] == ["auth.login", "auth.logout"]
    assert all(e.actor_id == firm["staff"].pk for e in entries)
    assert entries[0].ip == "192.0.2.10"
    assert audit_verify().ok


def test_client_login_is_logged(firm):
    client = Client()
    request = RequestFactory().post("/")
    assert client.login(request=request, username="senior", password=PASSWORD)
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor_id == firm["senior"].pk


def test_failed_sign_in_records_the_username_never_the_password(firm):
    wrong = "Wrong-Password-123"
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    assert authenticate(request=request, username="staff", password=wrong) is None
    client = Client(REMOTE_ADDR="198.51.100.8")
    client.post(reverse("accounts:login"), {"username": "nobody", "password": wrong})
    entries = list(AuditEntry.objects.filter(action="auth.login_failed"))
    assert [(e.actor_label, e.actor_id) for e in entries] == [
        ("staff", None),
        ("nobody", None),
    ]
    assert entries[0].ip == "198.51.100.7"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_auditentry")
        dump = repr(cursor.fetchall())
    assert wrong not in dump
    assert "*****" not in dump  # not even Django's masked placeholder


def test_denial_is_logged(firm):
    request = RequestFactory().get("/archives/12/download", REMOTE_ADDR="10.0.0.5")
    entry = audit_denied(
        request=request, actor=firm["external"], what="archive 12 download"
    )
    assert entry.action == "auth.denied"
    assert entry.actor_id == firm["external"].pk
    assert entry.detail == {
        "what": "archive 12 download",
        "method": "GET",
        "path": "/archives/12/download",
    }
    assert entry.ip == "10.0.0.5"


# --- concurrent writers never fork the chain ---------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    writers, per_writer = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                audit_log(action="archive.view", object_id=f"{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = audit_verify()
    assert result.ok, result
    assert result.checked == writers * per_writer
