"""Opening, submitting, reviewing and filing archive volumes (SPEC §7.1–§7.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import Role, User
from lexkeep.archives.choices import ArchiveClass, ArchiveStatus, class_for_domain
from lexkeep.archives.models import (
    Archive,
    ArchiveAlert,
    ArchivePolicy,
    ArchiveSequence,
    Cabinet,
)
from lexkeep.archives.services._common import (
    ARCHIVE_LIFECYCLE,
    archive_policy,
    is_archivist,
    may_collect,
    may_review,
    raise_if,
    record_event,
    require,
    transition,
)
from lexkeep.archives.services.checklist import missing_items
from lexkeep.clients.choices import Domain, Tier
from lexkeep.core.audit import audit_log
from lexkeep.core.workdays import add_working_days
from lexkeep.matters.models import Matter

#: The reviewer's checklist (SPEC §7.1): completeness, format (A4, signatures
#: and seals) and quality (authentic, complete, clear, standard). Every answer
#: must be "yes" to approve.
REVIEW_CHECKLIST: tuple[str, ...] = (
    "complete",
    "a4",
    "signed_sealed",
    "authentic",
    "clear",
    "standard",
)


def add_years(day: dt.date, years: int) -> dt.date:
    """Return ``day`` plus ``years`` calendar years (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def end_date_of(matter: Matter) -> dt.date:
    """Return the date a matter's business ended (SPEC §3 key dates).

    A perennial counsel engagement ends with the counsel termination date,
    any other matter with its business end date.
    """
    if matter.domain == Domain.COUNSEL and matter.counsel_end_date:
        return matter.counsel_end_date
    if matter.business_end_date is None:
        raise ValidationError(
            {"business_end_date": [_("The matter has no business end date.")]}
        )
    return matter.business_end_date


def collection_due(*, end_date: dt.date, policy: ArchivePolicy) -> dt.date:
    """Return the collection deadline: 3 working days after the end (SPEC §7.1)."""
    return add_working_days(end_date, policy.collection_working_days)


def retention_dates(
    *, matter: Matter, archive_class: str, tier: str, policy: ArchivePolicy
) -> tuple[dt.date, dt.date | None]:
    """Return when retention is counted from and until when it runs (SPEC §7.3).

    Litigation: 10 years from the judgment's effective date (a matter ended
    without a judgment — settled, withdrawn — counts from its business end);
    non-litigation: 8 years from the end of the business; perennial counsel:
    5 years from the end of the engagement. Any archive of a strategic
    client is kept permanently (``None``). The years are policy data.
    """
    start = end_date_of(matter)
    if archive_class == ArchiveClass.LITIGATION and matter.judgment_effective_date:
        start = matter.judgment_effective_date
    if tier == Tier.STRATEGIC and policy.strategic_permanent:
        return start, None
    return start, add_years(start, policy.retention_years(archive_class))


def _format_number(
    policy: ArchivePolicy, year: int, archive_class: str, seq: int
) -> str:
    try:
        return policy.number_pattern.format(
            year=year, class_code=policy.class_code(archive_class), seq=seq
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            {"number_pattern": [_("The archive number pattern is invalid.")]}
        ) from exc


def archive_number_allocate(*, archive_class: str, year: int) -> str:
    """Return the next archive number of ``archive_class`` in ``year``.

    Numbers follow the firm's pattern (default ``{year}-{class_code}-{seq:04d}``,
    e.g. ``2026-SS-0001``) and are never reused: the sequence row of the year
    and class is locked (``select_for_update``; SQLite's write lock) and only
    ever counts up, so a number is issued once even if its volume is later
    destroyed. A number that already exists (after a pattern change) is skipped.
    """
    policy = archive_policy()
    with transaction.atomic():
        try:
            with transaction.atomic():
                ArchiveSequence.objects.get_or_create(
                    year=year, archive_class=archive_class
                )
        except IntegrityError:
            pass  # created meanwhile by another transaction
        seq = ArchiveSequence.objects.select_for_update().get(
            year=year, archive_class=archive_class
        )
        while True:
            seq.last += 1
            number = _format_number(policy, year, archive_class, seq.last)
            if not Archive.objects.filter(archive_number=number).exists():
                break
        seq.save(update_fields=["last"])
    return number


def _notify(
    *,
    users: Iterable[User],
    kind: str,
    archive: Archive | None,
    subject: str,
    message: str,
) -> None:
    """Record an in-app alert for each user and email them after commit."""
    recipients = [u for u in users if u.is_active]
    for user in recipients:
        ArchiveAlert.objects.create(
            recipient=user, kind=kind, archive=archive, message=message
        )
    emails = sorted({u.email for u in recipients if u.email})
    if emails:
        transaction.on_commit(
            lambda: send_mail(subject, message, None, emails, fail_silently=True)
        )


def archivists() -> list[User]:
    """Return the firm's active archivists."""
    return list(
        User.objects.filter(
            is_active=True, role_assignments__role=Role.ARCHIVIST
        ).distinct()
    )


def _handling_lawyers(archive: Archive) -> list[User]:
    return list(archive.matter.handling_lawyers.all())


@transaction.atomic
def archive_open_for_matter(*, actor: User | None, matter: Matter) -> Archive:
    """Open the archive volume of a closed matter (SPEC §7.1).

    One matter, one volume (a perennial counsel engagement is one matter,
    so one volume per engagement); called by ``matter_close``. The volume
    gets its archive number, its collection deadline (3 working days after
    the business end, or after the counsel termination), the retention
    dates of SPEC §7.3, and the handling lawyers are reminded.
    """
    existing = Archive.objects.filter(matter=matter).first()
    if existing is not None:
        return existing
    policy = archive_policy()
    archive_class = class_for_domain(matter.domain)
    end = end_date_of(matter)
    tier = matter.client.tier
    year = timezone.localdate().year
    retention_from, retention_until = retention_dates(
        matter=matter, archive_class=archive_class, tier=tier, policy=policy
    )
    archive = Archive(
        archive_number=archive_number_allocate(archive_class=archive_class, year=year),
        year=year,
        archive_class=archive_class,
        matter=matter,
        client=matter.client,
        client_tier=tier,
        handling_lawyer=matter.handling_lawyers.order_by("pk").first(),
        end_date=end,
        collection_due=collection_due(end_date=end, policy=policy),
        retention_from=retention_from,
        retention_until=retention_until,
    )
    archive.full_clean(exclude=["status"])
    archive.save()
    record_event(
        archive=archive,
        action="open",
        actor=actor,
        detail={"collection_due": archive.collection_due.isoformat()},
    )
    _notify(
        users=_handling_lawyers(archive),
        kind=ArchiveAlert.Kind.COLLECTION_DUE,
        archive=archive,
        subject=_("Archive %(number)s: collect the materials")
        % {"number": archive.archive_number},
        message=_(
            "Matter “%(matter)s” has closed. Collect its materials into archive "
            "%(number)s by %(due)s (SPEC §7.1: within %(days)s working days)."
        )
        % {
            "matter": matter.name,
            "number": archive.archive_number,
            "due": archive.collection_due.isoformat(),
            "days": policy.collection_working_days,
        },
    )
    return archive


@transaction.atomic
def archive_submit(
    *, actor: User, archive: Archive, missing_reasons: dict[str, str] | None = None
) -> Archive:
    """Submit a collected volume for review (SPEC §7.1).

    Refused while a required material is missing unless the submitter
    records why for each missing item (e.g. a counsel engagement has no
    judgment); the reviewer sees those reasons. Submitting after the
    collection deadline marks the collection late.
    """
    archive = Archive.objects.select_for_update().get(pk=archive.pk)
    require(may_collect(actor, archive), _("You may not submit this archive."))
    ARCHIVE_LIFECYCLE.next_state(archive.status, "submit")
    reasons = {k: (v or "").strip() for k, v in (missing_reasons or {}).items()}
    errors: dict[str, list[str]] = {}
    recorded: dict[str, dict[str, str]] = {}
    if not archive.materials.exists():
        errors["materials"] = [_("The volume has no materials.")]
    for item in missing_items(archive):
        if reasons.get(item.key):
            recorded[item.key] = {"label": item.label, "reason": reasons[item.key]}
        else:
            errors[f"missing_reasons.{item.key}"] = [
                _("Required material “%(item)s” is missing: add it or record why.")
                % {"item": _(item.label)}
            ]
    raise_if(errors)
    today = timezone.localdate()
    archive.missing_reasons = recorded
    archive.submitted_by = actor
    archive.submitted_at = timezone.now()
    archive.return_reasons = ""
    if today > archive.collection_due:
        archive.collection_late = True
    return transition(
        archive=archive,
        action="submit",
        actor=actor,
        detail={"missing": sorted(recorded)},
        save_fields=[
            "missing_reasons",
            "submitted_by",
            "submitted_at",
            "return_reasons",
            "collection_late",
        ],
    )


@transaction.atomic
def archive_review(
    *,
    actor: User,
    archive: Archive,
    approve: bool,
    checklist: dict[str, bool] | None = None,
    reasons: str = "",
) -> Archive:
    """Approve (sign) or return a submitted volume (SPEC §7.1 review).

    The archivist or the matter's supervising lawyer reviews, never the
    submitter. Approval needs every checklist answer "yes" (complete; A4;
    signed and sealed; authentic; clear; standard) and records the
    reviewer and time, shown on the catalog. A return needs reasons.
    """
    archive = Archive.objects.select_for_update().get(pk=archive.pk)
    if actor.pk == archive.submitted_by_id:
        require(False, _("You submitted this volume; someone else must review it."))
    require(
        may_review(actor, archive),
        _("Only the archivist or the supervising lawyer may review this volume."),
    )
    answers = {key: bool((checklist or {}).get(key)) for key in REVIEW_CHECKLIST}
    reasons = (reasons or "").strip()
    action = "approve" if approve else "return"
    ARCHIVE_LIFECYCLE.next_state(archive.status, action)
    if approve:
        raise_if(
            {
                f"checklist.{key}": [_("Confirm this before approving.")]
                for key, ok in answers.items()
                if not ok
            }
        )
    elif not reasons:
        raise ValidationError({"reasons": [_("Say why the volume is returned.")]})
    archive.reviewed_by = actor
    archive.reviewed_at = timezone.now()
    archive.review_checklist = answers
    archive.return_reasons = "" if approve else reasons
    transition(
        archive=archive,
        action=action,
        actor=actor,
        note=reasons,
        detail={"checklist": answers},
        save_fields=[
            "reviewed_by",
            "reviewed_at",
            "review_checklist",
            "return_reasons",
        ],
    )
    if not approve:
        _notify(
            users=[u for u in [archive.submitted_by] if u is not None],
            kind=ArchiveAlert.Kind.RETURNED,
            archive=archive,
            subject=_("Archive %(number)s was returned")
            % {"number": archive.archive_number},
            message=_("Archive %(number)s was returned for correction: %(reasons)s")
            % {"number": archive.archive_number, "reasons": reasons},
        )
    return archive


@transaction.atomic
def archive_file(
    *, actor: User, archive: Archive, cabinet: Cabinet, shelf: int, box: int
) -> Archive:
    """File an approved volume in a cabinet (SPEC §7.2).

    The archivist files; a volume is not filed before its review (409). The
    cabinet must hold the volume's archive class and carry its client's tier
    label, must not be full, and the shelf and box must exist in it. The
    filing date and archivist go to the filing ledger; retention is computed
    again from the matter's dates and the client's tier at filing.
    """
    require(is_archivist(actor), _("Only the archivist files volumes."))
    archive = Archive.objects.select_for_update().get(pk=archive.pk)
    ARCHIVE_LIFECYCLE.next_state(archive.status, "file")
    cabinet = Cabinet.objects.select_for_update().get(pk=cabinet.pk)
    errors: dict[str, list[str]] = {}
    tier = archive.client.tier
    if cabinet.archive_class != archive.archive_class:
        errors["cabinet"] = [
            _("Cabinet %(code)s holds %(cls)s archives, not %(mine)s.")
            % {
                "code": cabinet.code,
                "cls": cabinet.get_archive_class_display(),
                "mine": archive.get_archive_class_display(),
            }
        ]
    elif cabinet.tier != tier:
        errors["cabinet"] = [
            _("Cabinet %(code)s is labelled for %(tier)s clients.")
            % {"code": cabinet.code, "tier": cabinet.get_tier_display()}
        ]
    elif cabinet.archives.count() >= cabinet.capacity:
        errors["cabinet"] = [
            _("Cabinet %(code)s is full (%(n)s volumes).")
            % {"code": cabinet.code, "n": cabinet.capacity}
        ]
    if not 1 <= int(shelf) <= cabinet.shelves:
        errors["shelf"] = [
            _("Choose a shelf from 1 to %(n)s.") % {"n": cabinet.shelves}
        ]
    if not 1 <= int(box) <= cabinet.boxes_per_shelf:
        errors["box"] = [
            _("Choose a box from 1 to %(n)s.") % {"n": cabinet.boxes_per_shelf}
        ]
    raise_if(errors)
    policy = archive_policy()
    archive.client_tier = tier
    archive.retention_from, archive.retention_until = retention_dates(
        matter=archive.matter,
        archive_class=archive.archive_class,
        tier=tier,
        policy=policy,
    )
    archive.cabinet = cabinet
    archive.shelf = int(shelf)
    archive.box = int(box)
    archive.filed_on = timezone.localdate()
    archive.filed_by = actor
    return transition(
        archive=archive,
        action="file",
        actor=actor,
        detail={"cabinet": cabinet.code, "shelf": archive.shelf, "box": archive.box},
        save_fields=[
            "client_tier",
            "retention_from",
            "retention_until",
            "cabinet",
            "shelf",
            "box",
            "filed_on",
            "filed_by",
        ],
    )


def archive_sweep(*, today: dt.date | None = None) -> int:
    """Flag volumes still collecting after their deadline (SPEC §7.1).

    Each newly late volume is marked ``collection_late`` and its handling
    lawyers get an in-app alert and an email. Return how many were flagged.
    """
    today = today or timezone.localdate()
    flagged = 0
    late = Archive.objects.filter(
        status=ArchiveStatus.COLLECTING,
        collection_due__lt=today,
        collection_late=False,
    ).select_related("matter")
    for archive in late.iterator(chunk_size=500):
        with transaction.atomic():
            updated = Archive.objects.filter(
                pk=archive.pk, collection_late=False
            ).update(collection_late=True, reminded_at=timezone.now())
            if not updated:
                continue
            _notify(
                users=_handling_lawyers(archive),
                kind=ArchiveAlert.Kind.COLLECTION_LATE,
                archive=archive,
                subject=_("Archive %(number)s is late")
                % {"number": archive.archive_number},
                message=_(
                    "The materials of archive %(number)s (matter “%(matter)s”) "
                    "were due by %(due)s and have not been submitted."
                )
                % {
                    "number": archive.archive_number,
                    "matter": archive.matter.name,
                    "due": archive.collection_due.isoformat(),
                },
            )
            flagged += 1
    return flagged


@transaction.atomic
def cabinet_create(
    *,
    actor: User,
    code: str,
    archive_class: str,
    tier: str,
    room: str,
    shelves: int,
    boxes_per_shelf: int,
    capacity: int,
) -> Cabinet:
    """Create a cabinet of one archive class, labelled by tier (SPEC §7.2)."""
    require(
        is_archivist(actor) or actor.has_role(Role.DIRECTOR),
        _("Only the archivist or the director manages cabinets."),
    )
    cabinet = Cabinet(
        code=(code or "").strip(),
        archive_class=archive_class,
        tier=tier,
        room=(room or "").strip(),
        shelves=shelves,
        boxes_per_shelf=boxes_per_shelf,
        capacity=capacity,
    )
    errors: dict[str, list[str]] = {}
    for field in ("shelves", "boxes_per_shelf", "capacity"):
        if int(getattr(cabinet, field) or 0) < 1:
            errors[field] = [_("Must be at least 1.")]
    try:
        cabinet.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    raise_if(errors)
    cabinet.save()
    audit_log(
        action="archive.cabinet_created",
        actor=actor,
        object_type="cabinet",
        object_id=cabinet.pk,
        detail={"code": cabinet.code},
    )
    return cabinet
