from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lexkeep.core.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Verify the integrity of the audit chain (and, as they are added, of "
        "stored files). Exit non-zero on any altered, deleted, inserted or "
        "reordered entry."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN at entry {result.first_bad_id}: {result.reason} "
                f"({result.checked} entries checked)"
            )
        self.stdout.write(f"audit chain OK ({result.checked} entries)")
