from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

SUITES = ("clients", "archives", "service")
CHILD = "LEXKEEP_BENCH_CHILD"


class Command(BaseCommand):
    help = (
        "Generate a firm at scale in a separate benchmark database and report "
        "latencies and throughputs as ratios against raw baselines measured in "
        "the same run. Never touches the firm's own database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("suite", choices=SUITES)
        parser.add_argument("--clients", type=int, default=100_000)
        parser.add_argument("--matters", type=int, default=500_000)
        parser.add_argument("--runs", type=int, default=200)
        parser.add_argument(
            "--contacts",
            type=int,
            default=2_000_000,
            help="service suite: logged contacts to generate",
        )
        parser.add_argument(
            "--volumes",
            type=int,
            default=1_000_000,
            help="archives suite: archive volumes to generate",
        )
        parser.add_argument(
            "--pages",
            type=int,
            default=2000,
            help="archives suite: 300 DPI scanned pages to ingest",
        )
        parser.add_argument(
            "--bench-dir",
            type=Path,
            default=None,
            help="Where the benchmark database and results go (default: "
            "<data dir>/bench). A firm generated there before at the same size "
            "is reused.",
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="Run against this database instead of SQLite in --bench-dir "
            "(it must be empty or hold an earlier benchmark firm).",
        )
        parser.add_argument(
            "--fresh", action="store_true", help="Regenerate the benchmark firm."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get(CHILD):
            self._run_in_child(options)
            return
        bench_dir: Path = options["bench_dir"] or Path(settings.DATA_DIR) / "bench"
        tag = f"{options['suite']}-{options['clients']}-{options['matters']}"
        if options["suite"] == "archives":
            tag += f"-{options['volumes']}"
        if options["suite"] == "service":
            tag += f"-{options['contacts']}"
        data_dir = (bench_dir / tag).resolve()
        if options["fresh"] and data_dir.exists():
            for path in sorted(data_dir.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
        data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, CHILD: "1", "LEXKEEP_DATA_DIR": str(data_dir)}
        env.pop("DATABASE_URL", None)
        if options["database_url"]:
            env["DATABASE_URL"] = options["database_url"]
        argv = [
            sys.executable,
            "-m",
            "lexkeep.cli",
            "bench",
            options["suite"],
            f"--clients={options['clients']}",
            f"--matters={options['matters']}",
            f"--runs={options['runs']}",
            f"--contacts={options['contacts']}",
            f"--volumes={options['volumes']}",
            f"--pages={options['pages']}",
        ]
        result = subprocess.run(argv, env=env, check=False)  # noqa: S603
        if result.returncode:
            raise CommandError(f"benchmark failed (exit {result.returncode})")

    def _run_in_child(self, options: dict[str, Any]) -> None:
        from lexkeep.accounts.models import User
        from lexkeep.bench import clients as clients_suite
        from lexkeep.bench.generate import FirmSize, generate_firm

        call_command("migrate", interactive=False, verbosity=0)
        setting_path = Path(settings.DATA_DIR) / "firm.json"
        if User.objects.exists() and setting_path.exists():
            setting = json.loads(setting_path.read_text())
            self.stdout.write(f"reusing the generated firm in {settings.DATA_DIR}")
        elif User.objects.exists():
            raise CommandError(
                "the benchmark database holds data that is not a benchmark firm"
            )
        else:
            self.stdout.write(
                f"generating {options['clients']:,} clients and "
                f"{options['matters']:,} matters …"
            )
            start = time.perf_counter()
            setting = generate_firm(
                FirmSize(clients=options["clients"], matters=options["matters"])
            )
            if options["suite"] == "archives":
                from lexkeep.bench.archives import generate_volumes

                self.stdout.write(f"generating {options['volumes']:,} volumes …")
                setting.update(generate_volumes(options["volumes"]))
            setting["generated_in_s"] = round(time.perf_counter() - start, 1)
            setting_path.write_text(json.dumps(setting))
        setting["database"] = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        if options["suite"] == "service":
            from lexkeep.bench import service as service_suite

            self.stdout.write(f"{options['contacts']:,} contacts, one full sweep …")
            report = service_suite.run(setting=setting, contacts=options["contacts"])
        elif options["suite"] == "archives":
            from lexkeep.bench import archives as archives_suite

            report = archives_suite.run(
                runs=options["runs"], setting=setting, pages=options["pages"]
            )
        else:
            report = clients_suite.run(runs=options["runs"], setting=setting)
        self.stdout.write(report.table())
        path = report.save(Path(settings.DATA_DIR))
        self.stdout.write(f"\nresults written to {path}")
