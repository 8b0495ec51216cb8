from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of SPEC §1. A user may hold several."""

    DIRECTOR = "director", _("Director")
    PARTNER = "partner", _("Partner")
    LAWYER = "lawyer", _("Lawyer")
    ASSISTANT = "assistant", _("Assistant")
    ARCHIVIST = "archivist", _("Archivist")
    CLIENT_SERVICE = "client_service", _("Client-service specialist")
    EXTERNAL = "external", _("External person")


class Seniority(models.TextChoices):
    """A lawyer's seniority (SPEC §1): decides which tier they may serve."""

    SENIOR = "senior", _("Senior lawyer")
    STAFF = "staff", _("Staff lawyer")


#: Roles that must sign in with a second factor (TOTP).
TWO_FACTOR_ROLES = frozenset({Role.DIRECTOR, Role.PARTNER, Role.ARCHIVIST})


class Department(models.Model):
    """A department of the firm (e.g. 诉讼部, 非诉部, 行政部)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("department")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who uses Lexkeep, with one or more roles (SPEC §1)."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    seniority = models.CharField(
        _("seniority"), max_length=16, choices=Seniority.choices, blank=True
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervising lawyer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisees",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("user")
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
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignment")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API token")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
