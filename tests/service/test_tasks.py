"""The background tasks: when Huey runs them, and what one run does.

The tasks are called as the worker calls them (``call_local``), against
the real clock: a sweep's "today" is the firm's today.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from lexkeep.feedback.tasks import sweep_feedback_periodically
from lexkeep.service.models import Duty
from lexkeep.service.tasks import draft_duty_documents, sweep_duties_periodically

pytestmark = pytest.mark.django_db

#: Huey's scheduler reads the clock as a naive timestamp.
NOON = dt.datetime(2026, 6, 10, 12, 0)  # noqa: DTZ001


def _due(minute: int) -> set[type]:
    """The periodic tasks the scheduler starts at ``minute`` past noon."""
    return {type(task) for task in HUEY.read_periodic(NOON.replace(minute=minute))}


@pytest.mark.parametrize(
    "task, runs_at, idle_at",
    [
        (sweep_duties_periodically, [0, 30], [10, 45]),  # every 30 minutes
        (sweep_feedback_periodically, [0, 10, 50], [5, 15, 59]),  # every 10
        (draft_duty_documents, [15], [0, 30, 45]),  # hourly at :15
    ],
)
def test_huey_runs_each_task_on_its_schedule(task, runs_at, idle_at):
    assert all(task.task_class in _due(m) for m in runs_at)
    assert not any(task.task_class in _due(m) for m in idle_at)


def test_the_periodic_duty_sweep_derives_once(mk_client):
    client = mk_client("key", since=timezone.localdate() - dt.timedelta(days=3))
    first = sweep_duties_periodically.call_local()
    assert first["created"] > 0
    assert Duty.objects.filter(client=client, rule__code="key-call").count() == 1
    assert sweep_duties_periodically.call_local()["created"] == 0


def test_documents_owed_duties_lack_are_drafted_once(mk_client, mk_matter):
    """A key client's quarterly report and an ordinary client's monthly fee
    statement are drafted (PDF and Excel) by the hourly task, once."""
    key = mk_client("key", since=timezone.localdate() - dt.timedelta(days=3))
    ordinary = mk_client("ordinary", since=timezone.localdate() - dt.timedelta(days=3))
    mk_matter(ordinary)
    sweep_duties_periodically.call_local()
    drafted = draft_duty_documents.call_local()
    assert drafted == 2
    for client, code in (
        (key, "key-service-report"),
        (ordinary, "ordinary-fee-statement"),
    ):
        (duty,) = Duty.objects.filter(client=client, rule__code=code)
        formats = set(duty.documents.values_list("format", flat=True))
        assert formats == {"pdf", "xlsx"}, (code, formats)
    assert draft_duty_documents.call_local() == 0
