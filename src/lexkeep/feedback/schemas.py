"""API schemas of feedback cases (ARCHITECTURE "External contract").

feedback: ``id``, ``reference``, ``name``, ``contact``, ``content``,
``expected_resolution``, ``received_at``, ``status``, ``contact_due``,
``reply_due`` — plus the handling fields of the ledger. ``contact`` is
masked for readers who may not see it (``rules``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from lexkeep.feedback import sla


class PublicFeedbackIn(Schema):
    name: str = Field(max_length=100)
    contact: str = Field(
        max_length=254, description="A phone number or an email address."
    )
    content: str = Field(max_length=5000)
    expected_resolution: dt.date | None = Field(
        None, description="The date the complainant hopes to see it resolved by."
    )
    category: str = Field("other", description="What it is mainly about.")
    website: str = Field(
        "", description="Leave empty. (A field people never see; bots fill it.)"
    )


class PublicFeedbackOut(Schema):
    reference: str
    received_at: dt.datetime
    contact_due: dt.datetime
    reply_due: dt.datetime
    message: str


class FeedbackIn(Schema):
    channel: str = Field(description="phone, email or in_person")
    name: str = Field(max_length=100)
    contact: str = Field(max_length=254)
    content: str = Field(max_length=5000)
    received_at: dt.datetime = Field(
        description="When the complaint actually reached the firm; not in the future."
    )
    expected_resolution: dt.date | None = None
    category: str = "other"
    client: int | None = None


class FeedbackPatch(Schema):
    category: str | None = None
    client: int | None = None
    owner: int | None = None


class FeedbackOut(Schema):
    id: int
    reference: str
    channel: str
    name: str
    contact: str = Field(description="Masked unless you may see it.")
    content: str
    expected_resolution: dt.date | None
    category: str
    client: int | None
    received_at: dt.datetime
    status: str
    owner: int | None
    owner_name: str
    contact_due: dt.datetime
    reply_due: dt.datetime
    extended_working_days: int
    contacted_at: dt.datetime | None
    replied_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    contact_breached: bool
    reply_breached: bool
    handling: str
    outcome: str
    dismissed_as: str = Field(
        description="Why the case was closed without resolution (duplicate, "
        "not_feedback); empty otherwise."
    )
    satisfaction: int | None
    allowed_actions: list[str]

    @staticmethod
    def resolve_contact(obj: Any, context: Any) -> str:
        from lexkeep.feedback.selectors import contact_for

        request = context["request"] if context else None
        user = getattr(request, "auth", None)
        return contact_for(user, obj) if user is not None else ""

    @staticmethod
    def resolve_client(obj: Any) -> int | None:
        return obj.client_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_owner(obj: Any) -> int | None:
        return obj.owner_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_owner_name(obj: Any) -> str:
        return obj.owner.display_name if obj.owner_id else ""

    @staticmethod
    def resolve_contact_breached(obj: Any) -> bool:
        if hasattr(obj, "contact_breached"):
            return bool(obj.contact_breached)
        return sla.contact_clock(obj, timezone.now()).breached

    @staticmethod
    def resolve_reply_breached(obj: Any) -> bool:
        if hasattr(obj, "reply_breached"):
            return bool(obj.reply_breached)
        return sla.reply_clock(obj, timezone.now()).breached

    @staticmethod
    def resolve_allowed_actions(obj: Any) -> list[str]:
        from lexkeep.feedback.lifecycle import FEEDBACK_LIFECYCLE

        return FEEDBACK_LIFECYCLE.allowed_actions(obj.status)


class EventOut(Schema):
    at: dt.datetime
    actor: int | None
    actor_name: str
    action: str
    from_status: str
    to_status: str
    note: str
    detail: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: Any) -> int | None:
        return obj.actor_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_actor_name(obj: Any) -> str:
        return obj.actor.display_name if obj.actor_id else ""


class FeedbackDetailOut(FeedbackOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Any) -> Any:
        from lexkeep.feedback.selectors import feedback_history

        return list(feedback_history(feedback=obj))


class TransitionIn(Schema):
    action: str = Field(
        description="contact, propose, revise, resolve, close, dismiss or reopen"
    )
    note: str = ""
    occurred_at: dt.datetime | None = Field(
        None, description="When it happened, if earlier than now."
    )
    satisfaction: int | None = Field(None, description="1–5, on resolve only.")
    dismissed_as: str = Field(
        "",
        description="On dismiss only, and required there: duplicate or not_feedback "
        "(why the case is closed without resolution).",
    )


class ExtensionIn(Schema):
    working_days: int
    reason: str
    client_informed_at: dt.datetime | None = None
    client_informed_via: str = Field("", description="phone, email or in_person")


class ExtensionOut(Schema):
    id: int
    working_days: int
    reason: str
    client_informed_at: dt.datetime
    client_informed_via: str
    previous_reply_due: dt.datetime
    new_reply_due: dt.datetime
    granted_at: dt.datetime


class SatisfactionIn(Schema):
    satisfaction: int
    note: str = ""


class MeasureIn(Schema):
    quarter: str
    category: str
    measure: str
    owner: int | None = None


class MeasureOut(Schema):
    id: int
    quarter: str
    category: str
    measure: str
    owner: int | None
    recorded_by: int
    recorded_at: dt.datetime

    @staticmethod
    def resolve_owner(obj: Any) -> int | None:
        if isinstance(obj, dict):
            return obj["owner"]  # type: ignore[no-any-return]
        return obj.owner_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_recorded_by(obj: Any) -> int:
        if isinstance(obj, dict):
            return obj["recorded_by"]  # type: ignore[no-any-return]
        return obj.recorded_by_id  # type: ignore[no-any-return]


class CategoryOut(Schema):
    category: str
    label: str
    count: int
    share: float
    measures: list[MeasureOut]


class SummaryOut(Schema):
    quarter: str
    total: int
    dismissed: int = Field(
        description="Cases closed without resolution (duplicates, not feedback), "
        "left out of every other figure."
    )
    by_category: list[CategoryOut]
    contact_within_24h_percent: float | None
    contact_decided: int
    contact_on_time: int
    reply_within_working_days_percent: float | None
    reply_decided: int
    reply_on_time: int
    resolved: int
    extended: int
    satisfaction_average: float | None
    satisfaction_count: int
    most_common: list[CategoryOut]
