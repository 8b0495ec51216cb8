"""Fixity: tampered, missing and orphaned files are found and reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lexkeep.archives.fixity import fixity_run
from lexkeep.archives.models import ArchiveAlert, FixityRun
from lexkeep.archives.services import archive_store, material_add
from lexkeep.archives.tasks import fixity_due
from lexkeep.core.crypto import file_key_for_scope
from tests.archives.conftest import Upload, scan_pdf


@pytest.fixture
def scanned(closed_archive, firm):
    archive = closed_archive()
    return material_add(
        actor=firm["staff"],
        archive=archive,
        category="business_handling",
        material_type="judgment",
        title="判决书",
        upload=Upload(scan_pdf([300]), "pj.pdf"),
    )


def _path(name: str) -> Path:
    return Path(archive_store().storage.path(name))


def test_intact_store_passes(scanned):
    run = fixity_run(trigger="test")
    assert run.ok and run.checked >= 1 and run.checked_bytes > 0
    assert not fixity_due()


def test_tampered_file_detected_and_archivist_alerted(scanned, firm):
    path = _path(scanned.blob_name)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    run = fixity_run(trigger="test")
    assert not run.ok
    assert run.altered[0]["material"] == scanned.pk
    assert run.altered[0]["archive_number"] == scanned.archive.archive_number
    assert ArchiveAlert.objects.filter(
        recipient=firm["archivist"], kind="fixity_failed"
    ).exists()
    assert FixityRun.objects.count() == 1


def test_missing_and_orphaned_files(scanned):
    _path(scanned.blob_name).unlink()
    orphan = archive_store().put(b"left over", data_key=file_key_for_scope("x:1"))
    run = fixity_run(trigger="test")
    assert [m["material"] for m in run.missing] == [scanned.pk]
    assert orphan.name in run.orphaned
    assert not run.ok


def test_verify_command_reports_archive_files(scanned, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    call_command("verify")
    assert FixityRun.objects.filter(trigger="verify", ok=True).exists()
    path = _path(scanned.blob_name)
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    with pytest.raises(CommandError, match="ALTERED"):
        call_command("verify")
    path.unlink()
    with pytest.raises(CommandError, match="MISSING"):
        call_command("verify")
