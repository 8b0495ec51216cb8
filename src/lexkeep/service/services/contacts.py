"""Logging contacts with clients, and their attachments (SPEC §4, §6).

Every contact is logged with client, matter (optional), channel,
direction, who, when and a summary. Personal WeChat and QQ are accepted
but flagged as non-compliant channels (``compliant_channel = False``) and
counted in the compliance reports. A logged contact at once satisfies the
matching owed duty of its client and restarts that duty's clock
(:func:`lexkeep.service.services.sweep.advance`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import Role, User
from lexkeep.clients.models import Client
from lexkeep.core.audit import audit_log
from lexkeep.core.crypto import file_key_for_scope
from lexkeep.core.storage import EncryptedContentStore
from lexkeep.matters.models import Matter
from lexkeep.service.choices import (
    NON_COMPLIANT_CHANNELS,
    ContactChannel,
    Direction,
    Purpose,
)
from lexkeep.service.models import Contact, ContactAttachment, DutyRule
from lexkeep.service.services.sweep import (
    active_rules,
    advance,
    mark_overdue,
    service_policy_get,
)

#: Largest attachment accepted (a scanned letter or a photo of minutes).
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
#: A contact may be dated this far ahead of the server clock (clock skew).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
#: Roles whose members may be named as the person who had the contact.
CONTACT_ROLES = (Role.DIRECTOR, Role.PARTNER, Role.LAWYER, Role.ASSISTANT)


@dataclass(frozen=True)
class AttachmentInput:
    """A file to attach: its name, bytes and content type."""

    name: str
    content: bytes
    content_type: str = ""


def client_file_scope(client: Client | int) -> str:
    """Return the data-key scope of a client's files (``clients.client:<id>``)."""
    pk = client.pk if isinstance(client, Client) else client
    return f"clients.client:{pk}"


def is_compliant_channel(channel: str) -> bool:
    """Return False for personal WeChat or QQ (SPEC §4), True otherwise."""
    return channel not in NON_COMPLIANT_CHANNELS


def _rules_for(contact: Contact) -> list[DutyRule]:
    return [
        rule
        for rule in active_rules()
        if contact.channel in rule.channels
        and (rule.required_purpose in (None, contact.purpose))
    ]


def _validate(
    *,
    client: Client,
    matter: Matter | None,
    channel: str,
    direction: str,
    purpose: str,
    occurred_at: dt.datetime | None,
    summary: str,
    who: User,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if channel not in ContactChannel.values:
        errors["channel"] = [_("Choose one of the listed channels.")]
    if direction not in Direction.values:
        errors["direction"] = [_("Choose incoming or outgoing.")]
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose one of the listed purposes.")]
    if occurred_at is None:
        errors["occurred_at"] = [_("Give the date and time of the contact.")]
    elif timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("Give the time with its time zone.")]
    elif occurred_at > timezone.now() + FUTURE_TOLERANCE:
        errors["occurred_at"] = [_("A contact cannot lie in the future.")]
    if not (summary or "").strip():
        errors["summary"] = [_("Summarise what was discussed.")]
    if matter is not None and matter.client_id != client.pk:
        errors["matter"] = [_("This matter belongs to another client.")]
    if not who.is_active or not who.has_role(*CONTACT_ROLES):
        errors["user"] = [_("Name a lawyer, partner, director or assistant.")]
    return errors


@transaction.atomic
def contact_log(
    *,
    actor: User,
    client: Client,
    channel: str,
    occurred_at: dt.datetime | None,
    summary: str,
    matter: Matter | None = None,
    direction: str = Direction.OUTGOING,
    purpose: str = Purpose.GENERAL,
    user: User | None = None,
    attachments: Iterable[AttachmentInput] = (),
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Contact:
    """Log a contact with ``client`` (SPEC §4) and return it.

    Whoever may see the client (director, partners, its lawyers, the
    assistants of its matters) may log one; ``user`` (default: the actor)
    is who had the contact. The time may not lie in the future. The
    contact then satisfies the earliest owed duty it matches and restarts
    that duty's clock: the next every-N-days duty runs from the day after.
    ``today`` is the firm's date the duties are checked on (default: now).
    """
    if not actor.has_perm("service.add_contact", client):
        raise PermissionDenied(_("You may not log contacts with this client."))
    who = user or actor
    errors = _validate(
        client=client,
        matter=matter,
        channel=channel,
        direction=direction,
        purpose=purpose,
        occurred_at=occurred_at,
        summary=summary,
        who=who,
    )
    files = list(attachments)
    for item in files:
        if len(item.content) > MAX_ATTACHMENT_BYTES:
            errors.setdefault("attachments", []).append(
                _("%(name)s is larger than 20 MB.") % {"name": item.name}
            )
    if errors:
        raise ValidationError(errors)
    assert occurred_at is not None  # noqa: S101 - checked above
    contact = Contact(
        client=client,
        matter=matter,
        channel=channel,
        direction=direction,
        purpose=purpose,
        user=who,
        occurred_at=occurred_at,
        occurred_on=timezone.localtime(occurred_at).date(),
        summary=summary.strip(),
        compliant_channel=is_compliant_channel(channel),
        recorded_by=actor,
    )
    contact.full_clean()
    contact.save()
    for item in files:
        _attach(contact=contact, item=item, actor=actor)
    audit_log(
        action="contact.logged",
        actor=actor,
        object_type="service.contact",
        object_id=contact.pk,
        detail={
            "client": client.pk,
            "channel": channel,
            "compliant": contact.compliant_channel,
            "attachments": len(files),
        },
        request=request,
    )
    rules = _rules_for(contact)
    if rules:
        today = today or timezone.localdate()
        advance(
            rules=rules,
            today=max(today, contact.occurred_on),
            now=timezone.now(),
            client_ids=[client.pk],
            lookback_days=service_policy_get().event_lookback_days,
        )
        mark_overdue(today=today, client_ids=[client.pk])
    return contact


def _attach(
    *, contact: Contact, item: AttachmentInput, actor: User
) -> ContactAttachment:
    key = file_key_for_scope(client_file_scope(contact.client_id))
    blob = EncryptedContentStore().put(item.content, data_key=key)
    attachment = ContactAttachment(
        contact=contact,
        name=(item.name or "attachment")[:200],
        content_type=(item.content_type or "")[:100],
        size=blob.size,
        blob=blob.name,
        sha256=blob.sha256_plain,
        data_key=key,
        uploaded_by=actor,
    )
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def contact_attachment_add(
    *,
    actor: User,
    contact: Contact,
    item: AttachmentInput,
    request: HttpRequest | None = None,
) -> ContactAttachment:
    """Attach a file to ``contact``, encrypted with the client's file key."""
    if not actor.has_perm("service.add_contact", contact.client):
        raise PermissionDenied(_("You may not add files to this contact."))
    if not item.content:
        raise ValidationError({"file": [_("The file is empty.")]})
    if len(item.content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB.")]})
    attachment = _attach(contact=contact, item=item, actor=actor)
    audit_log(
        action="contact.attachment_added",
        actor=actor,
        object_type="service.contactattachment",
        object_id=attachment.pk,
        detail={"contact": contact.pk, "client": contact.client_id},
        request=request,
    )
    return attachment


def contact_attachment_read(
    *,
    actor: User,
    attachment: ContactAttachment,
    request: HttpRequest | None = None,
) -> bytes:
    """Return an attachment's content and log the download (SPEC §6 access log)."""
    contact = attachment.contact
    if not actor.has_perm("service.view_contact", contact.client):
        raise ContactAttachment.DoesNotExist(_("Not found."))
    data = EncryptedContentStore().get(attachment.blob, data_key=attachment.data_key)
    audit_log(
        action="contact.attachment_downloaded",
        actor=actor,
        object_type="service.contactattachment",
        object_id=attachment.pk,
        detail={"contact": contact.pk, "client": contact.client_id},
        request=request,
    )
    return data
