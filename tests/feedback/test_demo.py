"""The demo firm's year of complaints loads and has the shapes the pages need."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lexkeep.feedback import demo
from lexkeep.feedback.models import (
    Escalation,
    Feedback,
    FeedbackExtension,
    ImprovementMeasure,
    Status,
)

pytestmark = pytest.mark.django_db


def test_demo_loads_a_realistic_year(firm):
    demo.load({"service": firm["client_service"], "director": firm["director"]})
    cases = Feedback.objects.all()
    assert cases.count() >= 140
    assert set(cases.values_list("category", flat=True)) == {
        "slow_communication",
        "fees_unclear",
        "quality",
        "attitude",
        "other",
    }
    assert cases.filter(status=Status.CLOSED).count() > 60
    assert cases.filter(status=Status.RECEIVED).exists()
    # Some still open past their clocks, flagged (SPEC §5).
    now = timezone.now()
    open_cases = cases.exclude(status__in=(Status.RESOLVED, Status.CLOSED))
    assert open_cases.filter(reply_due__lt=now, replied_at__isnull=True).exists()
    assert open_cases.filter(contact_breached_at__isnull=False).exists()
    assert cases.filter(satisfaction__isnull=False).count() > 50
    assert Escalation.objects.filter(kind="contact").exists()
    assert Escalation.objects.filter(kind="reply").exists()
    assert FeedbackExtension.objects.exists()
    assert ImprovementMeasure.objects.count() == 12
    assert set(cases.values_list("channel", flat=True)) >= {"web", "phone", "email"}
    # A client who wrote twice: the second closed as a duplicate, unflagged.
    (duplicate,) = cases.exclude(dismissed_as="")
    assert (duplicate.status, duplicate.dismissed_as) == (Status.CLOSED, "duplicate")
    assert duplicate.contact_breached_at is None
