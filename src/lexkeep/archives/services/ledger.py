"""Export of the filing ledger 《档案归档台账》 (SPEC §7.2, §6 exports logged)."""

from __future__ import annotations

from django.db.models import QuerySet

from lexkeep.accounts.models import User
from lexkeep.archives.models import Archive
from lexkeep.core.audit import audit_log


def filing_ledger_export(*, actor: User, rows: QuerySet[Archive]) -> bytes:
    """Return the ledger rows as Excel and record the export (SPEC §6).

    The ledger names clients, so its export is an export of personal data:
    the audit chain records who exported how many rows, never their content.
    """
    # documents imports the services; import it here to keep the graph acyclic.
    from lexkeep.archives.documents import ledger_xlsx

    count = rows.count()
    data = ledger_xlsx(rows.iterator())
    audit_log(
        action="archives.ledger_exported",
        actor=actor,
        object_type="filing_ledger",
        detail={"rows": count},
    )
    return data
