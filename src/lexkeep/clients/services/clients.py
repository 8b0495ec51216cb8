"""Create and change client records (SPEC §2.1, §2.3, §2.4, §6).

One record per client (SPEC §2.4). Every write keeps its history (old and
new values, who, when: django-simple-history) and an entry in the audit
chain that names the fields changed, never their values (SPEC §6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lexkeep.accounts.models import Role, User
from lexkeep.clients.choices import SUB_DOMAINS, ClientType, Domain, Tier
from lexkeep.clients.exceptions import SensitiveDataNotAllowed
from lexkeep.clients.masking import SENSITIVE_FIELDS
from lexkeep.clients.models import Client, ClientDomain, TierChange
from lexkeep.clients.normalize import normalize_name
from lexkeep.clients.validators import (
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)
from lexkeep.core.audit import audit_log
from lexkeep.core.fields import blind_index_for

#: Fields a user may set through ``client_create`` / ``client_update``.
EDITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "client_type",
    "enterprise_kind",
    "gender",
    "id_number",
    "bank_account",
    "phone",
    "email",
    "address",
    "credit_code",
    "legal_representative",
    "registered_address",
    "preferred_channel",
    "service_focus",
    "news_opt_out",
    "notes",
)
#: SPEC §2.3: what each type of client must have on record.
REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {
    ClientType.INDIVIDUAL: ("name", "gender", "phone", "address"),
    ClientType.ENTERPRISE: (
        "name",
        "credit_code",
        "legal_representative",
        "registered_address",
        "phone",
        "enterprise_kind",
    ),
    ClientType.GOVERNMENT: (
        "name",
        "credit_code",
        "legal_representative",
        "registered_address",
        "phone",
    ),
}
#: Fields that belong to one kind of client only.
_INDIVIDUAL_ONLY = ("gender", "id_number")
_ORGANISATION_ONLY = ("credit_code", "legal_representative", "registered_address")

DomainInput = Mapping[str, str] | tuple[str, str]


@dataclass(frozen=True)
class ConsentInput:
    """A separate written consent recorded together with a new client (SPEC §6)."""

    purpose: str
    scope: str
    use: str
    signed_on: Any
    kind: str = "sensitive"
    document: bytes | None = None
    document_name: str = ""


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _clean_domains(
    domains: Iterable[DomainInput], errors: dict[str, list[str]]
) -> list[tuple[str, str]]:
    """Return ``(domain, sub_domain)`` pairs, each checked against SPEC §2.1."""
    cleaned: list[tuple[str, str]] = []
    for item in domains:
        if isinstance(item, Mapping):
            domain, sub = str(item.get("domain", "")), str(item.get("sub_domain") or "")
        else:
            domain, sub = item[0], item[1] or ""
        if domain not in Domain.values:
            _add(
                errors,
                "domains",
                _("“%(d)s” is not a business domain.") % {"d": domain},
            )
            continue
        if sub and sub not in SUB_DOMAINS[domain]:
            _add(
                errors,
                "domains",
                _("“%(s)s” is not a sub-domain of %(d)s.") % {"s": sub, "d": domain},
            )
            continue
        if (domain, sub) not in cleaned:
            cleaned.append((domain, sub))
    return cleaned


def _check_owner(owner: User | None, errors: dict[str, list[str]]) -> None:
    if owner is not None and not owner.has_role(
        Role.LAWYER, Role.PARTNER, Role.DIRECTOR
    ):
        _add(
            errors,
            "owner",
            _("The relationship owner “%(u)s” is not a lawyer or partner.")
            % {"u": owner.username},
        )


def _clean_client(client: Client, errors: dict[str, list[str]]) -> None:
    """Validate and canonicalise ``client`` in place (SPEC §2.3).

    Type-specific information is required, identifiers are checked
    (GB 11643, GB 32100, phone), fields of the other type are refused, and
    the same ID number or credit code may not be held by two clients.
    """
    for field in ("name", "legal_representative", "address", "registered_address"):
        setattr(client, field, (getattr(client, field) or "").strip())
    client_type = client.client_type
    if client_type not in ClientType.values:
        _add(errors, "client_type", _("Choose individual, enterprise or government."))
        return
    for field in REQUIRED_BY_TYPE[client_type]:
        if not getattr(client, field):
            _add(
                errors,
                field,
                _("%(field)s is required for this type of client.")
                % {
                    "field": str(
                        getattr(Client._meta.get_field(field), "verbose_name", field)
                    )
                },
            )
    if client_type == ClientType.INDIVIDUAL:
        for field in _ORGANISATION_ONLY:
            if getattr(client, field):
                _add(errors, field, _("An individual client does not have this."))
    else:
        for field in _INDIVIDUAL_ONLY:
            if getattr(client, field):
                _add(errors, field, _("Only an individual client has this."))
    if client_type != ClientType.ENTERPRISE and client.enterprise_kind:
        _add(
            errors,
            "enterprise_kind",
            _("Only an enterprise client has an enterprise kind."),
        )
    if client.phone:
        try:
            client.phone = validate_phone(client.phone)
        except ValidationError as exc:
            errors.setdefault("phone", []).extend(exc.messages)
    if client.id_number and "id_number" not in errors:
        try:
            client.id_number = validate_resident_id(client.id_number)
        except ValidationError as exc:
            errors.setdefault("id_number", []).extend(exc.messages)
    if client.credit_code and "credit_code" not in errors:
        try:
            client.credit_code = validate_credit_code(client.credit_code)
        except ValidationError as exc:
            errors.setdefault("credit_code", []).extend(exc.messages)
    if client.bank_account:
        client.bank_account = "".join(client.bank_account.split())
        if not client.bank_account.isdigit() or not 8 <= len(client.bank_account) <= 32:
            _add(errors, "bank_account", _("A bank account number is 8 to 32 digits."))
    others = Client.objects.exclude(pk=client.pk) if client.pk else Client.objects
    if client.id_number and "id_number" not in errors:
        index = blind_index_for(Client, "id_number", client.id_number)
        if others.filter(id_number_index=index).exists():
            _add(
                errors,
                "id_number",
                _("Another client already has this resident ID number."),
            )
    if (
        client.credit_code
        and "credit_code" not in errors
        and others.filter(credit_code=client.credit_code).exists()
    ):
        _add(
            errors,
            "credit_code",
            _("Another client already has this unified social credit code."),
        )
    client.name_normalized = normalize_name(
        client.name, strip_places=client_type != ClientType.GOVERNMENT
    )


def _check_sensitive_allowed(
    client: Client, fields: Iterable[str], errors: dict[str, list[str]]
) -> None:
    """Refuse sensitive values without a separate written consent (SPEC §6).

    PIPL Art. 28-29: a resident ID or bank account number is stored only if
    the client has given a separate written consent for sensitive personal
    information that has not been withdrawn.
    """
    from lexkeep.clients.services.consents import client_has_sensitive_consent

    wanted = [f for f in fields if getattr(client, f)]
    if not wanted:
        return
    if client.pk and client_has_sensitive_consent(client=client):
        return
    for field in wanted:
        _add(
            errors,
            field,
            _(
                "A separate written consent of the client for sensitive personal "
                "information must be on record before this is stored "
                "(PIPL Art. 28-29)."
            ),
        )


def _save(client: Client, *, actor: User | None, reason: str) -> None:
    """Run model validation and save, recording who and why in the history."""
    client.full_clean(exclude=["name_normalized", "created_by", "owner"])
    client._history_user = actor  # type: ignore[attr-defined]
    client._change_reason = reason  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:
        # Two users saved the same identifier at once: the unique
        # constraints on the blind index and credit code caught it.
        raise ValidationError(
            {
                "__all__": [
                    _("Another client already has this ID number or credit code.")
                ]
            }
        ) from None


def _set_domains(client: Client, domains: list[tuple[str, str]]) -> None:
    client.domains.all().delete()
    ClientDomain.objects.bulk_create(
        ClientDomain(client=client, domain=d, sub_domain=s) for d, s in domains
    )


@transaction.atomic
def client_create(
    *,
    actor: User,
    name: str,
    client_type: str,
    enterprise_kind: str = "",
    gender: str = "",
    id_number: str = "",
    bank_account: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    credit_code: str = "",
    legal_representative: str = "",
    registered_address: str = "",
    preferred_channel: str = "",
    service_focus: str = "",
    news_opt_out: bool = False,
    notes: str = "",
    domains: Iterable[DomainInput] = (),
    owner: User | None = None,
    consent: ConsentInput | None = None,
) -> Client:
    """Register a new client (SPEC §2.1, §2.3) and return it.

    Type-specific information is required and validated; a duplicate ID
    number or credit code is refused. The ID number and bank account are
    stored only with a separate written consent (SPEC §6): pass ``consent``
    to record it in the same step, or create the client first, record the
    consent, then add the number. A lawyer who registers a client without
    naming an owner becomes its relationship owner. Every new client starts
    in the ``ordinary`` tier until fees say otherwise (SPEC §2.1).
    """
    if not actor.has_perm("clients.add_client"):
        raise PermissionDenied(_("You may not register clients."))
    if owner is None and actor.has_role(Role.LAWYER):
        owner = actor
    client = Client(
        name=name,
        client_type=client_type,
        enterprise_kind=enterprise_kind,
        gender=gender,
        id_number=id_number,
        bank_account=bank_account,
        phone=phone,
        email=email,
        address=address,
        credit_code=credit_code,
        legal_representative=legal_representative,
        registered_address=registered_address,
        preferred_channel=preferred_channel,
        service_focus=service_focus,
        news_opt_out=news_opt_out,
        notes=notes,
        owner=owner,
        created_by=actor,
        tier=Tier.ORDINARY,
    )
    errors: dict[str, list[str]] = {}
    _clean_client(client, errors)
    _check_owner(owner, errors)
    cleaned_domains = _clean_domains(domains, errors)
    if consent is None:
        _check_sensitive_allowed(client, SENSITIVE_FIELDS, errors)
    if errors:
        raise ValidationError(errors)
    sensitive = {f: getattr(client, f) for f in SENSITIVE_FIELDS}
    for field in SENSITIVE_FIELDS:
        setattr(client, field, "")
    _save(client, actor=actor, reason="created")
    _set_domains(client, cleaned_domains)
    TierChange.objects.create(
        client=client,
        old_tier="",
        new_tier=client.tier,
        source=TierChange.Source.INITIAL,
        changed_by=actor,
    )
    audit_log(
        action="client.created",
        actor=actor,
        object_type="clients.client",
        object_id=client.pk,
        detail={"client_type": client.client_type},
    )
    if consent is not None:
        from lexkeep.clients.services.consents import consent_record

        consent_record(
            actor=actor,
            client=client,
            kind=consent.kind,
            purpose=consent.purpose,
            scope=consent.scope,
            use=consent.use,
            signed_on=consent.signed_on,
            document=consent.document,
            document_name=consent.document_name,
        )
        if any(sensitive.values()):
            client = client_update(
                actor=actor,
                client=client,
                changes={k: v for k, v in sensitive.items() if v},
            )
    return client


@transaction.atomic
def client_update(
    *,
    actor: User,
    client: Client,
    changes: Mapping[str, Any],
) -> Client:
    """Change a client's information (SPEC §2.3, §2.4) and return it.

    ``changes`` maps field names of :data:`EDITABLE_FIELDS` (and
    ``domains``) to new values; the same validation as at creation applies,
    including the consent rule for sensitive values (SPEC §6). The history
    keeps old and new values; the audit chain names the changed fields.
    The relationship owner and the tier change through their own services
    (team assignment, tier override).
    """
    if not actor.has_perm("clients.change_client", client):
        raise PermissionDenied(_("You may not change this client."))
    errors: dict[str, list[str]] = {}
    for field in changes:
        if field == "owner":
            _add(
                errors, field, _("Change the relationship owner by assigning the team.")
            )
        elif field == "tier":
            _add(errors, field, _("Set the tier through a tier override."))
        elif field not in EDITABLE_FIELDS and field != "domains":
            _add(errors, field, _("This field cannot be changed."))
    if errors:
        raise ValidationError(errors)
    before = {f: getattr(client, f) for f in EDITABLE_FIELDS}
    for field, value in changes.items():
        if field != "domains":
            setattr(client, field, value if value is not None else "")
    _clean_client(client, errors)
    cleaned_domains = None
    if "domains" in changes:
        cleaned_domains = _clean_domains(changes["domains"] or (), errors)
    new_sensitive = [
        f
        for f in SENSITIVE_FIELDS
        if f in changes and getattr(client, f) and getattr(client, f) != before[f]
    ]
    _check_sensitive_allowed(client, new_sensitive, errors)
    if errors:
        raise ValidationError(errors)
    changed = [f for f in EDITABLE_FIELDS if getattr(client, f) != before[f]]
    if changed:
        _save(client, actor=actor, reason="updated: " + ", ".join(changed))
    if cleaned_domains is not None:
        current = sorted(client.domains.values_list("domain", "sub_domain"))
        if current != sorted(cleaned_domains):
            _set_domains(client, cleaned_domains)
            changed.append("domains")
    if changed:
        audit_log(
            action="client.updated",
            actor=actor,
            object_type="clients.client",
            object_id=client.pk,
            detail={"fields": changed},
        )
    return client


def client_sensitive_reveal(
    *,
    actor: User,
    client: Client,
    field: str,
    request: HttpRequest | None = None,
) -> str:
    """Return the unmasked value of a sensitive field and log the view (SPEC §6).

    Only those :mod:`lexkeep.clients.masking` names may see it, and only
    while the client's sensitive-data consent is in force; each view is
    written to the audit chain as ``client.sensitive_viewed`` with the
    field's name (never its value).
    """
    if field not in SENSITIVE_FIELDS:
        raise ValidationError({"reveal": [_("Only a sensitive field can be shown.")]})
    if not actor.has_perm("clients.reveal_sensitive", client):
        raise SensitiveDataNotAllowed(
            _("You may not see this client's sensitive information unmasked.")
        )
    audit_log(
        action="client.sensitive_viewed",
        actor=actor,
        object_type="clients.client",
        object_id=client.pk,
        detail={"field": field},
        request=request,
    )
    return str(getattr(client, field) or "")
