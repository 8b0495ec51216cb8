"""The ``lexkeep`` console script.

``lexkeep <command> [options]``; every command has ``--help``. Commands are
Django management commands, so ``lexkeep manage <django-command>`` reaches
the rest of Django's (e.g. ``dbshell``, ``changepassword``).
"""

from __future__ import annotations

import os
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve", "Run the web server and the background worker."),
    "migrate": ("migrate", "Create or upgrade the database schema."),
    "createuser": ("createuser", "Create a user with one or more roles."),
    "demo": ("demo", "Load the demo firm (only into an empty database)."),
    "sweep": ("sweep", "Run every due-date check now (duties, reminders, SLAs)."),
    "verify": ("verify", "Verify the audit chain; exit non-zero on any break."),
    "rotate-key": ("rotate_key", "Re-wrap every data key under a new master key."),
    "bench": (
        "bench",
        "Benchmark at scale against raw baselines (e.g. 'bench clients').",
    ),
    "worker": ("run_huey", "Run only the background worker (Huey consumer)."),
    "manage": ("", "Run any Django management command."),
}


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [
        "usage: lexkeep <command> [options]",
        "",
        "Lexkeep — 律师事务所客户管理及档案维护系统",
        "",
        "commands:",
    ]
    lines += [
        f"  {name.ljust(width)}  {help_}" for name, (_, help_) in COMMANDS.items()
    ]
    lines += [
        "",
        "Run 'lexkeep <command> --help' for a command's options.",
        "Environment: DATABASE_URL, REDIS_URL, LEXKEEP_DATA_DIR (default ./var),",
        "LEXKEEP_MASTER_KEY_FILE.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Dispatch ``lexkeep <command>`` to its management command."""
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lexkeep.settings")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return
    name, rest = args[0], args[1:]
    if name in {"-V", "--version"}:
        from lexkeep import __version__

        print(f"lexkeep {__version__}")
        return
    if name not in COMMANDS:
        print(f"lexkeep: unknown command '{name}'\n", file=sys.stderr)
        print(_usage(), file=sys.stderr)
        sys.exit(2)
    import django
    from django.core.management import (
        execute_from_command_line,
        get_commands,
        load_command_class,
    )

    if name == "manage":
        execute_from_command_line(["lexkeep", *rest])
        return
    django.setup()
    target = COMMANDS[name][0]
    command = load_command_class(get_commands()[target], target)
    command.run_from_argv(["lexkeep", name, *rest])


if __name__ == "__main__":
    main()
