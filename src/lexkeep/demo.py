"""The demo firm: a realistic cast of users for every role (SPEC §1).

Later capabilities extend it with clients, matters, contacts and archives.
Demo data are data, so Chinese names live here, not in any logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.db import transaction
from django.test.utils import override_settings

from lexkeep.accounts.models import Role, Seniority, User
from lexkeep.accounts.services import user_create

DEMO_PASSWORD = "Lexkeep@2026"  # noqa: S105 - published demo password, README


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    roles: tuple[str, ...]
    department: str
    seniority: str = ""
    supervisor: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("director", "王建国", (Role.DIRECTOR,), "律所管理委员会"),
    DemoUser("partner", "李明哲", (Role.PARTNER,), "诉讼部"),
    DemoUser("partner2", "陈思远", (Role.PARTNER,), "非诉部"),
    DemoUser("senior", "张慧敏", (Role.LAWYER,), "诉讼部", Seniority.SENIOR),
    DemoUser("lawyer", "赵一鸣", (Role.LAWYER,), "诉讼部", Seniority.STAFF),
    DemoUser("lawyer2", "刘晓雯", (Role.LAWYER,), "非诉部", Seniority.STAFF),
    DemoUser("assistant", "钱小芳", (Role.ASSISTANT,), "诉讼部", supervisor="senior"),
    DemoUser("archivist", "孙文静", (Role.ARCHIVIST,), "档案室"),
    DemoUser("service", "周欣然", (Role.CLIENT_SERVICE,), "客户服务部"),
    DemoUser("external", "吴卫东", (Role.EXTERNAL,), ""),
)


#: Each capability adds its part of the demo firm: a module with a
#: ``load(users: dict[str, User]) -> None`` function, run in this order.
DEMO_STEPS: tuple[str, ...] = (
    "lexkeep.clients.demo",
    "lexkeep.service.demo",
    "lexkeep.feedback.demo",
    "lexkeep.archives.demo",
)


class DemoAlreadyLoaded(Exception):
    """The database already has users; the demo only loads into an empty one."""


def demo_load() -> list[tuple[DemoUser, User]]:
    """Create the demo firm's users; refuse if any user exists.

    The demo replays months of work; the reminders and alerts it causes
    would flood the console. Mail is switched off around the whole load,
    its transaction included, because their emails leave when it commits.
    """
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        return _load()


def _load() -> list[tuple[DemoUser, User]]:
    if User.objects.exists():
        raise DemoAlreadyLoaded
    created: dict[str, User] = {}
    result = []
    for spec in DEMO_USERS:
        user = user_create(
            username=spec.username,
            password=DEMO_PASSWORD,
            roles=spec.roles,
            full_name=spec.full_name,
            email=f"{spec.username}@demo-firm.example",
            seniority=spec.seniority,
            supervisor=created.get(spec.supervisor) if spec.supervisor else None,
            department_name=spec.department,
            validate_password_strength=False,
        )
        created[spec.username] = user
        result.append((spec, user))
    for module_name in DEMO_STEPS:
        if find_spec(module_name) is not None:
            import_module(module_name).load(created)
    return result
