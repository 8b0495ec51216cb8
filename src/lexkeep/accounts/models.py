from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of SPEC §1. A user may hold several."""

    DIRECTOR = "director", _("主任")
    PARTNER = "partner", _("合伙人")
    LAWYER = "lawyer", _("律师")
    ASSISTANT = "assistant", _("助理")
    ARCHIVIST = "archivist", _("档案管理员")
    CLIENT_SERVICE = "client_service", _("客户服务专员")
    EXTERNAL = "external", _("外部人员")


class Seniority(models.TextChoices):
    """A lawyer's seniority (SPEC §1): decides which tier they may serve."""

    SENIOR = "senior", _("资深律师")
    STAFF = "staff", _("专职律师")


#: Roles that must sign in with a second factor (TOTP).
TWO_FACTOR_ROLES = frozenset({Role.DIRECTOR, Role.PARTNER, Role.ARCHIVIST})


class Department(models.Model):
    """A department of the firm (e.g. 诉讼部, 非诉部, 行政部)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who uses Lexkeep, with one or more roles (SPEC §1)."""

    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    seniority = models.CharField(
        _("律师级别"), max_length=16, choices=Seniority.choices, blank=True
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("主管律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisees",
    )
    phone = models.CharField(_("电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """Return the codes of the roles this user holds."""
        if not self.pk:
            return frozenset()
        return frozenset(r.role for r in self.role_assignments.all())

    def has_role(self, *roles: str) -> bool:
        """Return True if the user holds any of ``roles``."""
        return bool(self.roles.intersection(roles))

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def requires_two_factor(self) -> bool:
        """Director, partner and archivist sign in with TOTP (foundation)."""
        return self.has_role(*TWO_FACTOR_ROLES)


class RoleAssignment(models.Model):
    """That ``user`` holds ``role``."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
