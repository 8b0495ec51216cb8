"""Embedded defaults and the shared lifecycle helper."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.db import connection
from django.test import override_settings

from lexkeep.core.exceptions import InvalidTransition, Lifecycle


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_production_settings_hash_passwords_with_argon2():
    from lexkeep import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        encoded = make_password("correct horse")
        assert encoded.startswith("argon2$")
        assert check_password("correct horse", encoded)


def test_lockout_is_five_failures_in_fifteen_minutes():
    from lexkeep import settings as production

    assert production.AXES_FAILURE_LIMIT == 5
    assert production.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_lifecycle_allows_only_mapped_moves():
    loans = Lifecycle("loan", {"requested": {"approve": "approved"}})
    assert loans.next_state("requested", "approve") == "approved"
    assert loans.allowed_actions("requested") == ["approve"]
    with pytest.raises(InvalidTransition) as exc:
        loans.next_state("approved", "approve")
    assert exc.value.current == "approved"
    assert exc.value.action == "approve"
