"""The registry of sweeps: every due-date check ``lexkeep sweep`` runs.

Each entry is the dotted path of a function taking keyword arguments
``today`` (the firm's date) and ``now`` (an aware datetime), both optional,
and returning a summary dict of what it changed. Apps add their line here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.module_loading import import_string

SWEEPS: list[str] = [
    # Service duties per tier, contacts matched, reminders (SPEC §2.2, §4).
    "lexkeep.service.tasks.sweep_duties",
    # Feedback and complaints SLA clock (SPEC §5): breaches flagged, escalated.
    "lexkeep.feedback.tasks.sweep_feedback",
    # Archive collection deadline (SPEC §7.1): late volumes flagged, lawyers reminded.
    "lexkeep.archives.tasks.sweep_archives",
]


def sweep_functions() -> list[tuple[str, Callable[..., dict[str, Any]]]]:
    """Return ``(path, function)`` for every registered sweep."""
    return [(path, import_string(path)) for path in SWEEPS]


def run_sweeps(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, dict[str, Any]]:
    """Run every registered sweep in order; return each one's summary."""
    return {path: fn(today=today, now=now) for path, fn in sweep_functions()}
