"""Keeping client information current (SPEC §2.4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lexkeep.clients.models import Client, ClientReview
from lexkeep.clients.selectors import client_list, clients_review_status
from lexkeep.clients.services import (
    client_review_record,
    client_update_record,
    quarter_of,
)

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)


def _created_on(client: Client, day: dt.date) -> None:
    Client.objects.filter(pk=client.pk).update(created_at=_at(day))


def test_quarter_of():
    assert quarter_of(dt.date(2026, 1, 1)) == "2026Q1"
    assert quarter_of(dt.date(2026, 3, 31)) == "2026Q1"
    assert quarter_of(dt.date(2026, 10, 1)) == "2026Q4"


def test_second_review_in_quarter_replaces_the_first(make_individual, firm):
    client = make_individual()
    client_review_record(
        actor=firm["partner"],
        client=client,
        reviewed_on=dt.date(2026, 4, 2),
        method="phone",
    )
    client_review_record(
        actor=firm["partner"],
        client=client,
        reviewed_on=dt.date(2026, 5, 20),
        method="visit",
        note="met in person",
    )
    review = ClientReview.objects.get(client=client)
    assert (review.quarter, review.reviewed_on, review.method) == (
        "2026Q2",
        dt.date(2026, 5, 20),
        "visit",
    )
    client_review_record(
        actor=firm["partner"],
        client=client,
        reviewed_on=dt.date(2026, 7, 1),
        method="email",
    )
    assert ClientReview.objects.filter(client=client).count() == 2


def test_review_in_future_refused(make_individual, firm):
    client = make_individual()
    with pytest.raises(ValidationError) as exc:
        client_review_record(
            actor=firm["partner"],
            client=client,
            reviewed_on=dt.date(2999, 1, 1),
            method="phone",
        )
    assert "reviewed_on" in exc.value.message_dict


def test_review_method_checked(make_individual, firm):
    client = make_individual()
    with pytest.raises(ValidationError) as exc:
        client_review_record(
            actor=firm["partner"],
            client=client,
            reviewed_on=dt.date(2026, 1, 5),
            method="pigeon",
        )
    assert "method" in exc.value.message_dict


def test_due_and_overdue_per_owner(make_individual, firm, django_assert_num_queries):
    today = dt.date(2026, 8, 15)  # Q3; previous quarter Q2 starts 2026-04-01
    reviewed_now = make_individual(actor=firm["staff"])
    reviewed_last_q = make_individual(actor=firm["staff"])
    never = make_individual(actor=firm["staff"])
    created_last_q = make_individual(actor=firm["senior"])
    created_this_q = make_individual(actor=firm["senior"])
    for client in (reviewed_now, reviewed_last_q, never):
        _created_on(client, dt.date(2025, 6, 1))
    _created_on(created_last_q, dt.date(2026, 5, 1))
    _created_on(created_this_q, dt.date(2026, 7, 1))
    client_review_record(
        actor=firm["staff"],
        client=reviewed_now,
        reviewed_on=dt.date(2026, 7, 3),
        method="phone",
    )
    client_review_record(
        actor=firm["staff"],
        client=reviewed_last_q,
        reviewed_on=dt.date(2026, 4, 1),
        method="email",
    )
    assert firm["partner"].roles  # loaded once per request in real use
    with django_assert_num_queries(1):
        groups = clients_review_status(actor=firm["partner"], today=today)
    by_owner = {g.owner.username: g for g in groups}
    assert by_owner["staff"].due == [reviewed_last_q]
    assert by_owner["staff"].overdue == [never]
    assert by_owner["senior"].due == [created_last_q]
    assert by_owner["senior"].overdue == []
    # A lawyer sees only their own.
    mine = clients_review_status(actor=firm["staff"], today=today)
    assert [g.owner for g in mine] == [firm["staff"]]
    assert clients_review_status(actor=firm["archivist"], today=today) == []
    # The list filter uses the same rule.
    overdue = client_list(actor=firm["partner"], review="overdue", today=today)
    assert list(overdue) == [never]


def test_overdue_boundary_on_quarter_start(make_individual, firm):
    client = make_individual(actor=firm["staff"])
    _created_on(client, dt.date(2025, 1, 1))
    client_review_record(
        actor=firm["staff"],
        client=client,
        reviewed_on=dt.date(2026, 3, 31),
        method="phone",
    )
    [group] = clients_review_status(actor=firm["staff"], today=dt.date(2026, 4, 1))
    assert group.due == [client]  # reviewed last quarter: due, not overdue
    [group] = clients_review_status(actor=firm["staff"], today=dt.date(2026, 7, 1))
    assert group.overdue == [client]


class TestTriggeredUpdates:
    """Record a major change within 2 working days (SPEC §2.4)."""

    def _record(self, client, firm, occurred, recorded):
        return client_update_record(
            actor=firm["staff"],
            client=client,
            kind="contact_details",
            description="new phone",
            occurred_on=occurred,
            now=_at(recorded),
        )

    def test_across_national_day_on_time(self, make_individual, firm):
        client = make_individual(actor=firm["staff"])
        # Wed 30 Sep 2026; 1-7 Oct are holidays: due the 2nd working day, 9 Oct.
        update = self._record(client, firm, dt.date(2026, 9, 30), dt.date(2026, 10, 9))
        assert update.due_on == dt.date(2026, 10, 9)
        assert update.late is False

    def test_across_national_day_late(self, make_individual, firm):
        client = make_individual(actor=firm["staff"])
        update = self._record(client, firm, dt.date(2026, 9, 30), dt.date(2026, 10, 10))
        assert update.late is True

    def test_ordinary_week(self, make_individual, firm):
        client = make_individual(actor=firm["staff"])
        # Fri 13 Nov 2026: due Tue 17 Nov.
        on_time = self._record(
            client, firm, dt.date(2026, 11, 13), dt.date(2026, 11, 17)
        )
        assert (on_time.due_on, on_time.late) == (dt.date(2026, 11, 17), False)
        late = self._record(client, firm, dt.date(2026, 11, 13), dt.date(2026, 11, 18))
        assert late.late is True

    def test_recorded_day_is_firm_local(self, make_individual, firm):
        client = make_individual(actor=firm["staff"])
        # 16:30 UTC on 17 Nov is 00:30 on 18 Nov in Shanghai: late.
        update = client_update_record(
            actor=firm["staff"],
            client=client,
            kind="other",
            description="x",
            occurred_on=dt.date(2026, 11, 13),
            now=dt.datetime(2026, 11, 17, 16, 30, tzinfo=dt.UTC),
        )
        assert update.late is True

    def test_future_change_refused(self, make_individual, firm):
        client = make_individual(actor=firm["staff"])
        with pytest.raises(ValidationError) as exc:
            self._record(client, firm, dt.date(2026, 11, 20), dt.date(2026, 11, 19))
        assert "occurred_on" in exc.value.message_dict

    def test_matter_must_be_the_clients(self, make_individual, make_matter, firm):
        client = make_individual(actor=firm["staff"])
        other = make_matter(make_individual())
        with pytest.raises(ValidationError) as exc:
            client_update_record(
                actor=firm["staff"],
                client=client,
                kind="engaged_matter",
                description="x",
                occurred_on=dt.date(2026, 1, 5),
                matter=other,
            )
        assert "matter" in exc.value.message_dict
