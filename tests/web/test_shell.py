"""Navigation per role, role home pages, area pages, language and errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.web.helpers import sign_in

pytestmark = pytest.mark.django_db

ALL_STAFF_AREAS = {"home", "settings"}
EXPECTED_NAV = {
    "director": {
        "home",
        "clients",
        "matters",
        "service",
        "feedback",
        "archives",
        "loans",
        "retention",
        "supervision",
        "settings",
    },
    "partner": {
        "home",
        "clients",
        "matters",
        "service",
        "feedback",
        "archives",
        "loans",
        "retention",
        "supervision",
        "settings",
    },
    "senior": ALL_STAFF_AREAS | {"clients", "matters", "service", "archives", "loans"},
    "staff": ALL_STAFF_AREAS | {"clients", "matters", "service", "archives", "loans"},
    "assistant": ALL_STAFF_AREAS
    | {"clients", "matters", "service", "archives", "loans"},
    "archivist": ALL_STAFF_AREAS | {"archives", "loans", "retention", "supervision"},
    "client_service": ALL_STAFF_AREAS | {"clients", "service", "feedback"},
    "external": {"home", "loans"},
}

# Something only this role's home page says (SPEC §1), in Chinese.
HOME_TEXT = {
    "director": ["王主任", "审批外部借阅", "审批销毁"],
    "partner": ["李合伙", "战略客户", "审计小组"],
    "senior": ["张资深", "我的委托事项", "3 个工作日"],
    "staff": ["赵专职", "我的客户"],
    "assistant": ["钱助理", "我协办的委托事项"],
    "archivist": ["孙档案", "借阅登记", "季度检查"],
    "client_service": ["周客服", "24 小时", "3 个工作日"],
    "external": ["吴外部", "经主任批准"],
}


@pytest.mark.parametrize("who", sorted(EXPECTED_NAV))
def test_navigation_shows_the_areas_of_each_role(client, firm, who):
    sign_in(client, firm[who])
    response = client.get("/")
    assert response.status_code == 200
    keys = {item["key"] for item in response.context["nav_items"]}
    assert keys == EXPECTED_NAV[who]
    for area in EXPECTED_NAV[who] - {"home"}:
        assert client.get(f"/{area}/").status_code == 200, area
    for area in {"clients", "feedback", "retention", "supervision"} - keys:
        assert client.get(f"/{area}/").status_code == 403, area


@pytest.mark.parametrize("who", sorted(HOME_TEXT))
def test_home_page_per_role(client, firm, who):
    sign_in(client, firm[who])
    html = client.get("/").content.decode()
    assert "Lexkeep" in html
    assert "律所客户与档案管理" in html
    for text in HOME_TEXT[who]:
        assert text in html, text


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_language_switch_yields_english(client, firm):
    sign_in(client, firm["staff"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Welcome, 赵专职" in html
    assert "Matters" in html
    assert "Law-firm client and archive management" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "欢迎" in client.get("/").content.decode()


class TestAreaPages:
    def test_feedback_rules_state_the_clocks(self, client, firm):
        sign_in(client, firm["client_service"])
        html = client.get("/feedback/rules/").content.decode()
        assert "24 小时" in html
        assert "3 个工作日" in html
        assert "您在此可做的事" in html

    def test_loans_state_seven_days(self, client, firm):
        sign_in(client, firm["external"])
        html = client.get("/loans/").content.decode()
        assert "7 天" in html
        assert "主任批准" in html

    def test_retention_periods(self, client, firm):
        sign_in(client, firm["archivist"])
        html = client.get("/retention/").content.decode()
        for text in ("10 年", "8 年", "5 年", "永久"):
            assert text in html

    def test_lawyer_may_not_open_feedback(self, client, firm):
        sign_in(client, firm["staff"])
        response = client.get("/feedback/")
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()


class TestHolidays:
    def test_director_adds_and_deletes(self, client, firm):
        from lexkeep.core.models import FirmHoliday

        sign_in(client, firm["director"])
        page = client.get("/settings/holidays/")
        assert page.status_code == 200
        assert 'name="kind"' in page.content.decode()
        response = client.post(
            "/settings/holidays/",
            {"date": "2031-10-01", "kind": "holiday", "name": "国庆节"},
        )
        assert response.status_code == 302
        holiday = FirmHoliday.objects.get(date="2031-10-01")
        assert holiday.kind == "holiday"
        assert "国庆节" in client.get("/settings/holidays/").content.decode()
        response = client.post("/settings/holidays/2031-10-01/delete/")
        assert response.status_code == 302
        assert not FirmHoliday.objects.exists()

    def test_bad_input_is_refused(self, client, firm):
        sign_in(client, firm["director"])
        response = client.post(
            "/settings/holidays/", {"date": "not-a-date", "kind": "holiday"}
        )
        assert response.status_code == 400

    def test_a_run_of_days_is_entered_at_once(self, client, firm):
        from lexkeep.core.models import AuditEntry, FirmHoliday

        sign_in(client, firm["director"])
        response = client.post(
            "/settings/holidays/",
            {"date": "2031-01-22", "until": "2031-01-28", "kind": "holiday"},
        )
        assert response.status_code == 302
        days = list(FirmHoliday.objects.values_list("date", flat=True))
        assert [day.isoformat() for day in days] == [
            f"2031-01-{n}" for n in range(22, 29)
        ]
        assert AuditEntry.objects.filter(action="calendar.holiday_set").count() == 7

    def test_a_run_that_fails_part_way_saves_nothing(self, firm, monkeypatch):
        """The fourth day's write fails (the database refuses it): the three
        before it are not kept, nor their audit entries."""
        from django.db import DatabaseError

        from lexkeep.core.models import AuditEntry, FirmHoliday
        from lexkeep.core.workdays import firm_holidays_set

        write = FirmHoliday.save

        def refuse_the_fourth(holiday, *args, **kwargs):
            if holiday.date == dt.date(2031, 1, 25):
                raise DatabaseError("disk I/O error")
            return write(holiday, *args, **kwargs)

        monkeypatch.setattr(FirmHoliday, "save", refuse_the_fourth)
        with pytest.raises(DatabaseError):
            firm_holidays_set(
                start=dt.date(2031, 1, 22),
                end=dt.date(2031, 1, 28),
                kind="holiday",
                name="春节",
                actor=firm["director"],
            )
        assert not FirmHoliday.objects.exists()
        assert not AuditEntry.objects.filter(action="calendar.holiday_set").exists()

    @pytest.mark.parametrize(
        ("until", "message"),
        [("2031-01-21", "截止日期早于起始日期"), ("2031-02-23", "一次最多录入 31 天")],
    )
    def test_a_run_backwards_or_too_long_saves_nothing(
        self, client, firm, until, message
    ):
        from lexkeep.core.models import FirmHoliday

        sign_in(client, firm["director"])
        response = client.post(
            "/settings/holidays/",
            {"date": "2031-01-22", "until": until, "kind": "holiday"},
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not FirmHoliday.objects.exists()

    def test_lawyer_reads_but_gets_403_on_change(self, client, firm):
        from lexkeep.core.models import AuditEntry, FirmHoliday

        sign_in(client, firm["staff"])
        page = client.get("/settings/holidays/")
        assert page.status_code == 200
        assert 'name="kind"' not in page.content.decode()
        response = client.post(
            "/settings/holidays/",
            {"date": "2031-10-01", "kind": "holiday", "name": "x"},
        )
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()
        assert not FirmHoliday.objects.exists()
        assert client.post("/settings/holidays/2031-10-01/delete/").status_code == 403
        assert AuditEntry.objects.filter(action="auth.denied").exists()

    def test_external_person_has_no_settings(self, client, firm):
        sign_in(client, firm["external"])
        assert client.get("/settings/holidays/").status_code == 403


def test_users_list_is_for_the_director_only(client, firm):
    sign_in(client, firm["director"])
    html = client.get("/settings/users/").content.decode()
    assert "钱助理" in html and "档案管理员" in html
    other = sign_in(Client(), firm["partner"])
    assert other.get("/settings/users/").status_code == 403


def test_404_page_uses_the_shell(client, firm):
    sign_in(client, firm["staff"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_htmx_and_csrf_header_are_included(client, firm):
    sign_in(client, firm["staff"])
    html = client.get("/").content.decode()
    assert "web/js/htmx.min.js" in html
    assert "X-CSRFToken" in html


class TestCalendarCoverage:
    """A year neither the statutory calendar nor the firm table covers is
    shown to the director, with the year to enter, until a holiday of it
    is entered."""

    def test_years_to_enter(self, firm):
        from lexkeep.core.models import FirmHoliday
        from lexkeep.core.workdays import statutory_years, years_to_enter

        last = statutory_years()[1]
        assert years_to_enter(dt.date(last, 10, 31)) == []
        assert years_to_enter(dt.date(last, 11, 1)) == [last + 1]
        assert years_to_enter(dt.date(last + 1, 11, 1)) == [last + 1, last + 2]
        # The firm's own day off is no schedule; the public holidays are.
        FirmHoliday.objects.create(date=dt.date(last + 1, 5, 20), kind="holiday")
        assert years_to_enter(dt.date(last, 12, 1)) == [last + 1]
        FirmHoliday.objects.bulk_create(
            FirmHoliday(
                date=dt.date(last + 1, 1, 1) + dt.timedelta(days=n), kind="holiday"
            )
            for n in range(12)
        )
        assert years_to_enter(dt.date(last, 12, 1)) == []
        # Make-up working days are no schedule either.
        FirmHoliday.objects.bulk_create(
            FirmHoliday(
                date=dt.date(last + 2, 1, 4) + dt.timedelta(days=n), kind="workday"
            )
            for n in range(13)
        )
        assert years_to_enter(dt.date(last + 1, 12, 1)) == [last + 2]

    def test_the_director_is_told_on_the_home_and_calendar_pages(
        self, client, firm, monkeypatch
    ):
        from django.utils import timezone

        from lexkeep.core.workdays import statutory_years

        year = statutory_years()[1] + 1
        monkeypatch.setattr(timezone, "localdate", lambda: dt.date(year - 1, 12, 1))
        notice = f"{year} 年的节假日尚未录入律所日历"
        sign_in(client, firm["director"])
        home = client.get("/").content.decode()
        assert notice in home and "/settings/holidays/" in home
        assert notice in client.get("/settings/holidays/").content.decode()
        client.logout()
        sign_in(client, firm["staff"])
        assert notice not in client.get("/").content.decode()
