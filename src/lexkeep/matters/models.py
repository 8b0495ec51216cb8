"""Matters (SPEC §3), their parties and fees, and conflict checks (SPEC §2.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lexkeep.clients.choices import Domain, SubDomain


class ConflictCheck(models.Model):
    """A recorded conflict-of-interest search and its decision (利益冲突检索).

    A matter cannot be opened without one whose decision is ``clear`` or
    ``waived`` (with the client's informed-consent document).
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending decision")
        CLEAR = "clear", _("Clear")
        WAIVED = "waived", _("Waived with informed consent")
        DECLINED = "declined", _("Declined")

    subject_name = models.CharField(_("name searched"), max_length=200)
    subject_credit_code = models.CharField(
        _("credit code searched"), max_length=18, blank=True
    )
    subject_id_index = models.CharField(max_length=64, blank=True, editable=False)
    parties = models.JSONField(
        _("other parties searched"), default=list, blank=True
    )  # [{"name", "role", "credit_code"}]; ID numbers only as blind indexes
    hits = models.JSONField(_("hits"), default=list, blank=True)
    searched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("searched by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    searched_at = models.DateTimeField(_("searched at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"),
        max_length=16,
        choices=Decision.choices,
        default=Decision.PENDING,
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    waiver_document_name = models.CharField(max_length=200, blank=True)
    waiver_document_blob = models.CharField(max_length=200, blank=True, editable=False)
    waiver_document_key = models.ForeignKey(
        "core.DataKey",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflict_checks",
    )

    class Meta:
        verbose_name = _("conflict check")
        verbose_name_plural = _("conflict checks")
        ordering = ["-searched_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject_name} ({self.get_decision_display()})"


class Matter(models.Model):
    """A matter (委托事项/案件) of a client (SPEC §3)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    name_normalized = models.CharField(max_length=200, db_index=True, editable=False)
    case_number = models.CharField(_("case number"), max_length=64, blank=True)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="matters",
    )
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    sub_domain = models.CharField(
        _("sub-domain"), max_length=16, choices=SubDomain.choices, blank=True
    )
    handling_lawyers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handling lawyers"),
        related_name="handled_matters",
    )
    supervising_lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervising lawyer"),
        on_delete=models.PROTECT,
        related_name="supervised_matters",
    )
    assistants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assistants"),
        blank=True,
        related_name="assisted_matters",
    )
    engagement_start = models.DateField(_("engagement start"))
    engagement_end = models.DateField(_("engagement end"), null=True, blank=True)
    agreed_fee = models.DecimalField(
        _("agreed fee (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    filing_date = models.DateField(
        _("filing date"), null=True, blank=True, db_index=True
    )
    judgment_date = models.DateField(
        _("judgment date"), null=True, blank=True, db_index=True
    )
    judgment_effective_date = models.DateField(
        _("judgment effective date"), null=True, blank=True
    )
    business_end_date = models.DateField(_("business end date"), null=True, blank=True)
    counsel_end_date = models.DateField(
        _("counsel termination date"), null=True, blank=True
    )
    conflict_check = models.OneToOneField(
        ConflictCheck,
        verbose_name=_("conflict check"),
        on_delete=models.PROTECT,
        related_name="matter",
    )
    description = models.TextField(_("description"), blank=True)
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
        excluded_fields=["name_normalized"], related_name="history_entries"
    )

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["-engagement_start", "-id"]
        indexes = [
            # A client's matters by status; it also holds what the service
            # sweep reads of each open matter, so that read stays in the index.
            models.Index(
                fields=["client", "status", "engagement_start", "supervising_lawyer"],
                name="matter_client_status_idx",
            ),
            models.Index(fields=["status", "domain"]),
            # The matter list's order, alone and under the status filter.
            models.Index(fields=["-engagement_start", "-id"], name="matter_list_order"),
            models.Index(
                fields=["status", "-engagement_start", "-id"],
                name="matter_list_status_order",
            ),
            models.Index(fields=["case_number"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case_number"],
                condition=~Q(case_number=""),
                name="unique_matter_case_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("matters:detail", args=[self.pk])


class Hearing(models.Model):
    """A hearing date of a matter (开庭; SPEC §3 allows several)."""

    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="hearings"
    )
    scheduled_at = models.DateTimeField(_("scheduled at"))
    location = models.CharField(_("court or place"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["scheduled_at"]
        # The service sweep reads the hearings of the coming year by date.
        indexes = [models.Index(fields=["scheduled_at"])]

    def __str__(self) -> str:
        return f"{self.matter} @ {self.scheduled_at:%Y-%m-%d %H:%M}"


class FeeReceipt(models.Model):
    """Fees received on a matter; the last 12 months decide the tier (SPEC §2.1)."""

    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, related_name="fee_receipts"
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"), db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fee receipt")
        verbose_name_plural = _("fee receipts")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="fee_receipt_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter}: ¥{self.amount} ({self.received_on})"


class MatterParty(models.Model):
    """A counterparty or related party of a matter, searched by conflict checks.

    A party's ID number is kept only as a keyed hash (for matching): the firm
    has no consent from a counterparty to store it (PIPL Art. 6, minimum).
    """

    class Role(models.TextChoices):
        COUNTERPARTY = "counterparty", _("Counterparty")
        RELATED = "related", _("Related party")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200)
    name_normalized = models.CharField(max_length=200, db_index=True, editable=False)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )
    id_number_index = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"
