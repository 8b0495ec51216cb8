"""Electronic files: 300 DPI, type checks, encryption, nothing half-written."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError

from lexkeep.archives.choices import OcrStatus
from lexkeep.archives.ingest import inspect_scan, pdf_page_dpis
from lexkeep.archives.models import ArchivePolicy, Material
from lexkeep.archives.services import archive_store, material_add, material_file_read
from lexkeep.core.crypto import file_key_for_scope
from lexkeep.core.models import AuditEntry
from tests.archives.conftest import Upload, scan_image, scan_pdf

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Messages are checked by their English ids."""


def _inspect(data: bytes, name: str):
    return inspect_scan(data=data, name=name, min_dpi=300, max_bytes=100 * MB)


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as exc:
        _inspect(data, name)
    return exc.value.message_dict["file"][0]


class TestInspect:
    def test_pdf_dpi_per_page(self):
        info = _inspect(scan_pdf([300, 600]), "scan.pdf")
        assert (info.kind, info.pages, info.min_dpi) == ("pdf", 2, 300)

    def test_low_dpi_pdf_page_refused_naming_file_page_and_dpi(self):
        message = _refusal(scan_pdf([300, 150, 300]), "起诉状.pdf")
        assert "起诉状.pdf" in message
        assert "2" in message and "150" in message

    def test_low_dpi_image_refused(self):
        message = _refusal(scan_image(150), "id.png")
        assert "id.png" in message and "150" in message

    def test_png_300_dpi_accepted_despite_rounding(self):
        # PNG stores pixels per metre: 300 DPI is 11811 px/m = 299.9994 DPI.
        assert _inspect(scan_image(300), "id.png").min_dpi == 300

    def test_jpeg_and_tiff(self):
        assert _inspect(scan_image(300, fmt="JPEG"), "a.jpg").kind == "jpeg"
        assert _inspect(scan_image(400, fmt="TIFF"), "a.tif").min_dpi == 400

    def test_image_without_resolution_refused(self):
        assert "resolution" in _refusal(scan_image(None), "photo.png")

    def test_extension_must_match_content(self):
        message = _refusal(scan_image(300), "contract.pdf")
        assert "contract.pdf" in message and "PNG" in message
        assert "only PDF" in _refusal(b"hello", "notes.docx")

    def test_unreadable_pdf(self):
        assert "cannot be read" in _refusal(b"%PDF-1.7\n garbage", "broken.pdf")

    def test_truncated_image(self):
        assert "cannot be read" in _refusal(scan_image(300)[:80], "cut.png")

    def test_password_protected_pdf(self):
        out = io.BytesIO()
        with pikepdf.open(io.BytesIO(scan_pdf([300]))) as pdf:
            pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="o"))
        assert "password" in _refusal(out.getvalue(), "locked.pdf")

    def test_oversized(self):
        data = scan_pdf([300])
        with pytest.raises(ValidationError) as exc:
            inspect_scan(data=data, name="big.pdf", min_dpi=300, max_bytes=100)
        assert "big.pdf" in exc.value.message_dict["file"][0]

    def test_scaled_and_rotated_drawing(self):
        """DPI follows the displayed size, whatever the transformation."""
        pdf = pikepdf.Pdf.new()
        image = pikepdf.Stream(pdf, b"\x00" * 600 * 600)
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height = 600, 600
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        # 600 px shown 144 pt (2 in) wide, rotated 90°: 300 DPI.
        content = b"q 0 144 -144 0 144 0 cm /Im0 Do Q"
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 144, 144],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=pikepdf.Stream(pdf, content),
        )
        pdf.pages.append(pikepdf.Page(page))
        assert pdf_page_dpis(pdf) == [300]

    def test_text_only_pdf_has_no_scan_resolution(self):
        pdf = pikepdf.Pdf.new()
        pdf.add_blank_page()
        assert pdf_page_dpis(pdf) == [None]


class TestMaterialAdd:
    def test_scan_stored_encrypted_with_the_volume_key(self, closed_archive, firm):
        archive = closed_archive()
        data = scan_pdf([300, 300])
        material = material_add(
            actor=firm["staff"],
            archive=archive,
            category="identity_engagement",
            material_type="engagement_contract",
            title="委托代理合同",
            upload=Upload(data, "合同.pdf"),
        )
        assert material.page_count == 2
        assert material.sha256 == hashlib.sha256(data).hexdigest()
        assert material.data_key == file_key_for_scope(f"archives.volume:{archive.pk}")
        assert material.ocr_status == OcrStatus.OFF
        stored = archive_store().storage.open(material.blob_name).read()
        assert data[:200] not in stored
        assert archive_store().verify(material.blob_name)

    def test_each_volume_has_its_own_key(self, closed_archive, firm):
        keys = set()
        for _n in range(2):
            archive = closed_archive()
            material = material_add(
                actor=firm["staff"],
                archive=archive,
                category="fees",
                material_type="invoice",
                title="发票",
                upload=Upload(scan_image(300), "fp.png"),
            )
            keys.add(material.data_key_id)
        assert len(keys) == 2

    def test_page_count_must_match_the_file(self, closed_archive, firm):
        with pytest.raises(ValidationError) as exc:
            material_add(
                actor=firm["staff"],
                archive=closed_archive(),
                category="fees",
                material_type="invoice",
                title="发票",
                page_count=3,
                upload=Upload(scan_pdf([300]), "fp.pdf"),
            )
        assert "page_count" in exc.value.message_dict

    def test_type_must_belong_to_category(self, closed_archive, firm):
        with pytest.raises(ValidationError) as exc:
            material_add(
                actor=firm["staff"],
                archive=closed_archive(),
                category="fees",
                material_type="judgment",
                title="判决书",
                page_count=3,
            )
        assert "material_type" in exc.value.message_dict

    def test_refused_scan_writes_nothing(self, closed_archive, firm):
        archive = closed_archive()
        before = set(archive_store().iter_names())
        with pytest.raises(ValidationError):
            material_add(
                actor=firm["staff"],
                archive=archive,
                category="fees",
                material_type="invoice",
                title="发票",
                upload=Upload(scan_pdf([150]), "fp.pdf"),
            )
        assert set(archive_store().iter_names()) == before
        assert not Material.objects.filter(archive=archive).exists()

    def test_database_failure_removes_the_blob(self, closed_archive, firm, monkeypatch):
        archive = closed_archive()
        before = set(archive_store().iter_names())

        def boom(**kwargs):
            raise RuntimeError("database down")

        monkeypatch.setattr("lexkeep.archives.services.materials.record_event", boom)
        with pytest.raises(RuntimeError):
            material_add(
                actor=firm["staff"],
                archive=archive,
                category="fees",
                material_type="invoice",
                title="发票",
                upload=Upload(scan_pdf([300]), "fp.pdf"),
            )
        assert set(archive_store().iter_names()) == before
        assert not Material.objects.filter(archive=archive).exists()

    def test_size_limit_is_policy_data(self, closed_archive, firm):
        ArchivePolicy.objects.create(max_file_mb=0)
        with pytest.raises(ValidationError) as exc:
            material_add(
                actor=firm["staff"],
                archive=closed_archive(),
                category="fees",
                material_type="invoice",
                title="发票",
                upload=Upload(scan_pdf([300]), "fp.pdf"),
            )
        assert "MB" in exc.value.message_dict["file"][0]

    def test_every_file_view_is_logged(self, closed_archive, firm):
        archive = closed_archive()
        material = material_add(
            actor=firm["staff"],
            archive=archive,
            category="fees",
            material_type="invoice",
            title="发票",
            upload=Upload(scan_image(300), "fp.png"),
        )
        data = material_file_read(actor=firm["partner"], material=material)
        material_file_read(actor=firm["partner"], material=material, download=True)
        assert data == scan_image(300)
        actions = list(
            AuditEntry.objects.filter(actor_id=firm["partner"].pk).values_list(
                "action", flat=True
            )
        )
        assert actions == ["archive.file_viewed", "archive.file_downloaded"]


class TestOcr:
    def test_ocr_on_path_with_binary_mocked(self, closed_archive, firm, monkeypatch):
        import subprocess
        from pathlib import Path

        from lexkeep.archives.selectors import archive_list

        def fake_which(name):
            return f"/usr/bin/{name}"

        def fake_run(argv, **kwargs):
            if "--list-langs" in argv:
                return subprocess.CompletedProcess(argv, 0, "eng\nchi_sim\n", "")
            sidecar = Path(argv[argv.index("--sidecar") + 1])
            sidecar.write_text("本院认为原告诉讼请求成立", encoding="utf-8")
            return subprocess.CompletedProcess(argv, 0, b"", b"")

        monkeypatch.setattr("lexkeep.archives.ocr.shutil.which", fake_which)
        monkeypatch.setattr("lexkeep.archives.ocr.subprocess.run", fake_run)
        archive = closed_archive()
        from django.db import transaction

        with transaction.atomic():
            material = material_add(
                actor=firm["staff"],
                archive=archive,
                category="business_handling",
                material_type="judgment",
                title="判决书",
                upload=Upload(scan_pdf([300]), "pj.pdf"),
            )
        from lexkeep.archives.tasks import ocr_material

        ocr_material.call_local(material.pk)
        material.refresh_from_db()
        assert material.ocr_status == OcrStatus.DONE
        assert "诉讼请求".encode() not in bytes(material.ocr_text)
        found = archive_list(actor=firm["partner"], q="诉讼请求")
        assert list(found) == [archive]
        assert not archive_list(actor=firm["partner"], q="驳回上诉")
        assert not archive_list(actor=firm["client_service"], q="诉讼请求")
