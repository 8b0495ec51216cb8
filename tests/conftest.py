"""Shared fixtures: a small firm with one named user per role."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from lexkeep.accounts.models import Role, Seniority, User
from lexkeep.accounts.services import user_create

PASSWORD = "Lexkeep-Test-2026"


@pytest.fixture
def make_user(db):
    """Return a factory creating a user with the given roles."""

    def make(username: str, *roles: str, **kwargs: object) -> User:
        if Role.LAWYER in roles:
            kwargs.setdefault("seniority", Seniority.STAFF)
        return user_create(
            username=username,
            password=PASSWORD,
            roles=roles,
            validate_password_strength=False,
            **kwargs,  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
def firm(make_user) -> dict[str, User]:
    """Seed a small firm: one user per role, as SPEC §1 lists them."""
    users: dict[str, User] = {}
    users["director"] = make_user("director", Role.DIRECTOR, full_name="王主任")
    users["partner"] = make_user("partner", Role.PARTNER, full_name="李合伙")
    users["senior"] = make_user(
        "senior", Role.LAWYER, seniority=Seniority.SENIOR, full_name="张资深"
    )
    users["staff"] = make_user(
        "staff", Role.LAWYER, seniority=Seniority.STAFF, full_name="赵专职"
    )
    users["assistant"] = make_user(
        "assistant", Role.ASSISTANT, supervisor=users["senior"], full_name="钱助理"
    )
    users["archivist"] = make_user("archivist", Role.ARCHIVIST, full_name="孙档案")
    users["client_service"] = make_user(
        "client_service", Role.CLIENT_SERVICE, full_name="周客服"
    )
    users["external"] = make_user("external", Role.EXTERNAL, full_name="吴外部")
    return users


_append_only = importlib.import_module("lexkeep.core.migrations.0002_audit_append_only")


@contextmanager
def append_only_suspended(conn=connection) -> Iterator[None]:
    """Lift the audit log's append-only triggers (to play the attacker, or reset).

    SQLite: drop the triggers and recreate them with the migration's own SQL.
    PostgreSQL: ``DISABLE TRIGGER USER`` (table owner; tests run as postgres).
    """
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        else:
            for sql in _append_only.SQLITE_REVERSE:
                cursor.execute(sql)
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
            else:
                for sql in _append_only.SQLITE_FORWARD:
                    cursor.execute(sql)


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture(autouse=True)
def _audit_log_emptied_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty the append-only audit log after a transactional test.

    The database reset after such a test deletes every row, which the
    audit log's triggers refuse. Requesting ``transactional_db`` from here
    makes this teardown run before the reset.
    """
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    with append_only_suspended(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")


@pytest.fixture
def english_messages(settings) -> Iterator[None]:
    """Check messages by their English ids (the Chinese UI is tested in views).

    Use in a module with ``pytestmark = pytest.mark.usefixtures(...)`` or
    request it; the default language of the system stays Chinese.
    """
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
