"""Excel export and import of clients and matters (issue 3 §9; SPEC §6)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from lexkeep.clients.excel import (
    IMPORT_FIELDS,
    ImportRejected,
    clients_export,
    clients_import,
    clients_import_template,
    matters_export,
)
from lexkeep.clients.models import Client
from lexkeep.core.models import AuditEntry
from tests.matters.conftest import (  # noqa: F401 - fixtures
    a_credit_code,
    an_id_number,
    api_as_fixture,
    mk_check_fixture,
    mk_client_fixture,
    mk_matter_fixture,
)

pytestmark = pytest.mark.django_db

ID_NUMBER = an_id_number(777)


@pytest.fixture
def register(firm, mk_client, mk_matter):
    person = mk_client(
        "李四", client_type="individual", id_number=ID_NUMBER, owner=firm["senior"]
    )
    company = mk_client(
        "星河科技有限公司", credit_code=a_credit_code(778), owner=firm["senior"]
    )
    hidden = mk_client("别人的客户有限公司", owner=firm["partner"])
    mk_matter(company, name="星河案", handling=[firm["senior"]])
    mk_matter(
        hidden, name="别人的案", handling=[firm["partner"]], supervising=firm["partner"]
    )
    return {"person": person, "company": company, "hidden": hidden}


def read(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


class TestExport:
    def test_clients_visible_masked_translated_and_logged(self, firm, register):
        export = clients_export(actor=firm["senior"])
        rows = read(export.file.read())
        export.file.close()
        header, body = rows[0], rows[1:]
        assert "名称" in header  # translated headers (zh-hans by default)
        names = {r[1] for r in body}
        assert names == {"李四", "星河科技有限公司"}
        text = repr(rows)
        assert ID_NUMBER not in text
        assert ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:] in text
        entry = AuditEntry.objects.get(action="clients.exported")
        assert entry.detail == {"rows": 2, "format": "xlsx"}
        assert entry.actor == firm["senior"]

    def test_nothing_for_roles_without_clients(self, firm, register):
        export = clients_export(actor=firm["archivist"])
        assert len(read(export.file.read())) == 1

    def test_matters_export(self, firm, register):
        export = matters_export(actor=firm["partner"])
        rows = read(export.file.read())
        assert {r[1] for r in rows[1:]} == {"星河案", "别人的案"}
        assert AuditEntry.objects.filter(
            action="matters.exported", detail__rows=2
        ).exists()

    def test_api_streams_a_file(self, firm, register, api_as):
        response = api_as("senior").get("/api/v1/clients/export.xlsx")
        assert response.status_code == 200
        assert response.streaming
        assert "attachment" in response["Content-Disposition"]
        data = b"".join(response.streaming_content)
        assert len(read(data)) == 3
        matters = api_as("senior").get("/api/v1/matters/export.xlsx")
        assert matters.status_code == 200 and matters.streaming
        assert len(read(b"".join(matters.streaming_content))) == 2


def workbook(rows: list[list[object]], header: list[str] | None = None) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(
        header
        or [
            "name",
            "client_type",
            "enterprise_kind",
            "credit_code",
            "legal_representative",
            "registered_address",
            "phone",
            "domains",
        ]
    )
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def company_row(name: str, code: str, phone: str = "13800138000") -> list[object]:
    return [
        name,
        "enterprise",
        "llc",
        code,
        "张三",
        "北京市朝阳区",
        phone,
        "litigation/civil; counsel",
    ]


class TestImport:
    def test_imports_every_row(self, firm):
        source = workbook(
            [
                company_row("甲科技有限公司", a_credit_code(801)),
                company_row("乙科技有限公司", a_credit_code(802)),
            ]
        )
        result = clients_import(actor=firm["senior"], source=source)
        assert (result.created, result.rows) == (2, 2)
        created = Client.objects.get(name="甲科技有限公司")
        assert created.owner == firm["senior"]
        assert {(d.domain, d.sub_domain) for d in created.domains.all()} == {
            ("litigation", "civil"),
            ("counsel", ""),
        }
        assert AuditEntry.objects.filter(action="clients.imported").exists()

    def test_one_bad_row_imports_nothing_and_reports_each_field(self, firm, mk_client):
        taken = a_credit_code(803)
        mk_client("已有客户", credit_code=taken)
        dup = a_credit_code(804)
        source = workbook(
            [
                company_row("甲科技有限公司", a_credit_code(805)),
                company_row("乙科技有限公司", "91110000600037341A", phone="123"),
                company_row("丙科技有限公司", taken),
                company_row("丁科技有限公司", dup),
                company_row("戊科技有限公司", dup),
                ["", "alien", "", "", "", "", "", "litigation/tax"],
            ]
        )
        with pytest.raises(ImportRejected) as exc:
            clients_import(actor=firm["senior"], source=source)
        report = {(e["row"], e["field"]) for e in exc.value.errors}
        assert {
            (3, "credit_code"),
            (3, "phone"),
            (4, "credit_code"),
            (6, "credit_code"),
            (7, "name"),
            (7, "client_type"),
            (7, "domains"),
        } <= report
        assert not any(row == 2 for row, _f in report)
        assert all(e["message"] for e in exc.value.errors)
        assert not Client.objects.filter(name="甲科技有限公司").exists()

    def test_service_refusals_roll_everything_back(self, firm):
        # An ID number needs the client's separate consent (SPEC §6); the
        # import cannot record one, so client_create refuses the row.
        header = ["name", "client_type", "gender", "id_number", "phone", "address"]
        source = workbook(
            [
                [
                    "张三",
                    "individual",
                    "male",
                    an_id_number(806),
                    "13800138000",
                    "北京",
                ],
                ["李四", "individual", "female", "", "13900139000", "上海"],
            ],
            header=header,
        )
        with pytest.raises(ImportRejected) as exc:
            clients_import(actor=firm["senior"], source=source)
        assert {e["row"] for e in exc.value.errors} == {2}
        assert not Client.objects.exists()

    def test_duplicate_id_numbers_reported(self, firm, mk_client):
        existing = an_id_number(807)
        mk_client("王五", client_type="individual", id_number=existing)
        header = ["name", "client_type", "id_number"]
        source = workbook(
            [
                ["甲", "individual", existing],
                ["乙", "individual", an_id_number(808)],
                ["丙", "individual", an_id_number(808)],
            ],
            header=header,
        )
        with pytest.raises(ImportRejected) as exc:
            clients_import(actor=firm["senior"], source=source)
        by_row = {(e["row"], e["field"]) for e in exc.value.errors}
        assert (2, "id_number") in by_row and (4, "id_number") in by_row
        assert existing not in repr(exc.value.errors)

    def test_template_round_trip_and_unknown_columns(self, firm):
        rows = read(clients_import_template())
        assert len(rows) == 1 and len(rows[0]) == len(IMPORT_FIELDS)
        translated = list(rows[0])
        values = {
            "name": "模板公司",
            "client_type": "企业",
            "enterprise_kind": "llc",
            "credit_code": a_credit_code(809),
            "legal_representative": "赵六",
            "registered_address": "北京",
            "phone": "010-12345678",
        }
        source = workbook(
            [[values.get(f, "") for f in IMPORT_FIELDS]], header=translated
        )
        result = clients_import(actor=firm["senior"], source=source)
        assert result.created == 1
        with pytest.raises(ImportRejected) as exc:
            clients_import(actor=firm["senior"], source=workbook([], header=["名字?"]))
        assert {e["field"] for e in exc.value.errors} >= {"名字?", "name"}

    def test_not_a_workbook(self, firm):
        with pytest.raises(ImportRejected) as exc:
            clients_import(actor=firm["senior"], source=io.BytesIO(b"not excel"))
        assert exc.value.errors[0]["field"] == "file"

    def test_api(self, firm, api_as):
        def upload(source: io.BytesIO) -> SimpleUploadedFile:
            return SimpleUploadedFile("clients.xlsx", source.getvalue())

        api = api_as("senior")
        ok = api.multipart(
            "/api/v1/clients/import",
            {
                "file": upload(
                    workbook([company_row("甲科技有限公司", a_credit_code(810))])
                )
            },
        )
        assert ok.status_code == 200, ok.content
        assert ok.json() == {"created": 1, "rows": 1}
        bad = api.multipart(
            "/api/v1/clients/import",
            {"file": upload(workbook([company_row("乙科技有限公司", "bad")]))},
        )
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["row"] == 2
        assert bad.json()["errors"][0]["field"] == "credit_code"
        denied = api_as("archivist").multipart(
            "/api/v1/clients/import",
            {
                "file": upload(
                    workbook([company_row("丙科技有限公司", a_credit_code(811))])
                )
            },
        )
        assert denied.status_code == 403
