"""The demo's year of service gives the dashboards real shapes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models.functions import TruncMonth
from django.utils import timezone

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
    # A year of them: every month of the last twelve has some.
    today = timezone.localdate()
    months = set(
        Contact.objects.filter(occurred_on__gt=today - dt.timedelta(days=365))
        .annotate(month=TruncMonth("occurred_on"))
        .values_list("month", flat=True)
    )
    assert len(months) >= 12, sorted(months)
    statuses = set(Duty.objects.values_list("status", flat=True))
    assert {"done", "overdue"} <= statuses
    board = compliance_dashboard(actor=firm["director"])
    assert board.firm.done_on_time > 0 and board.firm.overdue > 0


def test_demo_contacts_never_lie_ahead_of_now(firm, mk_client, monkeypatch):
    """Loaded at half past nine in the morning, the demo logs nothing later
    that day: each contact happened, and was recorded, before now, on its
    own day."""
    morning = dt.datetime.combine(
        timezone.localdate(), dt.time(9, 30), tzinfo=timezone.get_current_timezone()
    )
    monkeypatch.setattr(timezone, "now", lambda: morning)
    for tier in ("strategic", "key", "ordinary") * 5:
        mk_client(tier, since=d("2026-06-01"))
    demo.load(firm | {"director": firm["director"]})
    contacts = list(Contact.objects.all())
    assert contacts
    assert max(c.occurred_at for c in contacts) <= morning
    assert max(c.recorded_at for c in contacts) <= morning
    assert all(timezone.localdate(c.occurred_at) == c.occurred_on for c in contacts)
