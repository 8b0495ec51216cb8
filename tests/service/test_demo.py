"""The demo's year of service gives the dashboards real shapes."""

from __future__ import annotations

import pytest

from lexkeep.service import demo
from lexkeep.service.models import Contact, Duty
from lexkeep.service.selectors import compliance_dashboard
from tests.service.conftest import d

pytestmark = pytest.mark.django_db


def test_demo_year_of_contacts(firm, mk_client, mk_matter):
    for tier in ("strategic", "key", "key", "ordinary", "ordinary", "ordinary"):
        client = mk_client(tier, since=d("2026-06-01"))
        if tier == "ordinary":
            mk_matter(client, engagement_start=d("2025-12-01"))
    demo.load(firm | {"director": firm["director"]})
    assert Contact.objects.count() > 100
    assert Contact.objects.filter(compliant_channel=False).exists()
    statuses = set(Duty.objects.values_list("status", flat=True))
    assert {"done", "overdue"} <= statuses
    board = compliance_dashboard(actor=firm["director"])
    assert board.firm.done_on_time > 0 and board.firm.overdue > 0
