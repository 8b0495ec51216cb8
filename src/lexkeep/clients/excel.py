"""Excel export and import of clients and matters (issue 3 §9; SPEC §6).

Export: only the rows the actor may see, written with openpyxl's write-only
workbook row by row into a temporary file (constant memory) and streamed
back; ID numbers are always masked in bulk exports (PIPL minimum
necessary); headers are the translated field names; every export is written
to the audit chain with its row count and no data (SPEC §6 "exports of
personal data are logged").

Import of clients: the first row holds the headers (field codes or their
translated names, as in the template). Every row is validated first and
nothing is imported if any row fails; the answer is a per-row, per-field
error report. Duplicates within the file and against the register are
reported. Rows are created through ``client_create`` in one transaction.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from zipfile import BadZipFile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from lexkeep.accounts.models import User
from lexkeep.clients.choices import (
    SUB_DOMAINS,
    Channel,
    ClientType,
    Domain,
    EnterpriseKind,
    Gender,
    ServiceFocus,
    SubDomain,
    Tier,
)
from lexkeep.clients.masking import mask_id_number
from lexkeep.clients.models import Client, ClientDomain
from lexkeep.clients.validators import (
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)
from lexkeep.clients.visibility import client_visibility_q, matter_visibility_q
from lexkeep.core.audit import audit_log
from lexkeep.core.fields import blind_index_for
from lexkeep.matters.models import Matter

#: Largest workbook accepted for import, and most rows.
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
#: Rows read from the database per batch while exporting.
EXPORT_CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def _label(model: type[Any], field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _choice_label(choices: Any, value: str) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _user_name(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _domains_text(domains: Iterable[ClientDomain]) -> str:
    return "; ".join(
        f"{d.domain}/{d.sub_domain}" if d.sub_domain else d.domain for d in domains
    )


CLIENT_EXPORT_FIELDS = (
    "id",
    "name",
    "client_type",
    "enterprise_kind",
    "tier",
    "domains",
    "gender",
    "id_number",
    "credit_code",
    "legal_representative",
    "phone",
    "email",
    "address",
    "registered_address",
    "owner",
    "preferred_channel",
    "service_focus",
)


def _client_headers() -> list[str]:
    headers = []
    for field in CLIENT_EXPORT_FIELDS:
        if field == "domains":
            headers.append(str(ClientDomain._meta.verbose_name_plural))
        else:
            headers.append(_label(Client, field))
    return headers


def _client_row(client: Client) -> list[Any]:
    return [
        client.pk,
        client.name,
        _choice_label(ClientType, client.client_type),
        _choice_label(EnterpriseKind, client.enterprise_kind),
        _choice_label(Tier, client.tier),
        _domains_text(client.domains.all()),
        _choice_label(Gender, client.gender),
        mask_id_number(client.id_number),
        client.credit_code,
        client.legal_representative,
        client.phone,
        client.email,
        client.address,
        client.registered_address,
        _user_name(client.owner),
        _choice_label(Channel, client.preferred_channel),
        _choice_label(ServiceFocus, client.service_focus),
    ]


def _matter_headers() -> list[str]:
    fields = (
        "id",
        "name",
        "case_number",
        "client",
        "domain",
        "sub_domain",
        "status",
        "handling_lawyers",
        "supervising_lawyer",
        "assistants",
        "engagement_start",
        "engagement_end",
        "agreed_fee",
    )
    dates = (
        "filing_date",
        "judgment_date",
        "judgment_effective_date",
        "business_end_date",
        "counsel_end_date",
    )
    from lexkeep.matters.models import FeeReceipt

    return [
        *(_label(Matter, f) for f in fields),
        str(FeeReceipt._meta.verbose_name_plural),
        *(_label(Matter, f) for f in dates),
    ]


def _matter_row(matter: Matter) -> list[Any]:
    received = getattr(matter, "fees_received", None) or Decimal("0")
    return [
        matter.pk,
        matter.name,
        matter.case_number,
        matter.client.name,
        _choice_label(Domain, matter.domain),
        _choice_label(SubDomain, matter.sub_domain),
        _choice_label(Matter.Status, matter.status),
        ", ".join(_user_name(u) for u in matter.handling_lawyers.all()),
        _user_name(matter.supervising_lawyer),
        ", ".join(_user_name(u) for u in matter.assistants.all()),
        matter.engagement_start,
        matter.engagement_end,
        matter.agreed_fee,
        received,
        matter.filing_date,
        matter.judgment_date,
        matter.judgment_effective_date,
        matter.business_end_date,
        matter.counsel_end_date,
    ]


@dataclass
class Export:
    """A finished export: an open temporary file, positioned at its start."""

    file: IO[bytes]
    rows: int
    filename: str


def _write(
    sheet_title: str,
    headers: list[str],
    rows: Iterator[list[Any]],
) -> tuple[IO[bytes], int]:
    """Write a write-only workbook into an anonymous temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append(headers)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - caller closes
    workbook.save(handle)
    handle.seek(0)
    return handle, count


def clients_export(*, actor: User) -> Export:
    """Write the clients ``actor`` may see to an Excel file (issue 3 §9).

    ID numbers are masked (PIPL minimum necessary; SPEC §6); the export is
    recorded in the audit chain (``clients.exported``, with the row count).
    """
    clients = (
        Client.objects.filter(client_visibility_q(actor))
        .select_related("owner")
        .prefetch_related(
            Prefetch("domains", queryset=ClientDomain.objects.order_by("pk"))
        )
        .order_by("pk")
    )
    handle, count = _write(
        str(Client._meta.verbose_name_plural),
        _client_headers(),
        (_client_row(c) for c in clients.iterator(chunk_size=EXPORT_CHUNK)),
    )
    audit_log(
        action="clients.exported",
        actor=actor,
        object_type="clients.client",
        detail={"rows": count, "format": "xlsx"},
    )
    stamp = timezone.localdate().isoformat()
    return Export(file=handle, rows=count, filename=f"clients-{stamp}.xlsx")


def matters_export(*, actor: User) -> Export:
    """Write the matters ``actor`` may see to an Excel file (issue 3 §9).

    Recorded in the audit chain as ``matters.exported`` with the row count.
    """
    people = User.objects.order_by("pk")
    matters = (
        Matter.objects.filter(matter_visibility_q(actor))
        .select_related("client", "supervising_lawyer")
        .prefetch_related(
            Prefetch("handling_lawyers", queryset=people),
            Prefetch("assistants", queryset=people),
        )
        .annotate(fees_received=Sum("fee_receipts__amount"))
        .order_by("pk")
    )
    handle, count = _write(
        str(Matter._meta.verbose_name_plural),
        _matter_headers(),
        (_matter_row(m) for m in matters.iterator(chunk_size=EXPORT_CHUNK)),
    )
    audit_log(
        action="matters.exported",
        actor=actor,
        object_type="matters.matter",
        detail={"rows": count, "format": "xlsx"},
    )
    stamp = timezone.localdate().isoformat()
    return Export(file=handle, rows=count, filename=f"matters-{stamp}.xlsx")


# --------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------

#: Columns of the import template, in order.
IMPORT_FIELDS = (
    "name",
    "client_type",
    "enterprise_kind",
    "domains",
    "gender",
    "id_number",
    "credit_code",
    "legal_representative",
    "phone",
    "email",
    "address",
    "registered_address",
    "preferred_channel",
    "service_focus",
    "owner",
    "notes",
)
_CHOICES: dict[str, Any] = {
    "client_type": ClientType,
    "enterprise_kind": EnterpriseKind,
    "gender": Gender,
    "preferred_channel": Channel,
    "service_focus": ServiceFocus,
}
_LANGUAGES = ("zh-hans", "en")


class ImportRejected(Exception):  # noqa: N818 - reads as what happened
    """Nothing was imported; ``errors`` is the per-row, per-field report."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__(
            _("Nothing was imported: %(n)d problems.") % {"n": len(errors)}
        )


@dataclass
class ImportResult:
    """How many clients an import created."""

    created: int
    rows: int


def _header_label(field: str) -> str:
    if field == "domains":
        return str(ClientDomain._meta.verbose_name_plural)
    if field == "owner":
        return str(Client._meta.get_field("owner").verbose_name)
    return _label(Client, field)


def _header_map() -> dict[str, str]:
    """Return header text (code or a translation of its name) → field code."""
    mapping: dict[str, str] = {}
    for field in IMPORT_FIELDS:
        mapping[field] = field
        for language in _LANGUAGES:
            with translation.override(language):
                mapping[_header_label(field).strip().lower()] = field
        mapping[_header_label(field).strip().lower()] = field
    return mapping


def _choice_map(choices: Any) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value, label in choices.choices:
        mapping[str(value).lower()] = value
        for language in _LANGUAGES:
            with translation.override(language):
                mapping[str(label).strip().lower()] = value
        mapping[str(label).strip().lower()] = value
    return mapping


def clients_import_template() -> bytes:
    """Return an empty import workbook: one header row (translated names)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(Client._meta.verbose_name_plural)[:31])
    sheet.append([_header_label(f) for f in IMPORT_FIELDS])
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        workbook.save(handle)
        handle.seek(0)
        return handle.read()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _read_rows(
    source: IO[bytes],
) -> tuple[list[str | None], list[tuple[int, list[str]]]]:
    """Return the header fields and the non-empty data rows of a workbook."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        message = _("The file is not an Excel workbook.")
        raise ImportRejected([{"row": 0, "field": "file", "message": message}]) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportRejected(
                [
                    {
                        "row": 1,
                        "field": "file",
                        "message": _("The first row must hold the headers."),
                    }
                ]
            )
        mapping = _header_map()
        fields = [
            mapping.get(_text(cell).lower()) if cell is not None else None
            for cell in header
        ]
        data: list[tuple[int, list[str]]] = []
        for number, row in enumerate(rows, start=2):
            values = [_text(v) for v in row]
            if not any(values):
                continue
            if len(data) >= MAX_IMPORT_ROWS:
                raise ImportRejected(
                    [
                        {
                            "row": number,
                            "field": "file",
                            "message": _("At most %(n)d rows can be imported at once.")
                            % {"n": MAX_IMPORT_ROWS},
                        }
                    ]
                )
            data.append((number, values))
        unknown = [
            _text(cell)
            for cell, field in zip(header, fields, strict=False)
            if field is None and _text(cell)
        ]
    finally:
        workbook.close()
    errors = [
        {"row": 1, "field": name, "message": _("This column is not known.")}
        for name in unknown
    ]
    for required in ("name", "client_type"):
        if required not in fields:
            errors.append(
                {"row": 1, "field": required, "message": _("This column is required.")}
            )
    if errors:
        raise ImportRejected(errors)
    return fields, data


def _parse_domains(text: str) -> list[tuple[str, str]]:
    """Return ``(domain, sub_domain)`` pairs of ``"litigation/civil; counsel"``."""
    domains = _choice_map(Domain)
    subs = _choice_map(SubDomain)
    pairs: list[tuple[str, str]] = []
    for item in text.replace("；", ";").replace(",", ";").replace("，", ";").split(";"):
        item = item.strip()
        if not item:
            continue
        domain_text, _sep, sub_text = item.partition("/")
        domain = domains.get(domain_text.strip().lower())
        if domain is None:
            raise ValidationError(
                _("Unknown domain: %(value)s.") % {"value": domain_text}
            )
        sub = ""
        if sub_text.strip():
            sub = subs.get(sub_text.strip().lower(), "")
            if sub not in SUB_DOMAINS.get(domain, ()):
                raise ValidationError(
                    _("Unknown sub-domain of %(domain)s: %(value)s.")
                    % {"domain": domain, "value": sub_text}
                )
        pairs.append((domain, sub))
    return pairs


def _validate_row(
    values: dict[str, str],
    owners: dict[str, User],
    add: Callable[[str, str], None],
) -> dict[str, Any]:
    """Return the ``client_create`` arguments of one row, reporting errors."""
    data: dict[str, Any] = {}
    name = values.get("name", "")
    if not name:
        add("name", _("The name is required."))
    elif len(name) > 200:
        add("name", _("The name is longer than 200 characters."))
    data["name"] = name
    for field, choices in _CHOICES.items():
        raw = values.get(field, "")
        if not raw:
            data[field] = ""
            if field == "client_type":
                add(field, _("The client type is required."))
            continue
        value = _choice_map(choices).get(raw.lower())
        if value is None:
            add(field, _("“%(value)s” is not a valid choice.") % {"value": raw})
        data[field] = value or ""
    validators: dict[str, Callable[[str], str]] = {
        "id_number": validate_resident_id,
        "credit_code": validate_credit_code,
        "phone": validate_phone,
    }
    for field, validator in validators.items():
        raw = values.get(field, "")
        data[field] = ""
        if raw:
            try:
                data[field] = validator(raw)
            except ValidationError as exc:
                for message in exc.messages:
                    add(field, message)
    for field in (
        "legal_representative",
        "email",
        "address",
        "registered_address",
        "notes",
    ):
        data[field] = values.get(field, "")
    try:
        data["domains"] = _parse_domains(values.get("domains", ""))
    except ValidationError as exc:
        for message in exc.messages:
            add("domains", message)
    owner = values.get("owner", "")
    if owner:
        user = owners.get(owner.lower())
        if user is None:
            add("owner", _("No user is called %(name)s.") % {"name": owner})
        data["owner"] = user
    return data


def clients_import(*, actor: User, source: IO[bytes]) -> ImportResult:
    """Import clients from an Excel workbook, all or nothing (issue 3 §9).

    Every row is validated first — required fields, choices, resident ID
    (GB 11643), credit code (GB 32100), phone, domains, owner, duplicates
    within the file and against the register — then every row is created
    with ``client_create`` (which applies the register's own rules, e.g.
    sensitive data only with a separate consent, SPEC §6) in one
    transaction. Any failure raises ``ImportRejected`` with
    ``[{"row", "field", "message"}]`` and nothing is imported.
    """
    from lexkeep.clients.services import client_create

    if not actor.has_perm("clients.add_client"):
        raise PermissionDenied(_("You may not register clients."))
    fields, rows = _read_rows(source)
    owners = {
        u.username.lower(): u
        for u in User.objects.filter(
            username__in=[
                v
                for _n, vals in rows
                for f, v in zip(fields, vals, strict=False)
                if f == "owner" and v
            ]
        )
    }
    errors: list[dict[str, Any]] = []
    prepared: list[tuple[int, dict[str, Any]]] = []
    seen_ids: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    for number, row in rows:
        values = {f: v for f, v in zip(fields, row, strict=False) if f}

        def add(field: str, message: str, number: int = number) -> None:
            errors.append({"row": number, "field": field, "message": message})

        data = _validate_row(values, owners, add)
        for field, seen in (("id_number", seen_ids), ("credit_code", seen_codes)):
            value = data.get(field)
            if not value:
                continue
            if value in seen:
                add(
                    field,
                    _("The same value is on row %(row)d of this file.")
                    % {"row": seen[value]},
                )
            else:
                seen[value] = number
        prepared.append((number, data))
    _check_register_duplicates(seen_ids, seen_codes, errors)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e["row"], e["field"])))
    created = 0
    with transaction.atomic():
        for number, data in prepared:
            try:
                with transaction.atomic():
                    client_create(actor=actor, **data)
                created += 1
            except ValidationError as exc:
                errors.extend(
                    {"row": number, "field": field, "message": message}
                    for field, messages in _message_dict(exc).items()
                    for message in messages
                )
        if errors:
            raise ImportRejected(errors)  # leaves the block: everything rolls back
        audit_log(
            action="clients.imported",
            actor=actor,
            object_type="clients.client",
            detail={"rows": len(prepared), "created": created},
        )
    return ImportResult(created=created, rows=len(prepared))


def _message_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": list(exc.messages)}


def _check_register_duplicates(
    ids: dict[str, int], codes: dict[str, int], errors: list[dict[str, Any]]
) -> None:
    """Report rows whose ID number or credit code is already registered."""
    if ids:
        by_index = {
            blind_index_for(Client, "id_number", v): row for v, row in ids.items()
        }
        for index in Client.objects.filter(
            id_number_index__in=list(by_index)
        ).values_list("id_number_index", flat=True):
            errors.append(
                {
                    "row": by_index[index],
                    "field": "id_number",
                    "message": _("A client with this ID number is already registered."),
                }
            )
    if codes:
        for code in Client.objects.filter(credit_code__in=list(codes)).values_list(
            "credit_code", flat=True
        ):
            errors.append(
                {
                    "row": codes[code],
                    "field": "credit_code",
                    "message": _(
                        "A client with this credit code is already registered."
                    ),
                }
            )
