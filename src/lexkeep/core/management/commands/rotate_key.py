from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lexkeep.core.crypto import rotate_master_key


class Command(BaseCommand):
    help = (
        "Generate a new master key and re-wrap every data key under it. The "
        "server can keep running; data encrypted before stays readable."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = rotate_master_key()
        self.stdout.write(f"master key rotated: {result}")
