"""Consent records and their withdrawal (SPEC §6; PIPL Art. 14-15, 28-29, 47).

A consent records what the client was told (purpose, scope, use), when they
signed, and the signed document, kept encrypted with the client's file key.

Withdrawal of the separate consent for sensitive information stops every
further use (PIPL Art. 15): the resident ID and bank account numbers are
erased from the client record and from its history (PIPL Art. 47: a
handler deletes personal information once consent is withdrawn), so they
can no longer be shown unmasked, exported, matched or stored again until a
new consent is recorded. The erasure is recorded in the history ("erased on
withdrawal of consent") and in the audit chain (field names only). The
signed consent document itself is kept: it proves the lawful basis of the
processing that happened before.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import User
from lexkeep.clients.exceptions import ConsentAlreadyWithdrawn
from lexkeep.clients.masking import SENSITIVE_FIELDS
from lexkeep.clients.models import Client, Consent
from lexkeep.core.audit import audit_log
from lexkeep.core.crypto import file_key_for_scope
from lexkeep.core.storage import EncryptedContentStore

#: History reason written when sensitive values are erased on withdrawal.
ERASED_ON_WITHDRAWAL = "sensitive data erased on withdrawal of consent"


def client_file_scope(client: Client) -> str:
    """Return the data-key scope of a client's files (consent documents)."""
    return f"clients.client:{client.pk}"


def client_has_sensitive_consent(*, client: Client) -> bool:
    """Return True if ``client`` has a sensitive-data consent not withdrawn."""
    annotated = getattr(client, "has_sensitive_consent", None)
    if isinstance(annotated, bool):
        return annotated
    return Consent.objects.filter(
        client=client, kind=Consent.Kind.SENSITIVE, withdrawn_on__isnull=True
    ).exists()


@transaction.atomic
def consent_record(
    *,
    actor: User,
    client: Client,
    kind: str,
    purpose: str,
    scope: str,
    use: str,
    signed_on: dt.date,
    document: bytes | None = None,
    document_name: str = "",
) -> Consent:
    """Record a client's written consent and return it (SPEC §6).

    What the client was told (purpose, scope, use) is required; the signing
    date may not lie in the future. A signed document is stored encrypted
    with the client's file key. ``kind="sensitive"`` is the separate written
    consent PIPL Art. 29 requires before an ID number or bank account is
    stored.
    """
    if not actor.has_perm("clients.change_client", client):
        raise PermissionDenied(_("You may not record consents for this client."))
    consent = Consent(
        client=client,
        kind=kind,
        purpose=(purpose or "").strip(),
        scope=(scope or "").strip(),
        use=(use or "").strip(),
        signed_on=signed_on,
        recorded_by=actor,
    )
    errors: dict[str, list[str]] = {}
    if isinstance(signed_on, dt.date) and signed_on > timezone.localdate():
        errors["signed_on"] = [_("The consent cannot be signed in the future.")]
    if document is not None and not document:
        errors["document"] = [_("The signed document is empty.")]
    try:
        consent.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if document:
        key = file_key_for_scope(client_file_scope(client))
        blob = EncryptedContentStore().put(document, data_key=key)
        consent.document_blob = blob.name
        consent.document_sha256 = blob.sha256_plain
        consent.document_key = key
        consent.document_name = (document_name or "consent.pdf").strip()[:200]
    consent.save()
    audit_log(
        action="consent.recorded",
        actor=actor,
        object_type="clients.consent",
        object_id=consent.pk,
        detail={
            "client": client.pk,
            "kind": kind,
            "document": bool(document),
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    actor: User,
    consent: Consent,
    withdrawn_on: dt.date,
    note: str = "",
) -> Consent:
    """Record that the client withdrew ``consent`` and stop further use.

    A consent is withdrawn once (a second attempt is a state conflict). When
    the last sensitive-data consent of a client is withdrawn, its sensitive
    values are erased as the module docstring explains (PIPL Art. 15, 47).
    """
    consent = (
        Consent.objects.select_for_update().select_related("client").get(pk=consent.pk)
    )
    client = consent.client
    if not actor.has_perm("clients.change_client", client):
        raise PermissionDenied(_("You may not change this client's consents."))
    if consent.withdrawn_on is not None:
        raise ConsentAlreadyWithdrawn
    if withdrawn_on < consent.signed_on:
        raise ValidationError(
            {"withdrawn_on": [_("A consent cannot be withdrawn before it was signed.")]}
        )
    if withdrawn_on > timezone.localdate():
        raise ValidationError(
            {"withdrawn_on": [_("The withdrawal date cannot be in the future.")]}
        )
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_note = (note or "").strip()
    consent.full_clean()
    consent.save()
    erased: list[str] = []
    if (
        consent.kind == Consent.Kind.SENSITIVE
        and not Consent.objects.filter(
            client=client, kind=Consent.Kind.SENSITIVE, withdrawn_on__isnull=True
        ).exists()
    ):
        erased = _erase_sensitive(client=client, actor=actor)
    audit_log(
        action="consent.withdrawn",
        actor=actor,
        object_type="clients.consent",
        object_id=consent.pk,
        detail={"client": client.pk, "kind": consent.kind, "erased_fields": erased},
    )
    return consent


def _erase_sensitive(*, client: Client, actor: User) -> list[str]:
    """Erase a client's sensitive values, now and in its history."""
    erased = [f for f in SENSITIVE_FIELDS if getattr(client, f)]
    past = client.history_entries.all()  # type: ignore[attr-defined]
    past.update(**{f: "" for f in SENSITIVE_FIELDS})
    if erased:
        for field in SENSITIVE_FIELDS:
            setattr(client, field, "")
        client._history_user = actor  # type: ignore[attr-defined]
        client._change_reason = ERASED_ON_WITHDRAWAL  # type: ignore[attr-defined]
        client.save()
        audit_log(
            action="client.sensitive_erased",
            actor=actor,
            object_type="clients.client",
            object_id=client.pk,
            detail={"fields": erased, "reason": "consent withdrawn"},
        )
    return erased


def consent_document_read(
    *, actor: User, consent: Consent, request: HttpRequest | None = None
) -> bytes:
    """Return the signed consent document and log the view (SPEC §6 access log).

    The director, partners and the lawyers who see the client may read it.
    """
    if not actor.has_perm("clients.change_client", consent.client):
        raise PermissionDenied(_("You may not read this client's consent documents."))
    if not consent.document_blob or consent.document_key is None:
        raise Consent.DoesNotExist(_("This consent has no document."))
    data = EncryptedContentStore().get(
        consent.document_blob, data_key=consent.document_key
    )
    audit_log(
        action="consent.document_viewed",
        actor=actor,
        object_type="clients.consent",
        object_id=consent.pk,
        detail={"client": consent.client_id},
        request=request,
    )
    return data
