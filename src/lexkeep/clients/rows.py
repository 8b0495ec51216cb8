"""The fixed reads of a client list page, written once as SQL.

Which clients a page holds is decided by the ORM (visibility, filters,
search: :func:`lexkeep.clients.selectors.client_rows`); this module then
reads those clients' shown columns, their domains and their teams. The
three statements never change shape, only their ids, so they are built
once per process from the models' table and column names instead of being
composed and compiled by the ORM on every request (about half a
millisecond each, several times the reads themselves). They are portable
SQL (SQLite and PostgreSQL) with parameters for every value.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Field, Model

from lexkeep.accounts.models import User
from lexkeep.clients.models import Client, ClientDomain, Consent
from lexkeep.core.fields import EncryptedTextField

#: The columns a client row shows besides its domains, team and owner's name.
#: The two sensitive ones are decrypted only to be masked (SPEC §6).
ROW_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "client_type",
    "enterprise_kind",
    "tier",
    "tier_overridden",
    "gender",
    "id_number",
    "bank_account",
    "credit_code",
    "legal_representative",
    "phone",
    "email",
    "address",
    "registered_address",
    "owner_id",
    "preferred_channel",
    "service_focus",
)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _col(model: type[Model], name: str) -> str:
    """Return the quoted column of ``model``'s field ``name``."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # noqa: S101 (a column, not a relation)
    return _q(field.column)


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


@cache
def _rows_sql() -> str:
    """Return the read of clients by an id subquery, ordered by name and id.

    Columns: :data:`ROW_FIELDS`, the owner's username and full name, and
    whether a sensitive-data consent is in force. One ``%s`` stands for the
    consent kind, one ``{ids}`` for the subquery choosing the page.
    """
    columns = [f"c.{_col(Client, name.removesuffix('_id'))}" for name in ROW_FIELDS]
    c_id, owner = _col(Client, "id"), _col(Client, "owner")
    return (
        f"SELECT {', '.join(columns)}, u.{_col(User, 'username')}, "  # noqa: S608
        f"u.{_col(User, 'full_name')}, "
        f"EXISTS (SELECT 1 FROM {_q(Consent._meta.db_table)} s "
        f"WHERE s.{_col(Consent, 'client')} = c.{c_id} "
        f"AND s.{_col(Consent, 'kind')} = %s "
        f"AND s.{_col(Consent, 'withdrawn_on')} IS NULL) "
        f"FROM {_q(Client._meta.db_table)} c LEFT JOIN {_q(User._meta.db_table)} u "
        f"ON u.{_col(User, 'id')} = c.{owner} "
        f"WHERE c.{c_id} IN ({{ids}}) ORDER BY c.{_col(Client, 'name')}, c.{c_id}"
    )


@cache
def _converters() -> tuple[tuple[int, str, Any], ...]:
    """Return ``(position, name, function)`` of the columns needing conversion.

    Encrypted values are decrypted; booleans arrive as 0/1 from SQLite.
    """

    def decrypt(field: EncryptedTextField) -> Any:
        return lambda value: field.from_db_value(value, None, connection)

    out = []
    for position, name in enumerate(ROW_FIELDS):
        field = Client._meta.get_field(name.removesuffix("_id"))
        if isinstance(field, EncryptedTextField):
            out.append((position, name, decrypt(field)))
        elif isinstance(field, BooleanField):
            out.append((position, name, bool))
    return tuple(out)


#: The keys of a read row, in column order (the consent flag follows).
_NAMES = (*ROW_FIELDS, "owner_username", "owner_full_name")


def client_rows_read(ids_sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Return the clients whose ids ``ids_sql`` selects, as dicts, by name.

    ``ids_sql`` is a query returning client ids (with ``params``). Each
    dict has :data:`ROW_FIELDS` (sensitive values decrypted, not yet
    masked), ``owner_username``, ``owner_full_name`` and
    ``has_sensitive_consent``.
    """
    sql = _rows_sql().replace("{ids}", ids_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Consent.Kind.SENSITIVE, *params])
        fetched = cursor.fetchall()
    converters = _converters()
    rows = []
    for values in fetched:
        row = dict(zip(_NAMES, values, strict=False))
        for position, name, convert in converters:
            row[name] = convert(values[position])
        row["has_sensitive_consent"] = bool(values[-1])
        rows.append(row)
    return rows


def client_domains_read(ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """Return ``(client id, domain, sub-domain)`` of clients ``ids``, in order."""
    client, domain = _col(ClientDomain, "client"), _col(ClientDomain, "domain")
    sub_domain = _col(ClientDomain, "sub_domain")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {client}, {domain}, {sub_domain} "  # noqa: S608
            f"FROM {_q(ClientDomain._meta.db_table)} WHERE {client} IN "
            f"({_placeholders(len(ids))}) ORDER BY {domain}, {sub_domain}",
            list(ids),
        )
        return cursor.fetchall()


def client_teams_read(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Return ``(client id, user id)`` of the teams of clients ``ids``.

    Members in order of username, as the detail page lists them. The
    username is looked up per member (a scalar subquery) rather than joined:
    with a join SQLite may walk every user and probe the teams for each.
    """
    team = Client.team.through
    client, user = _col(team, "client"), _col(team, "user")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.{client}, t.{user} FROM {_q(team._meta.db_table)} t "  # noqa: S608
            f"WHERE t.{client} IN ({_placeholders(len(ids))}) "
            f"ORDER BY (SELECT u.{_col(User, 'username')} FROM "
            f"{_q(User._meta.db_table)} u WHERE u.{_col(User, 'id')} = t.{user})",
            list(ids),
        )
        return cursor.fetchall()
