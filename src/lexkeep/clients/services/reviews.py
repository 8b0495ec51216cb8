"""The quarterly review of client information (SPEC §2.4).

Each client's basic and preference information is confirmed once per
calendar quarter (by phone, email or visit). The quarter is that of the
review date, a day in the firm's zone. One review per client and quarter:
recording another in the same quarter replaces the earlier one (latest
date, method, note and reviewer), so correcting a mistake needs no extra
step; the audit chain keeps both acts.

Status on a given day (``today``, firm-local):

* **current** – confirmed this quarter: reviewed in it, or registered in it
  (registering a client confirms its information);
* **due** – not yet confirmed this quarter, but confirmed last quarter;
* **overdue** – a whole calendar quarter went by without a confirmation:
  neither reviewed nor registered this quarter or the previous one.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.clients.models import Client, ClientReview
from lexkeep.core.audit import audit_log


def quarter_of(day: dt.date) -> str:
    """Return the calendar quarter of ``day``, e.g. ``"2026Q4"``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_start(day: dt.date) -> dt.date:
    """Return the first day of ``day``'s calendar quarter."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter_start(day: dt.date) -> dt.date:
    """Return the first day of the quarter before ``day``'s."""
    start = quarter_start(day)
    return quarter_start(start - dt.timedelta(days=1))


def local_midnight(day: dt.date) -> dt.datetime:
    """Return the start of ``day`` in the firm's zone, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


@transaction.atomic
def client_review_record(
    *,
    actor: User,
    client: Client,
    reviewed_on: dt.date,
    method: str,
    note: str = "",
) -> ClientReview:
    """Record the quarterly confirmation of ``client``'s information (SPEC §2.4).

    The review date may not be in the future; a second review in the same
    quarter replaces the first, as the module docstring explains.
    """
    if not actor.has_perm("clients.change_client", client):
        raise PermissionDenied(_("You may not review this client."))
    if reviewed_on > timezone.localdate():
        raise ValidationError(
            {"reviewed_on": [_("A review cannot be dated in the future.")]}
        )
    quarter = quarter_of(reviewed_on)
    review = (
        ClientReview.objects.select_for_update()
        .filter(client=client, quarter=quarter)
        .first()
    )
    replaced = review is not None
    if review is None:
        review = ClientReview(client=client, quarter=quarter)
    review.reviewed_on = reviewed_on
    review.method = method
    review.note = (note or "").strip()
    review.reviewed_by = actor
    review.full_clean(validate_constraints=not replaced)
    review.save()
    audit_log(
        action="client.reviewed",
        actor=actor,
        object_type="clients.client",
        object_id=client.pk,
        detail={"quarter": quarter, "method": method, "replaced": replaced},
    )
    return review
