"""Flag missed SLA clocks and escalate them to the director (SPEC §5).

Set-based and idempotent: each clock of each case is flagged once
(``contact_breached_at`` / ``reply_breached_at`` go from NULL to the sweep's
time in one ``UPDATE``), gets one :class:`~lexkeep.feedback.models.Escalation`
row (unique per case and clock) and one history event, and the directors
get one email per sweep listing the newly escalated cases. A second sweep
finds nothing new and sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lexkeep.accounts.models import Role, User
from lexkeep.feedback import sla
from lexkeep.feedback.models import Escalation, Feedback, FeedbackEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    """What one sweep flagged and whom it told."""

    contact_breaches: int = 0
    reply_breaches: int = 0
    notified: int = 0

    def as_dict(self) -> dict[str, int]:
        """Return the counts, for ``lexkeep sweep`` and the task log."""
        return {
            "contact_breaches": self.contact_breaches,
            "reply_breaches": self.reply_breaches,
            "directors_notified": self.notified,
        }


_CLOCKS = (
    (Escalation.Kind.CONTACT, "contact_breached_at", "contact_due"),
    (Escalation.Kind.REPLY, "reply_breached_at", "reply_due"),
)


def _directors() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, role_assignments__role=Role.DIRECTOR
        ).exclude(email="")
    )


def _flag(kind: str, stamp: str, due_field: str, now: dt.datetime) -> list[int]:
    """Flag the newly breached cases of one clock; return their ids."""
    condition = (
        sla.contact_breach_q(now)
        if kind == Escalation.Kind.CONTACT
        else sla.reply_breach_q(now)
    )
    candidates = (
        Feedback.objects.filter(condition, Q(**{f"{stamp}__isnull": True}))
        .select_for_update(skip_locked=True)
        .order_by("pk")
    )
    rows = list(candidates.values_list("pk", due_field))
    if not rows:
        return []
    ids = [pk for pk, _due in rows]
    Feedback.objects.filter(pk__in=ids, **{f"{stamp}__isnull": True}).update(
        **{stamp: now}
    )
    Escalation.objects.bulk_create(
        [
            Escalation(feedback_id=pk, kind=kind, due=due, created_at=now)
            for pk, due in rows
        ],
        ignore_conflicts=True,
    )
    FeedbackEvent.objects.bulk_create(
        [
            FeedbackEvent(
                feedback_id=pk,
                action="escalated",
                at=now,
                detail={"clock": kind, "due": due.isoformat()},
            )
            for pk, due in rows
        ]
    )
    return ids


def _notify(contact_ids: list[int], reply_ids: list[int], now: dt.datetime) -> int:
    """Email the directors one list of the newly escalated cases."""
    directors = _directors()
    if not directors:
        logger.warning(
            "Feedback SLA breaches escalated but no active director has an email."
        )
        return 0
    references = dict(
        Feedback.objects.filter(pk__in=[*contact_ids, *reply_ids]).values_list(
            "pk", "reference"
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("The following feedback cases missed a deadline (SPEC §5):"),
            "",
        ]
        lines += [
            "· "
            + _("%(reference)s: the client was not contacted within 24 hours.")
            % {"reference": references[pk]}
            for pk in contact_ids
        ]
        lines += [
            "· "
            + _("%(reference)s: no solution was replied within the working days.")
            % {"reference": references[pk]}
            for pk in reply_ids
        ]
        lines += ["", _("Open Lexkeep → Feedback & complaints to follow them up.")]
        subject = _("Feedback deadlines missed: %(count)d case(s)") % {
            "count": len(contact_ids) + len(reply_ids)
        }
        body = "\n".join(lines)
    try:
        send_mail(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [d.email for d in directors],
            fail_silently=False,
        )
    except OSError:
        # The breaches stay flagged and listed in-app; the mail is not retried.
        logger.exception("Could not email the feedback escalations.")
        return 0
    Escalation.objects.filter(
        Q(feedback_id__in=contact_ids, kind=Escalation.Kind.CONTACT)
        | Q(feedback_id__in=reply_ids, kind=Escalation.Kind.REPLY)
    ).update(notified=len(directors))
    return len(directors)


def feedback_sweep(
    *, now: dt.datetime | None = None, notify: bool = True
) -> SweepResult:
    """Flag every newly missed clock and escalate it to the director, once.

    Contact within 24 hours and reply within 3 working days (SPEC §5): a
    clock missed (met late, or open past its deadline) and not yet flagged
    is stamped, gets an escalation row and history event, and the
    directors are emailed after commit. ``notify=False`` skips the email
    (the demo loader).
    """
    now = now or timezone.now()
    with transaction.atomic():
        found = {
            kind: _flag(kind, stamp, due_field, now)
            for kind, stamp, due_field in _CLOCKS
        }
    contact_ids = found[Escalation.Kind.CONTACT]
    reply_ids = found[Escalation.Kind.REPLY]
    notified = 0
    if notify and (contact_ids or reply_ids):
        notified = _notify(contact_ids, reply_ids, now)
    return SweepResult(
        contact_breaches=len(contact_ids),
        reply_breaches=len(reply_ids),
        notified=notified,
    )
