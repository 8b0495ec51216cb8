"""Improvement measures for the most common problems (SPEC §5, §8)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.core.audit import audit_log
from lexkeep.feedback.models import Category, ImprovementMeasure
from lexkeep.feedback.quarters import quarter_parse
from lexkeep.feedback.services._common import require_handler


@transaction.atomic
def improvement_measure_record(
    *,
    actor: User,
    quarter: str,
    category: str,
    measure: str,
    owner: User | None = None,
    now: dt.datetime | None = None,
) -> ImprovementMeasure:
    """Record an improvement taken for a problem of ``quarter`` (SPEC §5).

    "Quarterly summary: the most common problems and the improvement
    measures taken." Client service or the director records them.
    """
    require_handler(actor)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    try:
        year, number = quarter_parse(quarter)
        quarter = f"{year}Q{number}"
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if category not in Category.values:
        errors["category"] = [_("Choose one of the categories.")]
    measure = (measure or "").strip()
    if not measure:
        errors["measure"] = [_("Describe the measure.")]
    if owner is not None and not owner.is_active:
        errors["owner"] = [_("The responsible person must be an active user.")]
    if errors:
        raise ValidationError(errors)
    item = ImprovementMeasure(
        quarter=quarter,
        category=category,
        measure=measure,
        owner=owner,
        recorded_by=actor,
        recorded_at=now,
    )
    item.full_clean()
    item.save()
    audit_log(
        action="feedback.improvement_recorded",
        actor=actor,
        object_type="feedback.improvementmeasure",
        object_id=item.pk,
        detail={"quarter": quarter, "category": category},
    )
    return item
