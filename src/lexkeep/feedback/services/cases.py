"""Handling a case: transitions, extensions, satisfaction, owner (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import Role, User
from lexkeep.core.exceptions import InvalidTransition
from lexkeep.feedback import sla
from lexkeep.feedback.exceptions import ExtensionNotAllowed
from lexkeep.feedback.lifecycle import (
    CLOSE,
    CONTACT,
    DISMISS,
    FEEDBACK_LIFECYCLE,
    NOTE_REQUIRED,
    PROPOSE,
    REOPEN,
    RESOLVE,
)
from lexkeep.feedback.models import (
    Category,
    Channel,
    Dismissal,
    Feedback,
    FeedbackExtension,
    Status,
)
from lexkeep.feedback.services._common import event_add, require_handler

if TYPE_CHECKING:
    from lexkeep.clients.models import Client

#: Channels through which the client can be told about an extension.
INFORM_CHANNELS = (Channel.PHONE, Channel.EMAIL, Channel.IN_PERSON)
_UNSET: Any = object()


def _locked(feedback: Feedback) -> Feedback:
    return (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=feedback.pk)
    )


def _take_if_unowned(feedback: Feedback, actor: User, now: dt.datetime) -> None:
    """A specialist who acts on an unowned case becomes its owner."""
    if feedback.owner_id is None and actor.has_role(Role.CLIENT_SERVICE):
        feedback.owner = actor
        event_add(
            feedback=feedback,
            action="assigned",
            at=now,
            actor=actor,
            detail={"owner": actor.pk, "owner_name": actor.display_name},
        )


def _when(
    errors: dict[str, list[str]],
    field: str,
    value: dt.datetime | None,
    *,
    now: dt.datetime,
    not_before: dt.datetime,
) -> dt.datetime:
    if value is None:
        return now
    if timezone.is_naive(value):
        errors[field] = [_("Give a time with its time zone.")]
    elif value > now:
        errors[field] = [_("This time cannot be in the future.")]
    elif value < not_before:
        errors[field] = [_("This time cannot be before the complaint was received.")]
    return value


def _score(errors: dict[str, list[str]], value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 5:
        errors["satisfaction"] = [_("Satisfaction is a score from 1 to 5.")]
    return value


@transaction.atomic
def feedback_transition(
    *,
    actor: User,
    feedback: Feedback,
    action: str,
    note: str = "",
    occurred_at: dt.datetime | None = None,
    satisfaction: int | None = None,
    dismissed_as: str = "",
    now: dt.datetime | None = None,
) -> Feedback:
    """Move a case along its transition map (``lifecycle``), or raise.

    Raises :class:`~lexkeep.core.exceptions.InvalidTransition` (409) for a
    move the map does not hold. A note is required for each step that
    says something to or about the client (``NOTE_REQUIRED``): what was
    said on contact, the solution replied, the outcome. ``occurred_at``
    lets the specialist record a contact or reply made a little earlier;
    it is never in the future nor before receipt, and the history keeps
    both times. The first contact stops the 24-hour clock and the first
    solution replied stops the working-day clock (SPEC §5); later rounds do
    not restart them. ``satisfaction`` (1–5) may be given on ``resolve``.
    ``dismissed_as`` (a :class:`~lexkeep.feedback.models.Dismissal`) says
    why a case is closed without resolution, on ``dismiss`` and only then;
    a dismissal takes effect when recorded (no ``occurred_at``). Reopening
    undoes it: the clocks it stopped run again to their deadlines, and a
    case nobody contacted goes back to received.
    """
    require_handler(actor)
    now = now or timezone.now()
    feedback = _locked(feedback)
    before = feedback.status
    target = FEEDBACK_LIFECYCLE.next_state(before, action)
    if action == REOPEN and feedback.contacted_at is None:
        # Closed without resolution before anyone contacted the client:
        # back to be contacted, the one move that stops the 24-hour clock.
        target = Status.RECEIVED
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    if action in NOTE_REQUIRED and not note:
        errors["note"] = [str(NOTE_REQUIRED[action])]
    when = _when(
        errors, "occurred_at", occurred_at, now=now, not_before=feedback.received_at
    )
    if action != RESOLVE and satisfaction is not None:
        errors["satisfaction"] = [_("Satisfaction is recorded after resolution.")]
    _score(errors, satisfaction)
    dismissed_as = (dismissed_as or "").strip()
    if action == DISMISS and dismissed_as not in Dismissal.values:
        errors["dismissed_as"] = [
            _("Say why the case is closed without resolution: %(choices)s.")
            % {"choices": ", ".join(str(label) for label in Dismissal.labels)}
        ]
    elif action != DISMISS and dismissed_as:
        errors["dismissed_as"] = [_("Only a case closed without resolution has this.")]
    if action == DISMISS and occurred_at is not None:
        # It stops the clocks not yet run out: a date in the past could
        # unmake a deadline already missed and escalated.
        errors["occurred_at"] = [
            _("A case is closed without resolution when it is recorded.")
        ]
    if errors:
        raise ValidationError(errors)

    if action == CONTACT and feedback.contacted_at is None:
        feedback.contacted_at = when
    elif action == PROPOSE:
        if feedback.replied_at is None:
            feedback.replied_at = when
        stamp = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
        feedback.handling = "\n".join(
            part for part in (feedback.handling, f"[{stamp}] {note}") if part
        )
    elif action == RESOLVE:
        feedback.outcome = note
        feedback.resolved_at = when
        if satisfaction is not None:
            feedback.satisfaction = satisfaction
            feedback.satisfaction_recorded_at = now
    elif action == CLOSE:
        feedback.closed_at = when
    elif action == DISMISS:
        feedback.closed_at = when
        feedback.dismissed_as = dismissed_as
        feedback.outcome = note
    elif action == REOPEN:
        if feedback.dismissed_as:
            feedback.outcome = ""
        feedback.dismissed_as = ""
        feedback.resolved_at = None
        feedback.closed_at = None
    feedback.status = target
    _take_if_unowned(feedback, actor, now)
    feedback.full_clean()
    feedback.save()
    detail: dict[str, Any] = {}
    if occurred_at is not None:
        detail["occurred_at"] = when.isoformat()
    if action == RESOLVE and satisfaction is not None:
        detail["satisfaction"] = satisfaction
    if action == DISMISS:
        detail["dismissed_as"] = dismissed_as
    event_add(
        feedback=feedback,
        action=action,
        at=now,
        actor=actor,
        from_status=before,
        to_status=target,
        note=note,
        detail=detail,
    )
    return feedback


@transaction.atomic
def feedback_extend(
    *,
    actor: User,
    feedback: Feedback,
    working_days: int,
    reason: str,
    client_informed_at: dt.datetime | None,
    client_informed_via: str,
    now: dt.datetime | None = None,
) -> FeedbackExtension:
    """Extend the reply deadline by ``working_days`` (SPEC §5).

    "An extension needs a reason that is told to the client": the reason
    is required, and so is the record of telling the client (when, and by
    phone, email or in person). Only while no solution has been replied
    yet and before the deadline passes (a missed deadline stays missed;
    409 otherwise). Several extensions may be granted, together at most
    ``FeedbackPolicy.max_extension_working_days`` (default 5). The new
    deadline is the end of the N-th working day after the current one.
    """
    require_handler(actor)
    now = now or timezone.now()
    feedback = _locked(feedback)
    if feedback.status not in (Status.RECEIVED, Status.CONTACTED):
        raise ExtensionNotAllowed(
            current=feedback.status,
            message=_(
                "A solution has already been replied: there is no reply deadline "
                "left to extend."
            ),
        )
    if now > feedback.reply_due:
        raise ExtensionNotAllowed(
            current=feedback.status,
            message=_(
                "The reply deadline has already passed; an extension must be "
                "agreed before it."
            ),
        )
    policy = sla.policy_get()
    left = policy.max_extension_working_days - feedback.extended_working_days
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the extension.")]
    if not isinstance(working_days, int) or working_days < 1:
        errors["working_days"] = [_("Extend by at least 1 working day.")]
    elif working_days > left:
        errors["working_days"] = [
            _(
                "A case may be extended by at most %(max)d working days in "
                "total; %(left)d are left."
            )
            % {"max": policy.max_extension_working_days, "left": max(left, 0)}
        ]
    if client_informed_at is None:
        errors["client_informed_at"] = [
            _("Record when the client was told the reason for the extension.")
        ]
    else:
        _when(
            errors,
            "client_informed_at",
            client_informed_at,
            now=now,
            not_before=feedback.received_at,
        )
    if client_informed_via not in INFORM_CHANNELS:
        errors["client_informed_via"] = [
            _("Record how the client was told: phone, email or in person.")
        ]
    if errors:
        raise ValidationError(errors)
    assert client_informed_at is not None  # noqa: S101 - checked above
    previous = feedback.reply_due
    feedback.reply_due = sla.extended_due(previous, working_days)
    feedback.extended_working_days += working_days
    _take_if_unowned(feedback, actor, now)
    feedback.full_clean()
    feedback.save()
    extension = FeedbackExtension(
        feedback=feedback,
        working_days=working_days,
        reason=reason,
        client_informed_at=client_informed_at,
        client_informed_via=client_informed_via,
        previous_reply_due=previous,
        new_reply_due=feedback.reply_due,
        granted_by=actor,
        granted_at=now,
    )
    extension.full_clean()
    extension.save()
    event_add(
        feedback=feedback,
        action="extended",
        at=now,
        actor=actor,
        note=reason,
        detail={
            "working_days": working_days,
            "reply_due_before": previous.isoformat(),
            "reply_due_after": feedback.reply_due.isoformat(),
            "client_informed_at": client_informed_at.isoformat(),
            "client_informed_via": client_informed_via,
        },
    )
    return extension


def satisfaction_open(feedback: Feedback) -> bool:
    """Whether the client's satisfaction can be recorded: after resolution,
    and not for a case closed without one."""
    return (
        feedback.status in (Status.RESOLVED, Status.CLOSED)
        and not feedback.dismissed_as
    )


@transaction.atomic
def feedback_satisfaction_record(
    *,
    actor: User,
    feedback: Feedback,
    satisfaction: int,
    note: str = "",
    now: dt.datetime | None = None,
) -> Feedback:
    """Record the client's satisfaction, 1–5, after resolution (SPEC §5 ledger).

    A case that is not resolved or closed yet refuses (409), and so does
    one closed without resolution; a later score replaces an earlier one,
    and the history keeps both.
    """
    require_handler(actor)
    now = now or timezone.now()
    feedback = _locked(feedback)
    if not satisfaction_open(feedback):
        raise InvalidTransition(
            entity="feedback", current=feedback.status, action="satisfaction"
        )
    errors: dict[str, list[str]] = {}
    if satisfaction is None:
        errors["satisfaction"] = [_("Satisfaction is a score from 1 to 5.")]
    _score(errors, satisfaction)
    if errors:
        raise ValidationError(errors)
    previous = feedback.satisfaction
    feedback.satisfaction = satisfaction
    feedback.satisfaction_recorded_at = now
    feedback.full_clean()
    feedback.save()
    event_add(
        feedback=feedback,
        action="satisfaction",
        at=now,
        actor=actor,
        note=(note or "").strip(),
        detail={"satisfaction": satisfaction, "previous": previous},
    )
    return feedback


@transaction.atomic
def feedback_assign(
    *,
    actor: User,
    feedback: Feedback,
    owner: User,
    now: dt.datetime | None = None,
) -> Feedback:
    """Give the case to another client-service specialist (SPEC §5).

    Any specialist or the director may reassign; the new owner must be an
    active client-service specialist.
    """
    require_handler(actor)
    now = now or timezone.now()
    feedback = _locked(feedback)
    if owner is None or not owner.is_active or not owner.has_role(Role.CLIENT_SERVICE):
        raise ValidationError(
            {"owner": [_("The owner must be an active client-service specialist.")]}
        )
    if feedback.owner_id == owner.pk:
        return feedback
    previous = feedback.owner
    feedback.owner = owner
    feedback.full_clean()
    feedback.save()
    event_add(
        feedback=feedback,
        action="reassigned",
        at=now,
        actor=actor,
        detail={
            "owner": owner.pk,
            "owner_name": owner.display_name,
            "previous": previous.pk if previous else None,
            "previous_name": previous.display_name if previous else "",
        },
    )
    return feedback


@transaction.atomic
def feedback_update(
    *,
    actor: User,
    feedback: Feedback,
    category: str | None = None,
    client: Client | None = _UNSET,
    now: dt.datetime | None = None,
) -> Feedback:
    """Classify the case and link it to a client of the firm (issue 4 §5)."""
    require_handler(actor)
    now = now or timezone.now()
    feedback = _locked(feedback)
    changes: dict[str, Any] = {}
    if category is not None and category != feedback.category:
        if category not in Category.values:
            raise ValidationError({"category": [_("Choose one of the categories.")]})
        changes["category"] = [feedback.category, category]
        feedback.category = category
    if client is not _UNSET and (client.pk if client else None) != feedback.client_id:
        changes["client"] = [feedback.client_id, client.pk if client else None]
        feedback.client = client
    if not changes:
        return feedback
    feedback.full_clean()
    feedback.save()
    event_add(feedback=feedback, action="updated", at=now, actor=actor, detail=changes)
    return feedback
