"""Writes for users, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.accounts.models import (
    ApiToken,
    Department,
    Role,
    RoleAssignment,
    Seniority,
    User,
)
from lexkeep.core.audit import audit_log

TOKEN_PREFIX = "lk_"  # noqa: S105 - a public marker, not a secret
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)

_M = TypeVar("_M", bound=Model)


def _clean_roles(roles: Iterable[str]) -> list[str]:
    cleaned = []
    valid = set(Role.values)
    for role in roles:
        if role not in valid:
            raise ValidationError(
                {
                    "roles": _("Unknown role “%(role)s”; choose from: %(valid)s.")
                    % {"role": role, "valid": ", ".join(Role.values)}
                }
            )
        if role not in cleaned:
            cleaned.append(role)
    if not cleaned:
        raise ValidationError({"roles": _("At least one role is required.")})
    return cleaned


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: Iterable[str],
    full_name: str = "",
    email: str = "",
    seniority: str = "",
    supervisor: User | None = None,
    department_name: str = "",
    validate_password_strength: bool = True,
    actor: User | None = None,
) -> User:
    """Create a user holding ``roles`` (SPEC §1).

    A lawyer has a seniority (senior or staff); an assistant has a
    supervising lawyer, who must be a lawyer or partner. In the web UI and API
    only the director creates users (``actor``); the command line runs as the
    system's operator (``actor=None``).

    ``department_name`` names the user's department; a department of that
    name is created when none exists yet, after every check has passed and
    in this transaction, so a refused user leaves no department behind.
    """
    if actor is not None and not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied(_("Only the director may create users."))
    role_list = _clean_roles(roles)
    errors: dict[str, list[str]] = {}
    if Role.LAWYER in role_list and seniority not in Seniority.values:
        errors.setdefault("seniority", []).append(
            _("A lawyer needs a seniority: senior or staff.")
        )
    if seniority and seniority not in Seniority.values:
        errors.setdefault("seniority", []).append(
            _("Seniority must be senior or staff.")
        )
    if seniority and Role.LAWYER not in role_list:
        errors.setdefault("seniority", []).append(_("Only a lawyer has a seniority."))
    if Role.ASSISTANT in role_list and supervisor is None:
        errors.setdefault("supervisor", []).append(
            _("An assistant needs a supervising lawyer.")
        )
    if supervisor is not None and not supervisor.has_role(
        Role.LAWYER, Role.PARTNER, Role.DIRECTOR
    ):
        errors.setdefault("supervisor", []).append(
            _("Supervising lawyer “%(name)s” is not a lawyer or partner.")
            % {"name": supervisor.username}
        )
    if User.objects.filter(username=username).exists():
        errors.setdefault("username", []).append(
            _("Username “%(u)s” is already taken.") % {"u": username}
        )
    department_name = department_name.strip()
    name_limit = Department._meta.get_field("name").max_length or 0
    if len(department_name) > name_limit:
        errors.setdefault("department", []).append(
            _("A department name has at most %(n)d characters.") % {"n": name_limit}
        )
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        seniority=seniority,
        supervisor=supervisor,
    )
    if validate_password_strength:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if department_name:
        user.department, _created = Department.objects.get_or_create(
            name=department_name
        )
    user.set_password(password)
    user.full_clean()
    user.save()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role) for role in role_list]
    )
    user.__dict__.pop("roles", None)
    if actor is not None:
        audit_log(
            action="accounts.user_created",
            actor=actor,
            object_type="user",
            object_id=str(user.pk),
            detail={"username": user.username, "roles": sorted(role_list)},
        )
    return user


def _require_director(actor: User) -> None:
    if not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied(_("Only the director may manage users."))


@transaction.atomic
def user_two_factor_reset(*, actor: User, user: User) -> int:
    """Remove ``user``'s authenticators; they enrol again at next sign-in.

    For a lost phone. Director only; recorded in the audit chain.
    """
    _require_director(actor)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    count, _deleted = TOTPDevice.objects.filter(user=user).delete()
    audit_log(
        action="auth.2fa_reset",
        actor=actor,
        object_type="user",
        object_id=str(user.pk),
        detail={"devices": count},
    )
    return count


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Enable or disable ``user``'s sign-in (director only, never oneself).

    Disabling also revokes the user's API tokens.
    """
    _require_director(actor)
    if user.pk == actor.pk and not active:
        raise ValidationError({"is_active": _("You cannot disable your own account.")})
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    audit_log(
        action="accounts.user_enabled" if active else "accounts.user_disabled",
        actor=actor,
        object_type="user",
        object_id=str(user.pk),
    )
    return user


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create an API token; return it and the raw value, shown only once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=raw[:10],
        digest=_digest(raw),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, raw


@cache
def _token_sql() -> str:
    """Return the read of an unrevoked token of an active user, by digest.

    Every column of the token and of its user, then the user's roles. Built
    once from the models: it runs on every API request, where composing it
    with the ORM would cost several times the read itself.
    """
    q = connection.ops.quote_name

    def columns(alias: str, model: type[Model]) -> str:
        return ", ".join(f"{alias}.{q(f.column)}" for f in model._meta.concrete_fields)

    token, user = ApiToken._meta, User._meta
    return (
        f"SELECT {columns('t', ApiToken)}, {columns('u', User)} "  # noqa: S608
        f"FROM {q(token.db_table)} t JOIN {q(user.db_table)} u "
        f"ON u.{q('id')} = t.{q('user_id')} WHERE t.{q('digest')} = %s "
        f"AND t.{q('revoked_at')} IS NULL AND u.{q('is_active')} = %s"
    )


#: Per connection (one per thread) and model: each column's converters.
_CONVERTERS: WeakKeyDictionary[Any, dict[type[Model], list[tuple[Any, ...]]]] = (
    WeakKeyDictionary()
)


def _instance(model: type[_M], values: Sequence[Any]) -> _M:
    """Return a ``model`` instance from its concrete columns as stored.

    Each value goes through the converters the ORM would apply (dates
    stored as text on SQLite, booleans, encrypted fields).
    """
    wrapper = connections[DEFAULT_DB_ALIAS]
    per_model = _CONVERTERS.setdefault(wrapper, {})
    if model not in per_model:
        columns = [f.get_col(model._meta.db_table) for f in model._meta.concrete_fields]
        per_model[model] = [
            (col, *wrapper.ops.get_db_converters(col), *col.get_db_converters(wrapper))
            for col in columns
        ]
    converted = []
    for (col, *converters), value in zip(per_model[model], values, strict=True):
        for convert in converters:
            value = convert(value, col, wrapper)
        converted.append(value)
    names = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(wrapper.alias, names, converted)


def _live_token(digest: str) -> ApiToken | None:
    """Return the unrevoked token of an active user with ``digest``, or None.

    The token comes with its user, whose roles are read too (two queries).
    """
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [digest, True])
        row = cursor.fetchone()
        if row is None:
            return None
        split = len(ApiToken._meta.concrete_fields)
        token = _instance(ApiToken, row[:split])
        user = _instance(User, row[split:])
        cursor.execute(
            f"SELECT {connection.ops.quote_name('role')} FROM "  # noqa: S608
            f"{connection.ops.quote_name(RoleAssignment._meta.db_table)} "
            f"WHERE {connection.ops.quote_name('user_id')} = %s",
            [user.pk],
        )
        # User.roles is a cached property: filled here, not queried again.
        user.__dict__["roles"] = frozenset(role for (role,) in cursor.fetchall())
    token.user = user
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """Return the live token matching ``raw``, recording its use, or None.

    Live: not revoked, not expired, and its user active. The user comes
    with its roles read.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = _live_token(_digest(raw))
    if token is None:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    # One write a minute at most: reads through the API stay reads.
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke ``token``; it can never be used again."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
