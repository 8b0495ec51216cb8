"""What a matter's pages show, assembled by the selectors (SPEC §3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lexkeep.matters.models import FeeReceipt
from lexkeep.matters.selectors import matter_client_choices, matter_records

pytestmark = pytest.mark.django_db


def test_matter_records_total_the_fees(firm, mk_client, mk_matter):
    matter = mk_matter(mk_client("星河科技有限公司"))
    partner = firm["partner"]
    empty = matter_records(actor=partner, matter=matter)
    assert (empty.fees, empty.fees_total, empty.archive) == ([], Decimal(0), None)
    for amount, day in (("1000.50", 3), ("200.25", 9)):
        FeeReceipt.objects.create(
            matter=matter,
            amount=Decimal(amount),
            received_on=dt.date(2026, 2, day),
            recorded_by=partner,
        )
    records = matter_records(actor=partner, matter=matter)
    assert records.fees_total == Decimal("1200.75")
    assert [f.received_on.day for f in records.fees] == [9, 3]


def test_client_choices_of_a_check_that_names_its_client(firm, mk_client, mk_check):
    acme = mk_client("星河科技有限公司")
    check = mk_check(client=acme)
    choices = matter_client_choices(
        actor=firm["partner"], check=check, wanted="", limit=50
    )
    assert choices == [(str(acme.pk), acme.name)]


def test_client_choices_by_name_with_the_wanted_client_first(firm, mk_client, mk_check):
    mk_client("星河科技有限公司")
    other = mk_client("远山贸易有限公司")
    check = mk_check()
    check.subject_name = "星河科技"
    choices = matter_client_choices(
        actor=firm["partner"], check=check, wanted=str(other.pk), limit=50
    )
    assert [name for _pk, name in choices] == ["远山贸易有限公司", "星河科技有限公司"]
    limited = matter_client_choices(
        actor=firm["partner"], check=check, wanted="", limit=0
    )
    assert limited == []
