"""The required-materials checklist: the director alone changes it (SPEC §7.1).

Through the services, the pages and the API alike: every other role is
refused, bad input is named field by field (in Chinese on the pages), each
change is audited and takes effect on the volumes' completeness check.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as HttpClient

from lexkeep.archives.choices import MaterialType
from lexkeep.archives.models import RequiredMaterial
from lexkeep.archives.services import (
    checklist_for,
    checklist_item_add,
    checklist_item_deactivate,
    checklist_item_move,
    checklist_item_restore,
    checklist_item_update,
    checklist_rows,
    checklist_set,
    missing_items,
)
from lexkeep.clients.choices import Domain
from lexkeep.core.models import AuditEntry
from tests.archives.test_views import field_errors
from tests.web.helpers import sign_in

pytestmark = pytest.mark.django_db

OTHERS = (
    "partner",
    "senior",
    "staff",
    "assistant",
    "archivist",
    "client_service",
    "external",
)
LIT = Domain.LITIGATION.value


def _row(key: str, domain: str = LIT) -> RequiredMaterial:
    checklist_for(domain)
    return RequiredMaterial.objects.get(domain=domain, key=key)


def _missing(archive) -> list[str]:
    return [i.key for i in missing_items(archive)]


def _changes() -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action="archive.checklist_changed").order_by("id")
    )


class TestServices:
    @pytest.mark.parametrize("who", OTHERS)
    def test_only_the_director_changes_the_list(self, firm, who):
        risk = _row("risk_notice")
        calls = [
            lambda: checklist_rows(actor=firm[who], domain=LIT),
            lambda: checklist_set(actor=firm[who], domain=LIT, items=[]),
            lambda: checklist_item_add(
                actor=firm[who],
                domain=LIT,
                label="保全材料",
                material_types=[MaterialType.OTHER],
            ),
            lambda: checklist_item_update(
                actor=firm[who], row=risk, label="x", material_types=["other"]
            ),
            lambda: checklist_item_deactivate(actor=firm[who], row=risk),
            lambda: checklist_item_restore(actor=firm[who], row=risk),
            lambda: checklist_item_move(actor=firm[who], row=risk, up=True),
        ]
        for call in calls:
            with pytest.raises(PermissionDenied):
                call()
        assert len(checklist_for(LIT)) == 7
        assert _changes() == []

    def test_changes_take_effect_on_the_completeness_check(
        self, firm, closed_archive, fill
    ):
        archive = closed_archive()
        fill(archive)
        assert _missing(archive) == []
        director = firm["director"]
        checklist_item_add(
            actor=director,
            domain=LIT,
            label="财产保全申请书",
            material_types=[MaterialType.OTHER],
        )
        assert _missing(archive) == ["item_1"]
        checklist_item_deactivate(actor=director, row=_row("item_1"))
        assert _missing(archive) == []
        checklist_item_restore(actor=director, row=_row("item_1"))
        assert _missing(archive) == ["item_1"]
        # Narrowing an item to a type the volume lacks makes it missing.
        checklist_item_update(
            actor=director,
            row=_row("communication"),
            label="Communication records",
            material_types=[MaterialType.EMAIL],
        )
        assert _missing(archive) == ["communication", "item_1"]
        # Other domains keep their own list.
        assert len(checklist_for(Domain.COUNSEL)) == 7

    def test_each_change_is_audited(self, firm):
        director = firm["director"]
        checklist_item_deactivate(actor=director, row=_row("risk_notice"))
        checklist_item_move(actor=director, row=_row("fee_vouchers"), up=True)
        entries = _changes()
        assert len(entries) == 2
        assert entries[0].actor_id == director.pk
        assert entries[0].object_id == LIT
        assert entries[0].detail["removed"] == ["risk_notice"]
        assert entries[1].detail["keys"][-2:] == ["fee_vouchers", "communication"]

    def test_bad_items_are_named_and_nothing_changes(self, firm):
        before = checklist_for(LIT)
        with pytest.raises(ValidationError) as exc:
            checklist_item_add(
                actor=firm["director"], domain=LIT, label=" ", material_types=[]
            )
        assert set(exc.value.message_dict) == {
            "items[7].label",
            "items[7].material_types",
        }
        with pytest.raises(ValidationError) as exc:
            checklist_item_add(
                actor=firm["director"],
                domain=LIT,
                label="x" * 101,
                material_types=["no_such_type"],
            )
        assert "items[7].material_types" in exc.value.message_dict
        assert checklist_for(LIT) == before
        assert _changes() == []

    def test_a_removed_item_is_kept_and_cannot_be_moved(self, firm):
        director = firm["director"]
        risk = _row("risk_notice")
        checklist_item_deactivate(actor=director, row=risk)
        risk.refresh_from_db()
        assert not risk.active
        assert "risk_notice" not in [i.key for i in checklist_for(LIT)]
        with pytest.raises(ValidationError):
            checklist_item_move(actor=director, row=risk, up=True)
        rows = checklist_rows(actor=director, domain=LIT)
        assert rows[-1] == risk  # inactive items come last


class TestPage:
    URL = "/archives/checklist/"

    @pytest.mark.parametrize("who", OTHERS)
    def test_every_other_role_is_refused(self, client, firm, who):
        risk = _row("risk_notice")
        sign_in(client, firm[who])
        assert client.get(self.URL).status_code == 403
        posts = {
            self.URL: {"label": "x", "material_types": ["other"]},
            f"/archives/checklist/{risk.pk}/edit/": {"label": "x"},
            f"/archives/checklist/{risk.pk}/off/": {},
            f"/archives/checklist/{risk.pk}/on/": {},
            f"/archives/checklist/{risk.pk}/move/": {"direction": "up"},
        }
        for url, data in posts.items():
            assert client.post(url, data).status_code == 403, url
        assert client.get(f"/archives/checklist/{risk.pk}/edit/").status_code == 403
        risk.refresh_from_db()
        assert risk.active and risk.label == "Risk notice signed by the client"
        assert _changes() == []

    def test_the_director_finds_it_in_the_archive_tabs(self, client, firm):
        sign_in(client, firm["director"])
        assert self.URL in client.get("/archives/").content.decode()
        html = client.get(f"{self.URL}?domain=counsel").content.decode()
        assert "风险告知书" in html or "Risk notice" in html
        archivist = sign_in(HttpClient(), firm["archivist"])
        assert self.URL not in archivist.get("/archives/").content.decode()

    def test_invalid_input_shows_inline_chinese_errors(self, client, firm):
        sign_in(client, firm["director"])
        response = client.post(f"{self.URL}?domain={LIT}", {"label": ""})
        assert response.status_code == 400
        html = response.content.decode()
        label, types = field_errors(html, "label"), field_errors(html, "material_types")
        assert label and types
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e) for e in label + types)
        assert len(checklist_for(LIT)) == 7

    def test_add_edit_remove_through_the_page(self, client, firm, closed_archive, fill):
        archive = closed_archive()
        fill(archive)
        sign_in(client, firm["director"])
        response = client.post(
            f"{self.URL}?domain={LIT}",
            {"label": "财产保全申请书", "material_types": ["other", "judgment"]},
        )
        assert response.status_code == 302
        row = RequiredMaterial.objects.get(domain=LIT, label="财产保全申请书")
        assert row.material_types == ["other", "judgment"]
        assert _missing(archive) == []  # the volume holds a judgment
        # Narrowed to a type the volume lacks, the item is missing from it.
        client.post(
            f"/archives/checklist/{row.pk}/edit/",
            {"label": "财产保全申请书", "material_types": ["other"]},
        )
        assert _missing(archive) == [row.key]
        lawyer = sign_in(HttpClient(), firm["staff"])
        page = lawyer.get(archive.get_absolute_url()).content.decode()
        assert "财产保全申请书" in page
        assert client.post(f"/archives/checklist/{row.pk}/off/").status_code == 302
        assert _missing(archive) == []
        assert client.post(f"/archives/checklist/{row.pk}/on/").status_code == 302
        assert _missing(archive) == [row.key]
        assert len(_changes()) == 4

    def test_edit_keeps_a_standard_label_translatable(self, client, firm):
        risk = _row("risk_notice")
        url = f"/archives/checklist/{risk.pk}/edit/"
        sign_in(client, firm["director"])
        assert "客户签字的风险告知书" in client.get(url).content.decode()
        types = ["risk_notice", "other"]
        response = client.post(
            url, {"label": "客户签字的风险告知书", "material_types": types}
        )
        assert response.status_code == 302
        risk.refresh_from_db()
        assert risk.label == "Risk notice signed by the client"
        assert risk.material_types == types
        client.post(url, {"label": "风险告知书（客户签字）", "material_types": types})
        risk.refresh_from_db()
        assert risk.label == "风险告知书（客户签字）"

    def test_move_reorders(self, client, firm):
        fees = _row("fee_vouchers")
        sign_in(client, firm["director"])
        client.post(f"/archives/checklist/{fees.pk}/move/", {"direction": "up"})
        assert [i.key for i in checklist_for(LIT)][-2:] == [
            "fee_vouchers",
            "communication",
        ]


class TestApi:
    def test_replace_is_for_the_director_and_audited(self, api):
        items = [{"key": "contract", "label": "合同", "material_types": ["evidence"]}]
        assert (
            api("partner")
            .put(
                f"/api/v1/archive-checklists/{LIT}",
                items,
                content_type="application/json",
            )
            .status_code
            == 403
        )
        response = api("director").put(
            f"/api/v1/archive-checklists/{LIT}", items, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        assert [i["key"] for i in response.json()] == ["contract"]
        assert _changes()[-1].detail["added"] == ["contract"]
        got = api("staff").get(f"/api/v1/archive-checklists/{LIT}").json()
        assert [i["key"] for i in got] == ["contract"]
