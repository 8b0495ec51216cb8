"""API schemas for accounts."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class TokenRequest(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=4096)
    otp: str | None = Field(
        None,
        description="6-digit TOTP code; required for director, partner, archivist.",
        max_length=12,
    )
    name: str = Field("", max_length=100, description="A label for the token.")


class TokenOut(Schema):
    token: str
    id: int
    expires_at: datetime | None = None


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class DepartmentOut(Schema):
    id: int
    name: str


class UserRef(Schema):
    id: int
    username: str
    full_name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    roles: list[str]
    seniority: str
    department: DepartmentOut | None
    supervisor: UserRef | None
    requires_two_factor: bool


class Message(Schema):
    detail: str


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[str]
    seniority: str
    department: str | None
    supervisor: int | None

    @staticmethod
    def resolve_roles(obj: object) -> list[str]:
        return sorted(obj.roles)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_department(obj: object) -> str | None:
        department = obj.department  # type: ignore[attr-defined]
        return department.name if department else None

    @staticmethod
    def resolve_supervisor(obj: object) -> int | None:
        return obj.supervisor_id  # type: ignore[attr-defined,no-any-return]
