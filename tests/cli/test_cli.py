"""The ``lexkeep`` console script (ARCHITECTURE "External contract")."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lexkeep.accounts.models import User
from lexkeep.cli import COMMANDS
from lexkeep.demo import DEMO_USERS


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEXKEEP_DATA_DIR": str(data_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)  # the embedded default: SQLite in the data dir
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "lexkeep.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_top_level_help_lists_every_command(tmp_path):
    result = run_cli("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for name in ("serve", "migrate", "createuser", "demo", "verify", "rotate-key"):
        assert name in result.stdout


@pytest.mark.parametrize("name", [n for n in COMMANDS if n != "manage"])
def test_every_subcommand_has_help(tmp_path, name):
    result = run_cli(name, "--help", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"lexkeep {name}" in result.stdout


def test_serve_help_has_host_and_port(tmp_path):
    result = run_cli("serve", "--help", data_dir=tmp_path)
    assert "--host" in result.stdout and "--port" in result.stdout


def test_unknown_command_exits_2(tmp_path):
    result = run_cli("frobnicate", data_dir=tmp_path)
    assert result.returncode == 2
    assert "unknown command" in result.stderr


def test_first_run_generates_private_secret_key(tmp_path):
    result = run_cli("migrate", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    secret = tmp_path / "secret_key"
    assert secret.exists()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert (tmp_path / "lexkeep.sqlite3").exists()
    result = run_cli("verify", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


@pytest.mark.django_db
def test_createuser_with_several_roles_and_supervisor(firm):
    call_command(
        "createuser",
        "--username=li",
        "--password=Very-Long-Pass-2026",
        "--role=lawyer",
        "--role=archivist",
        "--seniority=senior",
    )
    call_command(
        "createuser",
        "--username=helper",
        "--password=Very-Long-Pass-2026",
        "--role=assistant",
        "--supervisor=li",
    )
    li = User.objects.get(username="li")
    assert li.roles == {"lawyer", "archivist"}
    assert li.seniority == "senior"
    assert User.objects.get(username="helper").supervisor == li


@pytest.mark.django_db
def test_createuser_refuses_bad_input_naming_the_field(firm):
    with pytest.raises(CommandError, match="seniority"):
        call_command(
            "createuser",
            "--username=x",
            "--password=Very-Long-Pass-2026",
            "--role=lawyer",
        )
    with pytest.raises(CommandError, match="supervisor"):
        call_command(
            "createuser",
            "--username=y",
            "--password=Very-Long-Pass-2026",
            "--role=assistant",
            "--supervisor=nobody",
        )
    with pytest.raises(CommandError, match="password"):
        call_command("createuser", "--username=z", "--password=123", "--role=partner")
    assert not User.objects.filter(username__in=["x", "y", "z"]).exists()


@pytest.mark.django_db
def test_demo_loads_every_role_once(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    roles = set()
    for spec in DEMO_USERS:
        user = User.objects.get(username=spec.username)
        roles |= user.roles
        assert spec.username in out
    assert roles == {
        "director",
        "partner",
        "lawyer",
        "assistant",
        "archivist",
        "client_service",
        "external",
    }
    assert {
        u.seniority for u in User.objects.filter(role_assignments__role="lawyer")
    } == {
        "senior",
        "staff",
    }
    with pytest.raises(CommandError):
        call_command("demo")
    assert User.objects.count() == len(DEMO_USERS)


@pytest.mark.django_db
def test_verify_detects_tampering_and_truncation(tmp_path, settings):
    from lexkeep.core.audit import audit_log
    from lexkeep.core.crypto import file_key_for_scope
    from lexkeep.core.storage import EncryptedContentStore
    from tests.conftest import append_only_suspended

    settings.DATA_DIR = tmp_path
    for n in range(5):
        audit_log(action="test.event", object_id=str(n))
    call_command("verify")
    assert (tmp_path / "audit-anchor.json").exists()
    # Removing the newest entries leaves a valid-looking chain; the anchor
    # written by the last verification catches it.
    from lexkeep.core.models import AuditEntry

    with append_only_suspended():
        AuditEntry.objects.filter(pk=AuditEntry.objects.latest("id").pk).delete()
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify")
    # An altered stored file fails verification too.
    settings.DATA_DIR = tmp_path / "other"
    store = EncryptedContentStore()
    blob = store.put(b"scan", data_key=file_key_for_scope("test:1"))
    call_command("verify", "--no-files")
    with store.storage.open(blob.name, "rb") as fh:
        data = bytearray(fh.read())
    data[-1] ^= 1
    path = Path(store.storage.path(blob.name))
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="ALTERED"):
        call_command("verify")


@pytest.mark.django_db
def test_rotate_key_keeps_data_readable(tmp_path, settings, capsys):
    from lexkeep.core.crypto import clear_caches, decrypt_value, encrypt_value

    settings.MASTER_KEY_FILE = tmp_path / "master.key"
    clear_caches()
    token = encrypt_value("110105199003074518", aad="test.rotation")
    before = (tmp_path / "master.key").read_text()
    call_command("rotate_key")
    assert "rotated" in capsys.readouterr().out
    after = (tmp_path / "master.key").read_text()
    assert before != after
    clear_caches()
    assert decrypt_value(token, aad="test.rotation") == "110105199003074518"
    clear_caches()
