from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lexkeep.demo import DEMO_PASSWORD, DemoAlreadyLoaded, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo firm (users of every role) into an empty database and "
        "print their usernames and passwords."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            users = demo_load()
        except DemoAlreadyLoaded as exc:
            raise CommandError(
                "The database already has users; the demo firm loads only into "
                "an empty database."
            ) from exc
        self.stdout.write("Demo firm loaded. Sign in with:")
        self.stdout.write(f"  {'username':<12} {'roles':<28} password")
        for spec, user in users:
            roles = ", ".join(sorted(user.roles))
            extra = f" ({spec.seniority})" if spec.seniority else ""
            self.stdout.write(
                f"  {spec.username:<12} {roles + extra:<28} {DEMO_PASSWORD}"
            )
        self.stdout.write(
            "Director, partners and the archivist enrol a TOTP authenticator at "
            "first sign-in."
        )
