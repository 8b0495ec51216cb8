"""The client register (SPEC §2) and consent records (SPEC §6)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lexkeep.clients.choices import (
    Channel,
    ClientType,
    Domain,
    EnterpriseKind,
    Gender,
    ServiceFocus,
    SubDomain,
    Tier,
)
from lexkeep.core.fields import BlindIndexField, EncryptedTextField


class TierPolicy(models.Model):
    """Fee thresholds that decide a client's tier (SPEC §2.1, product decision).

    One row for the firm; the director may change the thresholds. Defaults:
    strategic ≥ ¥1,000,000 and key ≥ ¥200,000 received in the last 12 months.
    """

    strategic_threshold = models.DecimalField(
        _("strategic threshold (yuan, last 12 months)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("1000000.00"),
    )
    key_threshold = models.DecimalField(
        _("key threshold (yuan, last 12 months)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("200000.00"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tier policy")
        verbose_name_plural = _("tier policy")

    def __str__(self) -> str:
        return f"≥{self.strategic_threshold} / ≥{self.key_threshold}"


class Client(models.Model):
    """One record per client, seen the same by every authorised user (SPEC §2.4)."""

    name = models.CharField(_("name"), max_length=200)
    name_normalized = models.CharField(
        _("normalised name"), max_length=200, db_index=True, editable=False
    )
    client_type = models.CharField(
        _("client type"), max_length=16, choices=ClientType.choices
    )
    enterprise_kind = models.CharField(
        _("enterprise kind"), max_length=16, choices=EnterpriseKind.choices, blank=True
    )
    tier = models.CharField(
        _("tier"), max_length=16, choices=Tier.choices, default=Tier.ORDINARY
    )
    tier_overridden = models.BooleanField(_("tier set by a partner"), default=False)
    tier_override_reason = models.TextField(_("reason for the tier"), blank=True)
    # Individual (SPEC §2.3). The ID number is sensitive: encrypted at rest,
    # with a keyed hash for exact-match lookups and conflict checks.
    gender = models.CharField(
        _("gender"), max_length=8, choices=Gender.choices, blank=True
    )
    id_number = EncryptedTextField(_("resident ID number"), blank=True)
    id_number_index = BlindIndexField(source="id_number")
    bank_account = EncryptedTextField(_("bank account"), blank=True)
    bank_account_index = BlindIndexField(source="bank_account")
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Enterprise and government (SPEC §2.3).
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )
    legal_representative = models.CharField(
        _("legal representative"), max_length=100, blank=True
    )
    registered_address = models.CharField(
        _("registered address"), max_length=300, blank=True
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Preferences (SPEC §2.3).
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=16, choices=Channel.choices, blank=True
    )
    service_focus = models.CharField(
        _("service focus"), max_length=16, choices=ServiceFocus.choices, blank=True
    )
    news_opt_out = models.BooleanField(_("no firm news"), default=False)
    # Service team (SPEC §2.2).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_clients",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dedicated team"),
        blank=True,
        related_name="client_teams",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["name_normalized", "id_number_index", "bank_account_index"],
        related_name="history_entries",
    )

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["tier", "name"]),
            # The filtered client list: type and tier, in name order.
            models.Index(
                fields=["tier", "client_type", "name", "id"],
                name="client_list_tier_type",
            ),
            models.Index(fields=["client_type", "name"]),
            models.Index(fields=["owner", "name"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="unique_client_id_number",
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="unique_client_credit_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("clients:detail", args=[self.pk])

    @property
    def is_individual(self) -> bool:
        return self.client_type == ClientType.INDIVIDUAL


class ClientDomain(models.Model):
    """A business domain (and sub-domain) a client uses the firm for (SPEC §2.1)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    sub_domain = models.CharField(
        _("sub-domain"), max_length=16, choices=SubDomain.choices, blank=True
    )

    class Meta:
        verbose_name = _("client domain")
        verbose_name_plural = _("client domains")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "domain", "sub_domain"], name="unique_client_domain"
            )
        ]
        indexes = [models.Index(fields=["domain", "client"])]

    def __str__(self) -> str:
        return f"{self.domain}/{self.sub_domain}" if self.sub_domain else self.domain


class TierChange(models.Model):
    """Who changed a client's tier, when and why (SPEC §2.1)."""

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed from fees")
        OVERRIDE = "override", _("Set by a partner")
        INITIAL = "initial", _("Initial")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="tier_changes"
    )
    old_tier = models.CharField(
        _("old tier"), max_length=16, choices=Tier.choices, blank=True
    )
    new_tier = models.CharField(_("new tier"), max_length=16, choices=Tier.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    reason = models.TextField(_("reason"), blank=True)
    fees_last_12_months = models.DecimalField(
        _("fees received in the last 12 months"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client}: {self.old_tier} → {self.new_tier}"


class Consent(models.Model):
    """What a client was told and agreed to (SPEC §6, PIPL Art. 28–29).

    ``sensitive`` consent is the separate written consent needed before any
    sensitive personal information (ID number, bank account) is stored.
    """

    class Kind(models.TextChoices):
        GENERAL = "general", _("General consent")
        SENSITIVE = "sensitive", _("Separate consent for sensitive information")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    purpose = models.TextField(_("purpose"))
    scope = models.TextField(_("scope"))
    use = models.TextField(_("use"))
    signed_on = models.DateField(_("signed on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_note = models.TextField(_("withdrawal note"), blank=True)
    document_name = models.CharField(
        _("document file name"), max_length=200, blank=True
    )
    document_blob = models.CharField(max_length=200, blank=True, editable=False)
    document_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    document_key = models.ForeignKey(
        "core.DataKey",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["client", "kind", "withdrawn_on"])]

    def __str__(self) -> str:
        return f"{self.client} — {self.get_kind_display()} ({self.signed_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class ClientReview(models.Model):
    """The quarterly confirmation of a client's information (SPEC §2.4)."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        VISIT = "visit", _("Visit")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reviews")
    quarter = models.CharField(_("quarter"), max_length=7)  # e.g. 2026Q4
    reviewed_on = models.DateField(_("reviewed on"))
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        ordering = ["-reviewed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "quarter"], name="unique_client_quarter_review"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.quarter}"


class ClientUpdate(models.Model):
    """A major change recorded by the handling lawyer (SPEC §2.4).

    It must be recorded within 2 working days of the day it happened;
    ``late`` says it was not.
    """

    class Kind(models.TextChoices):
        CONTACT_DETAILS = "contact_details", _("Contact details")
        LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
        ENGAGED_MATTER = "engaged_matter", _("Change to the engaged matter")
        OTHER = "other", _("Other major change")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="updates")
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_updates",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    description = models.TextField(_("description"))
    occurred_on = models.DateField(_("happened on"))
    due_on = models.DateField(_("record by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    late = models.BooleanField(_("recorded late"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("major change")
        verbose_name_plural = _("major changes")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.client}: {self.get_kind_display()} ({self.occurred_on})"
