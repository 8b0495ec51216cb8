from __future__ import annotations

import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from lexkeep.accounts.models import User


class Command(BaseCommand):
    help = (
        "Run Lexkeep: apply migrations, load the demo firm into an empty "
        "database, then serve the web application with a production WSGI "
        "server (waitress) and run the background worker (Huey) beside it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background worker (run 'lexkeep worker' elsewhere).",
        )
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Do not load the demo firm into an empty database.",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="Skip applying migrations."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"] and not User.objects.exists():
            self.stdout.write("Empty database: loading the demo firm …")
            call_command("demo")
        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "lexkeep.cli", "worker"]
            )
        from waitress import serve

        from lexkeep.wsgi import application

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(f"Lexkeep is running at {url}  (Ctrl+C to stop)")
        try:
            serve(
                application,
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                ident="Lexkeep",
            )
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
