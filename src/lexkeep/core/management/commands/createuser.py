from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lexkeep.accounts.models import Role, Seniority, User
from lexkeep.accounts.services import user_create


class Command(BaseCommand):
    help = "Create a user with one or more roles (SPEC §1)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            choices=Role.values,
            help="Repeat for several roles.",
        )
        parser.add_argument("--seniority", choices=Seniority.values, default="")
        parser.add_argument(
            "--supervisor", help="Username of the supervising lawyer (assistants)."
        )
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--department", default="", help="Department name.")

    def handle(self, *args: Any, **options: Any) -> None:
        supervisor = None
        if options["supervisor"]:
            supervisor = User.objects.filter(username=options["supervisor"]).first()
            if supervisor is None:
                raise CommandError(f"supervisor: no user '{options['supervisor']}'")
        try:
            user = user_create(
                username=options["username"],
                password=options["password"],
                roles=options["role"],
                seniority=options["seniority"],
                supervisor=supervisor,
                full_name=options["full_name"],
                email=options["email"],
                department_name=options["department"],
            )
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
            )
            raise CommandError(problems) from exc
        self.stdout.write(
            f"Created user {user.username} with roles {', '.join(sorted(user.roles))}"
        )
