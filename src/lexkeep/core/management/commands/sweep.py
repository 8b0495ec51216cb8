from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lexkeep.core.sweeps import SWEEPS, run_sweeps


class Command(BaseCommand):
    help = (
        "Run every due-date check now (service duties, reminders, feedback "
        "SLAs …): the sweeps registered in lexkeep.core.sweeps. Safe to run "
        "again: a sweep never creates anything twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Check as of this date (YYYY-MM-DD; default: today).",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not SWEEPS:
            raise CommandError("no sweep is registered")
        results = run_sweeps(today=options["today"])
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2, default=str))
            return
        for path, summary in results.items():
            figures = ", ".join(f"{k}={v}" for k, v in summary.items())
            self.stdout.write(f"{path}: {figures}")
