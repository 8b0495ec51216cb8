"""Shared rules of the archive services: the lifecycle, who may do what."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from lexkeep.accounts.models import Role, User
from lexkeep.archives.choices import ArchiveStatus
from lexkeep.archives.models import Archive, ArchiveEvent, ArchivePolicy
from lexkeep.clients.visibility import sees_everything
from lexkeep.core.audit import audit_log
from lexkeep.core.exceptions import Lifecycle

S = ArchiveStatus
#: The one transition map of a volume (SPEC §7.1, §7.2): collecting →
#: submitted → returned (for correction) or approved → filed. Adding and
#: reordering materials are actions too, so the map also says when the
#: contents may change: while collecting or returned, and (adding only,
#: with a copy-sync task) after filing.
ARCHIVE_LIFECYCLE = Lifecycle(
    "archive",
    {
        S.COLLECTING: {
            "add_material": S.COLLECTING,
            "reorder": S.COLLECTING,
            "submit": S.SUBMITTED,
        },
        S.RETURNED: {
            "add_material": S.RETURNED,
            "reorder": S.RETURNED,
            "submit": S.SUBMITTED,
        },
        S.SUBMITTED: {"approve": S.APPROVED, "return": S.RETURNED},
        S.APPROVED: {"file": S.FILED},
        S.FILED: {"add_material": S.FILED},
    },
)


def archive_policy() -> ArchivePolicy:
    """Return the firm's archive policy, created with the defaults on first use."""
    policy = ArchivePolicy.objects.order_by("pk").first()
    if policy is None:
        policy = ArchivePolicy.objects.create()
    return policy


def is_archivist(user: User) -> bool:
    """Return whether ``user`` is an active archivist (档案管理员, SPEC §1)."""
    return user.is_active and user.has_role(Role.ARCHIVIST)


def sees_all_archives(user: User) -> bool:
    """Archivist, director and partners see every archive (SPEC §1)."""
    return is_archivist(user) or sees_everything(user)


def matter_people(archive: Archive) -> set[int]:
    """Return the ids of the handling lawyers and assistants of the matter."""
    matter = archive.matter
    ids = set(matter.handling_lawyers.values_list("pk", flat=True))
    ids |= set(matter.assistants.values_list("pk", flat=True))
    ids.add(matter.supervising_lawyer_id)
    return ids


def may_collect(user: User, archive: Archive) -> bool:
    """Return whether ``user`` may add materials to and submit ``archive``.

    The handling lawyers collect (SPEC §7.1), helped by the matter's
    assistants and supervising lawyer; the archivist runs intake.
    """
    if not user.is_active:
        return False
    return is_archivist(user) or user.pk in matter_people(archive)


def may_review(user: User, archive: Archive) -> bool:
    """The archivist or the supervising lawyer, never the submitter (SPEC §7.1)."""
    if not user.is_active or user.pk == archive.submitted_by_id:
        return False
    return is_archivist(user) or user.pk == archive.matter.supervising_lawyer_id


def require(condition: bool, message: str) -> None:
    """Raise PermissionDenied with ``message`` unless ``condition`` holds."""
    if not condition:
        raise PermissionDenied(message)


def raise_if(errors: dict[str, list[str]]) -> None:
    """Raise a ValidationError naming each field of ``errors``, if any."""
    if errors:
        raise ValidationError(errors)


def transition(
    *,
    archive: Archive,
    action: str,
    actor: User | None,
    note: str = "",
    detail: dict[str, Any] | None = None,
    save_fields: list[str] | None = None,
) -> Archive:
    """Move ``archive`` by ``action`` through the lifecycle, with history and audit.

    Every state change goes through here: the map decides the next state
    (409 otherwise), the volume is saved, a history row and an audit entry
    are written in the caller's transaction.
    """
    before = archive.status
    archive.status = ARCHIVE_LIFECYCLE.next_state(before, action)
    fields = ["status", *(save_fields or [])]
    archive.save(update_fields=sorted(set(fields)))
    ArchiveEvent.objects.create(
        archive=archive,
        action=action,
        from_status=before,
        to_status=archive.status,
        actor=actor,
        note=note,
        detail=detail or {},
    )
    audit_log(
        action=f"archive.{action}",
        actor=actor,
        object_type="archive",
        object_id=archive.pk,
        detail={
            "archive_number": archive.archive_number,
            "from": before,
            "to": archive.status,
            **(detail or {}),
        },
    )
    return archive


def record_event(
    *,
    archive: Archive,
    action: str,
    actor: User | None,
    note: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Record a step that keeps the state (e.g. a material added) in history."""
    ArchiveEvent.objects.create(
        archive=archive,
        action=action,
        from_status=archive.status,
        to_status=archive.status,
        actor=actor,
        note=note,
        detail=detail or {},
    )
    audit_log(
        action=f"archive.{action}",
        actor=actor,
        object_type="archive",
        object_id=archive.pk,
        detail={"archive_number": archive.archive_number, **(detail or {})},
    )
