"""Opening, changing and closing matters (SPEC §3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.clients.choices import SUB_DOMAINS, Domain
from lexkeep.clients.models import Client
from lexkeep.clients.normalize import normalize_name
from lexkeep.clients.visibility import client_visibility_q
from lexkeep.core.audit import audit_log
from lexkeep.matters.models import ConflictCheck, Matter
from lexkeep.matters.services._common import (
    MATTER_LIFECYCLE,
    check_people,
    raise_if,
    require_edit,
    require_opening_role,
)

#: The key dates of SPEC §3 that ``matter_key_dates_set`` records.
KEY_DATE_FIELDS = (
    "filing_date",
    "judgment_date",
    "judgment_effective_date",
    "business_end_date",
    "counsel_end_date",
)
#: Fields ``matter_update`` may change.
UPDATABLE_FIELDS = (
    "name",
    "case_number",
    "domain",
    "sub_domain",
    "handling_lawyers",
    "supervising_lawyer",
    "assistants",
    "engagement_start",
    "engagement_end",
    "agreed_fee",
    "description",
)
#: Set by the system, possibly empty for old rows: not re-validated.
_NOT_CLEANED = ["created_by", "name_normalized"]
_LITIGATION_DATES = ("filing_date", "judgment_date", "judgment_effective_date")


def sub_domain_errors(domain: str, sub_domain: str) -> dict[str, list[str]]:
    """Return errors unless ``sub_domain`` belongs to ``domain`` (SPEC §2.1).

    Litigation and non-litigation matters name one of their sub-domains;
    perennial counsel has none.
    """
    allowed = SUB_DOMAINS.get(domain)
    if allowed is None:
        return {}  # the choice validation of ``domain`` reports it
    if not allowed and sub_domain:
        return {"sub_domain": [_("Perennial counsel has no sub-domain.")]}
    if allowed and sub_domain not in allowed:
        return {
            "sub_domain": [
                _("Choose a sub-domain of this domain: %(choices)s.")
                % {"choices": ", ".join(allowed)}
            ]
        }
    return {}


def key_date_errors(matter: Matter) -> dict[str, list[str]]:
    """Return errors where the dates of ``matter`` contradict each other (SPEC §3).

    The engagement ends on or after it starts; a judgment comes on or after
    the filing and takes effect on or after it is given; filing and judgment
    dates belong to litigation, the counsel termination date to perennial
    counsel; business end and counsel termination are not before the
    engagement starts.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    m = matter
    if (
        m.engagement_end
        and m.engagement_start
        and m.engagement_end < m.engagement_start
    ):
        add("engagement_end", _("The engagement cannot end before it starts."))
    if m.domain != Domain.LITIGATION:
        for field in _LITIGATION_DATES:
            if getattr(m, field):
                add(field, _("Only litigation matters have filing and judgment dates."))
    if m.counsel_end_date and m.domain != Domain.COUNSEL:
        add(
            "counsel_end_date",
            _("Only perennial counsel matters have a counsel termination date."),
        )
    if m.filing_date and m.judgment_date and m.judgment_date < m.filing_date:
        add("judgment_date", _("The judgment cannot come before the filing."))
    if m.judgment_effective_date:
        if not m.judgment_date:
            add(
                "judgment_effective_date",
                _("Record the judgment date before its effective date."),
            )
        elif m.judgment_effective_date < m.judgment_date:
            add(
                "judgment_effective_date",
                _("A judgment cannot take effect before it is given."),
            )
    for field in ("business_end_date", "counsel_end_date"):
        value = getattr(m, field)
        if value and m.engagement_start and value < m.engagement_start:
            add(field, _("This date cannot be before the engagement starts."))
    return errors


def _conflict_check_errors(
    check: ConflictCheck | None, client: Client, matter: Matter | None = None
) -> dict[str, list[str]]:
    """Return errors unless ``check`` allows opening a matter (SPEC §2.4).

    The check is decided ``clear``, or ``waived`` with the client's
    informed-consent document on record; it was run for this client (or
    for no client yet) and no other matter uses it.
    """
    field = "conflict_check"
    if check is None:
        return {field: [_("A matter cannot be opened without a conflict check.")]}
    if check.decision == ConflictCheck.Decision.PENDING:
        return {field: [_("The conflict check has not been decided yet.")]}
    if check.decision == ConflictCheck.Decision.DECLINED:
        return {field: [_("The conflict check declined this engagement.")]}
    if check.decision == ConflictCheck.Decision.WAIVED and not (
        check.waiver_document_blob and check.waiver_document_key_id
    ):
        return {
            field: [
                _("A waived conflict needs the client's informed-consent document.")
            ]
        }
    if check.client_id is not None and check.client_id != client.pk:
        return {field: [_("This conflict check was run for another client.")]}
    used = Matter.objects.filter(conflict_check=check)
    if matter is not None and matter.pk:
        used = used.exclude(pk=matter.pk)
    if used.exists():
        return {field: [_("This conflict check is already used by another matter.")]}
    return {}


def _case_number_errors(matter: Matter) -> dict[str, list[str]]:
    """Return an error if another matter already has this case number."""
    if not matter.case_number:
        return {}
    others = Matter.objects.filter(case_number=matter.case_number)
    if matter.pk:
        others = others.exclude(pk=matter.pk)
    if others.exists():
        return {"case_number": [_("Another matter already has this case number.")]}
    return {}


def _money_errors(field: str, value: Decimal | None) -> dict[str, list[str]]:
    if value is not None and Decimal(value) < 0:
        return {field: [_("The fee cannot be negative.")]}
    return {}


@transaction.atomic
def matter_open(
    *,
    actor: User,
    client: Client,
    name: str,
    domain: str,
    handling_lawyers: list[User],
    supervising_lawyer: User,
    engagement_start: date,
    conflict_check: ConflictCheck | None,
    case_number: str = "",
    sub_domain: str = "",
    assistants: list[User] | None = None,
    engagement_end: date | None = None,
    agreed_fee: Decimal = Decimal("0"),
    description: str = "",
    parties: list[dict[str, str]] | None = None,
) -> Matter:
    """Open a matter for ``client`` and return it (SPEC §3).

    Only the director, partners and lawyers open matters, for clients they
    may see. A matter cannot be opened without a conflict check decided
    ``clear`` or ``waived`` (with the client's informed-consent document)
    that no other matter uses (SPEC §2.4). The sub-domain belongs to the
    domain; handling and supervising lawyers are lawyers or partners;
    assistants hold the assistant role; the engagement does not end before
    it starts; the agreed fee is not negative. ``parties`` are the
    counterparties and related parties, as for ``matter_party_add``.
    """
    from lexkeep.matters.services.parties import party_build

    require_opening_role(actor)
    assistants = list(assistants or [])
    errors: dict[str, list[str]] = {}
    if not Client.objects.filter(client_visibility_q(actor), pk=client.pk).exists():
        errors["client"] = [_("You may not open a matter for this client.")]
    errors |= _conflict_check_errors(conflict_check, client)
    errors |= sub_domain_errors(domain, sub_domain)
    errors |= check_people(
        handling_lawyers=handling_lawyers,
        supervising_lawyer=supervising_lawyer,
        assistants=assistants,
    )
    errors |= _money_errors("agreed_fee", agreed_fee)
    matter = Matter(
        client=client,
        name=(name or "").strip(),
        name_normalized=normalize_name(name or ""),
        case_number=(case_number or "").strip(),
        domain=domain,
        sub_domain=sub_domain or "",
        supervising_lawyer=supervising_lawyer,
        engagement_start=engagement_start,
        engagement_end=engagement_end,
        agreed_fee=agreed_fee,
        description=description,
        conflict_check=conflict_check,  # type: ignore[misc]
        created_by=actor,
    )
    errors |= key_date_errors(matter)
    errors |= _case_number_errors(matter)
    built = []
    for index, data in enumerate(parties or []):
        try:
            built.append(party_build(matter=matter, **data))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"parties[{index}].{field}", []).extend(messages)
        except TypeError:
            errors.setdefault(f"parties[{index}]", []).append(
                _(
                    "A party has a name, a role, and optionally a credit code, an ID "
                    "number and a note."
                )
            )
    try:
        matter.full_clean(exclude=[*_NOT_CLEANED, *errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    raise_if(errors)
    matter._history_user = actor  # type: ignore[attr-defined]
    matter.save()
    matter.handling_lawyers.set(handling_lawyers)
    matter.assistants.set(assistants)
    for party in built:
        party.matter = matter
        party.save()
    assert conflict_check is not None  # noqa: S101 - checked above
    if conflict_check.client_id is None:
        conflict_check.client = client
        conflict_check.save(update_fields=["client"])
    audit_log(
        action="matter.opened",
        actor=actor,
        object_type="matter",
        object_id=matter.pk,
        detail={"client": client.pk, "conflict_check": conflict_check.pk},
    )
    return matter


@transaction.atomic
def matter_update(*, actor: User, matter: Matter, data: dict[str, Any]) -> Matter:
    """Change the fields in ``data`` of an open matter and return it (SPEC §3).

    The rules of ``matter_open`` apply to the new values; a closed matter
    is not changed (409). Every change is kept in the matter's history.
    """
    require_edit(actor, matter)
    MATTER_LIFECYCLE.next_state(matter.status, "update")
    unknown = sorted(set(data) - set(UPDATABLE_FIELDS))
    raise_if({field: [_("This field cannot be changed here.")] for field in unknown})
    handling = data.pop("handling_lawyers", None)
    assistants = data.pop("assistants", None)
    for field, value in data.items():
        setattr(matter, field, value)
    if "name" in data:
        matter.name = (matter.name or "").strip()
        matter.name_normalized = normalize_name(matter.name)
    errors = sub_domain_errors(matter.domain, matter.sub_domain)
    errors |= check_people(
        handling_lawyers=(
            list(handling)
            if handling is not None
            else list(matter.handling_lawyers.all())
        ),
        supervising_lawyer=matter.supervising_lawyer,
        assistants=(
            list(assistants)
            if assistants is not None
            else list(matter.assistants.all())
        ),
    )
    errors |= _money_errors("agreed_fee", matter.agreed_fee)
    errors |= key_date_errors(matter)
    errors |= _case_number_errors(matter)
    try:
        matter.full_clean(exclude=[*_NOT_CLEANED, *errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    raise_if(errors)
    matter._history_user = actor  # type: ignore[attr-defined]
    matter.save()
    if handling is not None:
        matter.handling_lawyers.set(handling)
    if assistants is not None:
        matter.assistants.set(assistants)
    changed = sorted(
        [
            *data,
            *(["handling_lawyers"] if handling is not None else []),
            *(["assistants"] if assistants is not None else []),
        ]
    )
    audit_log(
        action="matter.updated",
        actor=actor,
        object_type="matter",
        object_id=matter.pk,
        detail={"fields": changed},
    )
    return matter


#: Dates that end the business: recorded by closing the matter (SPEC §3, §7.1).
_END_DATES = ("business_end_date", "counsel_end_date")
#: Dates that have happened once recorded (a filing date may be planned).
_PAST_DATES = ("judgment_date", "judgment_effective_date", *_END_DATES)
#: Dates the retention period counts from (SPEC §7.3).
_RETENTION_DATES = ("judgment_effective_date", *_END_DATES)


def _key_date_change_errors(
    matter: Matter, dates: dict[str, date | None]
) -> dict[str, list[str]]:
    """Return errors for key-date changes the matter's lifecycle does not allow.

    The end of the business is recorded by closing the matter (which opens
    its archive volume), never on an open matter; judgments and ends are
    not in the future; once the archive volume is filed, the dates its
    retention counts from are fixed.
    """
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    changed = {f: v for f, v in dates.items() if getattr(matter, f) != v}
    for field, value in changed.items():
        if field in _END_DATES and matter.status == Matter.Status.OPEN:
            errors.setdefault(field, []).append(
                _("Close the matter to record the end of its business.")
            )
        if field in _PAST_DATES and value is not None and value > today:
            errors.setdefault(field, []).append(_("This date cannot be in the future."))
    filed = (
        hasattr(matter, "archive")
        and getattr(matter.archive, "filed_on", None) is not None
    )
    if filed:
        for field in changed.keys() & set(_RETENTION_DATES):
            errors.setdefault(field, []).append(
                _(
                    "The archive volume is filed and its retention counts from "
                    "this date; it can no longer change."
                )
            )
    return errors


@transaction.atomic
def matter_key_dates_set(
    *, actor: User, matter: Matter, dates: dict[str, date | None]
) -> Matter:
    """Record key dates of ``matter`` and return it (SPEC §3).

    ``dates`` maps any of filing, judgment, judgment effective, business end
    and counsel termination dates to a date (or ``None`` to clear it); the
    dates must agree with each other (see ``key_date_errors``). Key dates
    may be recorded after closing: retention counts from them (SPEC §7.3).
    """
    require_edit(actor, matter)
    unknown = sorted(set(dates) - set(KEY_DATE_FIELDS))
    raise_if({field: [_("This is not a key date.")] for field in unknown})
    raise_if(_key_date_change_errors(matter, dates))
    for field, value in dates.items():
        setattr(matter, field, value)
    raise_if(key_date_errors(matter))
    matter.full_clean(exclude=_NOT_CLEANED)
    matter._history_user = actor  # type: ignore[attr-defined]
    matter.save()
    audit_log(
        action="matter.key_dates_set",
        actor=actor,
        object_type="matter",
        object_id=matter.pk,
        detail={"fields": sorted(dates)},
    )
    return matter


@transaction.atomic
def matter_close(
    *,
    actor: User,
    matter: Matter,
    business_end_date: date,
    counsel_end_date: date | None = None,
) -> Matter:
    """Close an open matter, recording when its business ended (SPEC §3).

    The business end date (业务结束) starts the 3-working-day archive intake
    (SPEC §7.1) and the non-litigation retention (SPEC §7.3); a perennial
    counsel matter also records the counsel termination date (顾问关系终止),
    the business end date unless given. It may not be in the future.
    Closing a closed matter is refused (409).
    """
    require_edit(actor, matter)
    new_status = MATTER_LIFECYCLE.next_state(matter.status, "close")
    if business_end_date > timezone.localdate():
        raise ValidationError(
            {"business_end_date": [_("The business cannot end in the future.")]}
        )
    matter.business_end_date = business_end_date
    if matter.domain == Domain.COUNSEL:
        matter.counsel_end_date = counsel_end_date or business_end_date
    elif counsel_end_date:
        raise ValidationError(
            {
                "counsel_end_date": [
                    _("Only perennial counsel matters have a counsel termination date.")
                ]
            }
        )
    raise_if(key_date_errors(matter))
    matter.status = new_status
    matter.full_clean(exclude=_NOT_CLEANED)
    matter._history_user = actor  # type: ignore[attr-defined]
    matter.save()
    audit_log(
        action="matter.closed",
        actor=actor,
        object_type="matter",
        object_id=matter.pk,
        detail={"business_end_date": business_end_date.isoformat()},
    )
    # Closing a matter opens its archive volume (SPEC §7.1), in this transaction.
    from lexkeep.archives.services import archive_open_for_matter

    archive_open_for_matter(actor=actor, matter=matter)
    return matter
