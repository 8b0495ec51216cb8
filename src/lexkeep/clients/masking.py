"""Masking of sensitive personal information, and who may see it unmasked.

SPEC §6: "what a user sees depends on role (e.g. an ID number is masked for
those who do not need it)", and every view of a client's sensitive data is
written to the access log. The rule Lexkeep applies:

* Everyone sees sensitive values masked by default (lists, details, history,
  exports, the API).
* Only people who need the value may ask to see it unmasked, one explicit
  "show" action at a time, each logged as ``client.sensitive_viewed`` with
  the field name: the director, partners, and lawyers who own the client, sit
  on its dedicated team, or handle or supervise one of its matters.
  Assistants, archivists, client-service specialists and external persons
  never see it unmasked.
* Nobody sees it once the client has withdrawn the separate consent for
  sensitive information (PIPL Art. 28-29; the value is erased then anyway).
"""

from __future__ import annotations

from typing import Final

#: The client fields that hold sensitive personal information (PIPL Art. 28).
SENSITIVE_FIELDS: Final = ("id_number", "bank_account")

MASK_CHAR: Final = "*"


def mask_id_number(value: str | None) -> str:
    """Return a resident ID number with all but its first and last four hidden.

    ``"110101199003074518"`` → ``"1101**********4518"``: the region and the
    check digits remain, the birth date does not.
    """
    if not value:
        return ""
    if len(value) <= 8:
        return MASK_CHAR * len(value)
    return value[:4] + MASK_CHAR * (len(value) - 8) + value[-4:]


def mask_bank_account(value: str | None) -> str:
    """Return a bank account number with only its last four digits shown."""
    if not value:
        return ""
    compact = "".join(value.split())
    if len(compact) <= 4:
        return MASK_CHAR * len(compact)
    return MASK_CHAR * (len(compact) - 4) + compact[-4:]


def mask_value(field: str, value: str | None) -> str:
    """Return ``value`` masked the way ``field`` is masked."""
    if field == "bank_account":
        return mask_bank_account(value)
    return mask_id_number(value)
