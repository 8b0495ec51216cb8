"""Receiving feedback: the public form and staff entry (SPEC §5 "Channels")."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import Role, User
from lexkeep.core.audit import audit_log
from lexkeep.feedback import sla
from lexkeep.feedback.exceptions import SpamRejected
from lexkeep.feedback.models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Feedback,
    ReferenceCounter,
    Status,
)
from lexkeep.feedback.services._common import event_add, require_handler
from lexkeep.feedback.throttle import throttle_check, throttle_count
from lexkeep.feedback.validators import validate_contact

if TYPE_CHECKING:
    from lexkeep.clients.models import Client

logger = logging.getLogger(__name__)

MAX_CONTENT = 5000
MIN_CONTENT = 5
#: Channels a member of staff records a complaint from (SPEC §5).
STAFF_CHANNELS = (Channel.PHONE, Channel.EMAIL, Channel.IN_PERSON)


def reference_next(received_at: dt.datetime) -> str:
    """Return the next reference of the receipt's firm-local year: FK-2026-000123.

    Numbers run from 1 each year. The counter row is updated in the
    caller's transaction, so concurrent intakes wait for each other (row
    lock on PostgreSQL, the write lock on SQLite) and never share a number.
    """
    year = timezone.localtime(received_at).year
    if not ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1):
        ReferenceCounter.objects.get_or_create(year=year)
        ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.values_list("last", flat=True).get(year=year)
    return f"FK-{year}-{number:06d}"


def owner_pick() -> User | None:
    """Return the client-service specialist to own a new case (SPEC §5).

    Least loaded first: the fewest open cases; among equals, the fewest
    cases ever owned (so equal loads take turns, round-robin), then the
    lowest id. ``None`` if the firm has no active specialist; the director
    then assigns the case.
    """
    return (
        User.objects.filter(is_active=True, role_assignments__role=Role.CLIENT_SERVICE)
        .annotate(
            open_cases=Count(
                "feedback_owned",
                filter=Q(feedback_owned__status__in=OPEN_STATUSES),
                distinct=True,
            ),
            all_cases=Count("feedback_owned", distinct=True),
        )
        .order_by("open_cases", "all_cases", "pk")
        .first()
    )


def _clean_text(
    errors: dict[str, list[str]], field: str, value: str, limit: int
) -> str:
    text = (value or "").strip()
    if not text:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(text) > limit:
        errors.setdefault(field, []).append(
            _("At most %(limit)d characters.") % {"limit": limit}
        )
    return text


def _validated(
    *,
    errors: dict[str, list[str]],
    name: str,
    contact: str,
    content: str,
    expected_resolution: dt.date | None,
    received_at: dt.datetime,
    category: str,
) -> tuple[str, str, str]:
    """Check the complainant's input, adding messages to ``errors``; raise if any."""
    name = _clean_text(errors, "name", name, 100)
    content = _clean_text(errors, "content", content, MAX_CONTENT)
    if content and len(content) < MIN_CONTENT:
        errors.setdefault("content", []).append(
            _("Please describe the matter in a few words.")
        )
    try:
        contact = validate_contact(contact)
    except ValidationError as exc:
        errors["contact"] = exc.messages
    if (
        expected_resolution is not None
        and expected_resolution < timezone.localtime(received_at).date()
    ):
        errors["expected_resolution"] = [
            _("The expected resolution date cannot be before the day of receipt.")
        ]
    if category not in Category.values:
        errors["category"] = [_("Choose one of the categories.")]
    if errors:
        raise ValidationError(errors)
    return name, contact, content


def _create(
    *,
    channel: str,
    name: str,
    contact: str,
    content: str,
    expected_resolution: dt.date | None,
    received_at: dt.datetime,
    category: str,
    actor: User | None,
    client: Client | None,
    now: dt.datetime,
) -> Feedback:
    policy = sla.policy_get()
    owner = owner_pick()
    feedback = Feedback(
        reference=reference_next(received_at),
        channel=channel,
        name=name,
        contact=contact,
        content=content,
        expected_resolution=expected_resolution,
        category=category,
        client=client,
        received_at=received_at,
        recorded_by=actor,
        owner=owner,
        status=Status.RECEIVED,
        contact_due=sla.contact_due_for(received_at, policy),
        reply_due=sla.reply_due_for(received_at, policy),
    )
    feedback.full_clean()
    feedback.save()
    event_add(
        feedback=feedback,
        action="received",
        at=now,
        actor=actor,
        to_status=Status.RECEIVED,
        detail={"channel": channel, "received_at": received_at.isoformat()},
    )
    if owner is not None:
        event_add(
            feedback=feedback,
            action="assigned",
            at=now,
            detail={"owner": owner.pk, "owner_name": owner.display_name},
        )
    # Identifiers only: no name, contact or content in the audit chain.
    audit_log(
        action="feedback.received",
        actor=actor,
        actor_label="" if actor else "public form",
        object_type="feedback.feedback",
        object_id=feedback.reference,
        detail={"channel": channel},
    )
    return feedback


def feedback_submit_public(
    *,
    name: str,
    contact: str,
    content: str,
    expected_resolution: dt.date | None = None,
    category: str = Category.OTHER,
    honeypot: str = "",
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> Feedback:
    """Receive feedback through the web form, no login needed (SPEC §5).

    Refuses with :class:`~lexkeep.feedback.exceptions.RateLimited` past the
    per-address limit (``throttle``) and with
    :class:`~lexkeep.feedback.exceptions.SpamRejected` when the honeypot
    field (invisible to people) is filled; both count towards the limit.
    The case is received now, gets a reference, an owner and its two
    deadlines. Nothing personal is logged.
    """
    throttle_check(ip)
    if honeypot.strip():
        throttle_count(ip)
        logger.warning("Public feedback rejected: the honeypot field was filled.")
        raise SpamRejected
    feedback = feedback_receive_web(
        name=name,
        contact=contact,
        content=content,
        expected_resolution=expected_resolution,
        category=category,
        now=now,
    )
    throttle_count(ip)
    return feedback


@transaction.atomic
def feedback_receive_web(
    *,
    name: str,
    contact: str,
    content: str,
    expected_resolution: dt.date | None = None,
    category: str = Category.OTHER,
    now: dt.datetime | None = None,
) -> Feedback:
    """Record web feedback received at ``now``, without the anti-spam checks.

    The part of :func:`feedback_submit_public` after the rate limit and the
    honeypot; for the demo firm and imports of earlier web submissions.
    """
    now = now or timezone.now()
    name, contact, content = _validated(
        errors={},
        name=name,
        contact=contact,
        content=content,
        expected_resolution=expected_resolution,
        received_at=now,
        category=category,
    )
    return _create(
        channel=Channel.WEB,
        name=name,
        contact=contact,
        content=content,
        expected_resolution=expected_resolution,
        received_at=now,
        category=category,
        actor=None,
        client=None,
        now=now,
    )


@transaction.atomic
def feedback_create_staff(
    *,
    actor: User,
    channel: str,
    name: str,
    contact: str,
    content: str,
    received_at: dt.datetime,
    expected_resolution: dt.date | None = None,
    category: str = Category.OTHER,
    client: Client | None = None,
    now: dt.datetime | None = None,
) -> Feedback:
    """Record a complaint received by phone, email or in person (SPEC §5).

    ``received_at`` is when the complaint actually reached the firm, not
    when it is typed in: both clocks run from it. It may not lie in the
    future. Only client service and the director enter complaints.
    """
    require_handler(actor)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if channel not in STAFF_CHANNELS:
        errors["channel"] = [_("Choose phone, email or in person.")]
    if received_at is None or timezone.is_naive(received_at):
        errors["received_at"] = [_("Give the date and time the complaint arrived.")]
    elif received_at > now:
        errors["received_at"] = [_("The time of receipt cannot be in the future.")]
    name, contact, content = _validated(
        errors=errors,
        name=name,
        contact=contact,
        content=content,
        expected_resolution=expected_resolution,
        received_at=received_at if "received_at" not in errors else now,
        category=category,
    )
    return _create(
        channel=channel,
        name=name,
        contact=contact,
        content=content,
        expected_resolution=expected_resolution,
        received_at=received_at,
        category=category,
        actor=actor,
        client=client,
        now=now,
    )
