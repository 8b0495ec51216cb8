"""Writes and rules of feedback cases (SPEC §5).

``intake``: public form and staff entry, reference numbers, owners;
``cases``: transitions, extensions, satisfaction, reassignment;
``sweep``: breach flags and escalation; ``improvements``: the measures of
the quarterly summary.
"""

from lexkeep.feedback.services.cases import (
    feedback_assign,
    feedback_extend,
    feedback_satisfaction_record,
    feedback_transition,
    feedback_update,
    satisfaction_open,
)
from lexkeep.feedback.services.improvements import improvement_measure_record
from lexkeep.feedback.services.intake import (
    feedback_create_staff,
    feedback_receive_web,
    feedback_submit_public,
    owner_pick,
)
from lexkeep.feedback.services.sweep import SweepResult, feedback_sweep

__all__ = [
    "SweepResult",
    "feedback_assign",
    "feedback_create_staff",
    "feedback_extend",
    "feedback_receive_web",
    "feedback_satisfaction_record",
    "feedback_submit_public",
    "feedback_sweep",
    "feedback_transition",
    "feedback_update",
    "improvement_measure_record",
    "owner_pick",
    "satisfaction_open",
]
