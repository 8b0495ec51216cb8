"""The archive pages per role, and a volume's lifecycle through them (SPEC §7).

The services hold the rules; these tests check that the pages call them,
put their errors on the fields (in Chinese, the default language), refuse
what they must (403/404) and run a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from lexkeep.archives.choices import ArchiveStatus, Category, MaterialType
from lexkeep.archives.models import (
    Archive,
    ArchiveEvent,
    Cabinet,
    FixityRun,
    Material,
)
from lexkeep.core.models import AuditEntry
from tests.archives.conftest import scan_image, scan_pdf
from tests.web.helpers import sign_in

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return len(ctx.captured_queries)


def field_errors(html: str, name: str) -> list[str]:
    """Return the inline errors shown under field ``name`` of a form."""
    match = re.search(
        rf'data-field="{name}">.*?<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S
    )
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


class TestVisibility:
    def test_list_shows_what_each_role_may_see(self, client, firm, closed_archive):
        mine = closed_archive()  # handled by staff
        other = closed_archive()
        other.matter.handling_lawyers.set([firm["senior"]])
        sign_in(client, firm["staff"])
        html = client.get("/archives/").content.decode()
        assert mine.archive_number in html and other.archive_number not in html
        sign_in(client, firm["partner"])
        html = client.get("/archives/").content.decode()
        assert mine.archive_number in html and other.archive_number in html

    def test_invisible_volume_is_404(self, client, firm, closed_archive):
        archive = closed_archive()
        archive.matter.handling_lawyers.set([firm["senior"]])
        sign_in(client, firm["staff"])
        base = f"/archives/{archive.pk}/"
        for url in (base, base + "cover.pdf", base + "catalog.pdf"):
            assert client.get(url).status_code == 404
        response = client.post(base + "submit/", {})
        assert response.status_code == 404
        lookup = client.get("/archives/lookup", {"number": archive.archive_number})
        assert lookup.status_code == 302 and "/archives/?q=" in lookup["Location"]

    @pytest.mark.parametrize("who", ["client_service", "external"])
    def test_roles_without_archives_are_refused(self, client, firm, who):
        sign_in(client, firm[who])
        assert client.get("/archives/").status_code == 403

    def test_desks_of_the_archivist_are_refused_to_a_lawyer(self, client, firm):
        sign_in(client, firm["staff"])
        for url in ("/archives/desk/", "/archives/sync/", "/archives/fixity/"):
            assert client.get(url).status_code == 403, url
        assert client.post("/archives/cabinets/", {"code": "X"}).status_code == 403

    def test_lawyer_may_not_review_and_reads_only(self, client, firm, closed_archive):
        archive = closed_archive()
        archive.matter.handling_lawyers.set([firm["senior"]])
        archive.matter.assistants.set([firm["assistant"]])
        sign_in(client, firm["partner"])
        html = client.get(f"/archives/{archive.pk}/").content.decode()
        assert f'action="/archives/{archive.pk}/materials/' not in html
        response = client.post(
            f"/archives/{archive.pk}/materials/",
            {"category": "fees", "material_type": "invoice", "title": "发票"},
        )
        assert response.status_code == 403

    def test_lookup_opens_the_volume(self, client, firm, closed_archive):
        archive = closed_archive()
        sign_in(client, firm["archivist"])
        response = client.get(
            "/archives/lookup", {"number": archive.archive_number.lower()}
        )
        assert response.status_code == 302
        assert response["Location"] == f"/archives/{archive.pk}/"

    def test_rules_page_stays_reachable(self, client, firm):
        sign_in(client, firm["staff"])
        assert client.get("/archives/rules/").status_code == 200


class TestList:
    def test_filters_search_and_htmx(self, client, firm, closed_archive, cabinet):
        first = closed_archive(name="买卖合同纠纷案甲")
        second = closed_archive(domain="counsel", name="常年法律顾问乙")
        sign_in(client, firm["partner"])
        html = client.get("/archives/", {"archive_class": "counsel"}).content.decode()
        assert second.archive_number in html and first.archive_number not in html
        html = client.get("/archives/", {"q": first.archive_number}).content.decode()
        assert first.archive_number in html and second.archive_number not in html
        html = client.get("/archives/", {"q": "常年法律顾问乙"}).content.decode()
        assert second.archive_number in html and first.archive_number not in html
        html = client.get(
            "/archives/", {"status": "collecting"}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert 'id="results"' in html and "<html" not in html
        cab = cabinet()
        Archive.objects.filter(pk=first.pk).update(
            cabinet=cab, shelf=1, box=1, status=ArchiveStatus.FILED
        )
        html = client.get("/archives/", {"cabinet": cab.pk}).content.decode()
        assert first.archive_number in html and second.archive_number not in html

    def test_query_count_is_constant(self, client, firm, closed_archive):
        sign_in(client, firm["partner"])
        for _ in range(2):
            closed_archive()
        client.get("/archives/")
        few = count_queries(client, "/archives/")
        for _ in range(8):
            closed_archive()
        assert few == count_queries(client, "/archives/")


class TestDesks:
    def test_collection_view_flags_late(self, client, firm, closed_archive):
        late = closed_archive(end=dt.date(2025, 9, 26))
        sign_in(client, firm["staff"])
        html = client.get("/archives/mine/").content.decode()
        assert late.archive_number in html
        assert "row-late" in html or "chip-danger" in html

    def test_cabinet_map_and_create(self, client, firm, cabinet):
        cabinet("SS-P-01")
        sign_in(client, firm["archivist"])
        html = client.get("/archives/cabinets/").content.decode()
        assert "SS-P-01" in html and "cabinet-grid" in html
        response = client.post(
            "/archives/cabinets/",
            {
                "code": "SS-P-01",
                "archive_class": "litigation",
                "tier": "ordinary",
                "room": "档案室",
                "shelves": 0,
                "boxes_per_shelf": 2,
                "capacity": 10,
            },
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert field_errors(html, "shelves") and field_errors(html, "code")
        response = client.post(
            "/archives/cabinets/",
            {
                "code": "FS-Z-01",
                "archive_class": "non_litigation",
                "tier": "key",
                "room": "档案室 B",
                "shelves": 2,
                "boxes_per_shelf": 2,
                "capacity": 8,
            },
        )
        assert response.status_code == 302
        assert Cabinet.objects.filter(code="FS-Z-01").exists()

    def test_fixity_page(self, client, firm):
        FixityRun.objects.create(
            started_at=timezone.now(),
            finished_at=timezone.now(),
            checked=3,
            ok=False,
            altered=[{"blob": "ab/cdef", "archive_number": "2026-SS-0009"}],
        )
        sign_in(client, firm["archivist"])
        html = client.get("/archives/fixity/").content.decode()
        assert "2026-SS-0009" in html and "chip-danger" in html
        sign_in(client, firm["partner"])
        assert client.get("/archives/fixity/").status_code == 403


class TestVolumePage:
    def test_low_dpi_scan_refused_inline_in_chinese(self, client, firm, closed_archive):
        archive = closed_archive()
        sign_in(client, firm["staff"])
        upload = SimpleUploadedFile("判决书.pdf", scan_pdf([300, 150]))
        response = client.post(
            f"/archives/{archive.pk}/materials/",
            {
                "category": Category.BUSINESS_HANDLING,
                "material_type": MaterialType.JUDGMENT,
                "title": "民事判决书",
                "file": upload,
            },
        )
        assert response.status_code == 400
        errors = field_errors(response.content.decode(), "file")
        assert errors and "判决书.pdf" in errors[0] and "150" in errors[0]
        assert "2" in errors[0]  # the page
        assert not Material.objects.filter(archive=archive).exists()

    def test_type_of_another_category_shown_on_field(
        self, client, firm, closed_archive
    ):
        archive = closed_archive()
        sign_in(client, firm["staff"])
        response = client.post(
            f"/archives/{archive.pk}/materials/",
            {
                "category": Category.FEES,
                "material_type": MaterialType.JUDGMENT,
                "title": "判决书",
                "page_count": 2,
            },
        )
        assert response.status_code == 400
        html = response.content.decode()
        errors = field_errors(html, "material_type")
        assert errors
        with translation.override("zh-hans"):
            # Chinese page: the label of the category is the Chinese one.
            assert str(Category.BUSINESS_HANDLING.label) in errors[0]

    def test_scan_added_viewed_and_logged(self, client, firm, closed_archive):
        archive = closed_archive()
        sign_in(client, firm["staff"])
        response = client.post(
            f"/archives/{archive.pk}/materials/",
            {
                "category": Category.IDENTITY_ENGAGEMENT,
                "material_type": MaterialType.ID_COPY,
                "title": "身份证复印件",
                "material_date": "2025-01-02",
                "file": SimpleUploadedFile("id.png", scan_image(300)),
            },
        )
        assert response.status_code == 302
        material = Material.objects.get(archive=archive)
        assert material.page_count == 1 and material.has_file
        url = f"/archives/{archive.pk}/materials/{material.pk}/file/"
        response = client.get(url + "?download=1")
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert "attachment" in response["Content-Disposition"]
        assert AuditEntry.objects.filter(
            action="archive.file_downloaded", object_id=str(archive.pk)
        ).exists()
        assert (
            client.get(f"/archives/{archive.pk}/materials/999999/file/").status_code
            == 404
        )

    def test_reorder_within_category(self, client, firm, closed_archive, fill):
        archive = closed_archive()
        fill(archive)
        sign_in(client, firm["staff"])
        ident = list(
            Material.objects.filter(
                archive=archive, category=Category.IDENTITY_ENGAGEMENT
            ).order_by("position")
        )
        response = client.post(
            f"/archives/{archive.pk}/materials/{ident[1].pk}/move/",
            {"direction": "up"},
        )
        assert response.status_code == 302
        order = list(
            Material.objects.filter(
                archive=archive, category=Category.IDENTITY_ENGAGEMENT
            )
            .order_by("position")
            .values_list("pk", flat=True)
        )
        assert order[:2] == [ident[1].pk, ident[0].pk]
        html = client.get(f"/archives/{archive.pk}/").content.decode()
        assert html.index(ident[1].title) < html.index(ident[0].title)

    def test_query_count_is_constant(self, client, firm, closed_archive, fill):
        archive = closed_archive()
        sign_in(client, firm["staff"])
        fill(archive, skip=(MaterialType.MINUTES, MaterialType.INVOICE))
        client.get(f"/archives/{archive.pk}/")  # the checklist is seeded once
        few = count_queries(client, f"/archives/{archive.pk}/")
        fill(archive)
        fill(archive)
        assert few == count_queries(client, f"/archives/{archive.pk}/")

    def test_documents_download(self, client, firm, closed_archive, fill):
        archive = closed_archive()
        fill(archive)
        sign_in(client, firm["staff"])
        for suffix, kind in (
            ("cover.pdf", "application/pdf"),
            ("catalog.pdf", "application/pdf"),
            ("catalog.xlsx", "spreadsheetml"),
        ):
            response = client.get(f"/archives/{archive.pk}/{suffix}")
            assert response.status_code == 200, suffix
            assert kind in response["Content-Type"]


class TestLifecycle:
    def test_submit_return_resubmit_approve_file(
        self, client, firm, closed_archive, fill, cabinet
    ):
        archive = closed_archive()
        fill(archive, skip=(MaterialType.JUDGMENT,))
        url = f"/archives/{archive.pk}/"
        staff = sign_in(client, firm["staff"])
        archivist = sign_in(HttpClient(), firm["archivist"])

        # Missing judgment without a reason: refused, the reason field named.
        response = staff.post(url + "submit/", {})
        assert response.status_code == 400
        html = response.content.decode()
        assert field_errors(html, "reason_legal_documents")
        archive.refresh_from_db()
        assert archive.status == ArchiveStatus.COLLECTING

        response = staff.post(
            url + "submit/", {"reason_legal_documents": "调解结案，无判决书"}
        )
        assert response.status_code == 302
        archive.refresh_from_db()
        assert archive.status == ArchiveStatus.SUBMITTED

        # The submitter sees no review form, and cannot review.
        html = staff.get(url).content.decode()
        assert f'action="{url}review/' not in html
        response = staff.post(url + "review/", {"decision": "return", "reasons": "x"})
        assert response.status_code == 403

        # The archivist returns it: reasons required, shown inline.
        html = archivist.get(url).content.decode()
        assert f'action="{url}review/' in html and "调解结案，无判决书" in html
        response = archivist.post(url + "review/", {"decision": "return"})
        assert response.status_code == 400
        assert field_errors(response.content.decode(), "reasons")
        response = archivist.post(
            url + "review/", {"decision": "return", "reasons": "缺少风险告知书签字"}
        )
        assert response.status_code == 302
        archive.refresh_from_db()
        assert archive.status == ArchiveStatus.RETURNED

        # Filing a returned volume: a clear message, no change.
        response = archivist.post(url + "file/", {}, follow=True)
        assert response.status_code in (200, 400)

        html = staff.get(url).content.decode()
        assert "缺少风险告知书签字" in html
        response = staff.post(
            url + "submit/", {"reason_legal_documents": "调解结案，无判决书"}
        )
        assert response.status_code == 302

        # Approval needs every checklist answer; unchecked ones are named.
        response = archivist.post(
            url + "review/", {"decision": "approve", "check_complete": "on"}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert html.count('class="check-row has-error"') == 5
        checks = {
            f"check_{k}": "on"
            for k in (
                "complete",
                "a4",
                "signed_sealed",
                "authentic",
                "clear",
                "standard",
            )
        }
        response = archivist.post(url + "review/", {"decision": "approve", **checks})
        assert response.status_code == 302
        archive.refresh_from_db()
        assert archive.status == ArchiveStatus.APPROVED

        # Reviewing again: the state does not allow it — a message, not a 500.
        response = archivist.post(
            url + "review/", {"decision": "approve", **checks}, follow=True
        )
        assert response.status_code == 200
        assert archive.archive_number in response.content.decode()

        # The filing desk lists it; a wrong shelf is shown on its field.
        assert (
            archive.archive_number in archivist.get("/archives/desk/").content.decode()
        )
        cab = cabinet("SS-P-01")
        response = archivist.post(
            url + "file/", {"cabinet": cab.pk, "shelf": 9, "box": 1}
        )
        assert response.status_code == 400
        assert field_errors(response.content.decode(), "shelf")
        response = archivist.post(
            url + "file/", {"cabinet": cab.pk, "shelf": 2, "box": 3}
        )
        assert response.status_code == 302
        archive.refresh_from_db()
        assert archive.status == ArchiveStatus.FILED
        assert (archive.cabinet_id, archive.shelf, archive.box) == (cab.pk, 2, 3)
        actions = list(
            ArchiveEvent.objects.filter(archive=archive).values_list(
                "action", flat=True
            )
        )
        assert actions[-5:] == ["submit", "return", "submit", "approve", "file"]
        html = archivist.get(url).content.decode()
        assert "SS-P-01" in html

        # A page added after filing: a copy-sync task, closed on its page.
        response = archivist.post(
            url + "materials/",
            {
                "category": Category.BUSINESS_HANDLING,
                "material_type": MaterialType.JUDGMENT,
                "title": "民事调解书补入",
                "page_count": 2,
            },
        )
        assert response.status_code == 302
        html = archivist.get("/archives/sync/").content.decode()
        assert "民事调解书补入" in html
        task = archive.sync_tasks.get()
        response = archivist.post(f"/archives/sync/{task.pk}/done/", {"note": "已打印"})
        assert response.status_code == 302
        task.refresh_from_db()
        assert task.done_at is not None and task.note == "已打印"
        # The lawyer may not add to a filed volume.
        response = staff.post(
            url + "materials/",
            {"category": "fees", "material_type": "invoice", "title": "发票"},
        )
        assert response.status_code == 403
        # The filing ledger lists the volume; its Excel export is logged.
        ledger = archivist.get("/archives/ledger/").content.decode()
        assert archive.archive_number in ledger
        export = archivist.get("/archives/ledger/?format=xlsx")
        assert export["Content-Type"].startswith("application/vnd.openxmlformats")
        book = openpyxl.load_workbook(io.BytesIO(export.content), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert rows[1][0] == archive.archive_number
        assert AuditEntry.objects.filter(
            action="archives.ledger_exported", actor=firm["archivist"]
        ).exists()

    def test_invalid_transition_gives_a_message(self, client, firm, closed_archive):
        archive = closed_archive()
        sign_in(client, firm["archivist"])
        response = client.post(
            f"/archives/{archive.pk}/review/",
            {"decision": "return", "reasons": "x"},
            follow=True,
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="alert alert-error"' in html
        archive.refresh_from_db()
        assert archive.status == ArchiveStatus.COLLECTING
