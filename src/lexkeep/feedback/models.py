"""Feedback and complaints, their history, SLA escalations and the ledger (SPEC §5).

A :class:`Feedback` row is one case: received through the public form or
entered by staff, owned by a client-service specialist, moved through the
transition map in :mod:`lexkeep.feedback.lifecycle`, with every step kept
as a :class:`FeedbackEvent`. Deadlines are stored on the case when it is
received (and moved by an extension) so that the sweep and the lists can
compare them in SQL.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lexkeep.core.fields import EncryptedTextField


class FeedbackPolicy(models.Model):
    """The firm's feedback SLA numbers, with the standard's values as defaults.

    One row for the firm. SPEC §5: contact the client within 24 hours of
    receipt; reply with a solution within 3 working days. The extension
    bound is a product decision: one case may be extended by at most 5
    working days in total.
    """

    contact_within_hours = models.PositiveSmallIntegerField(
        _("contact the client within (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    reply_within_working_days = models.PositiveSmallIntegerField(
        _("reply with a solution within (working days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    max_extension_working_days = models.PositiveSmallIntegerField(
        _("longest total extension (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("feedback policy")
        verbose_name_plural = _("feedback policy")

    def __str__(self) -> str:
        return (
            f"{self.contact_within_hours}h / {self.reply_within_working_days}wd"
            f" (+{self.max_extension_working_days}wd)"
        )


class Category(models.TextChoices):
    """What a complaint is about (issue 4 §5); the quarterly summary counts them."""

    SLOW_COMMUNICATION = "slow_communication", _("Communication too slow")
    FEES_UNCLEAR = "fees_unclear", _("Fees unclear")
    QUALITY = "quality", _("Quality of work")
    ATTITUDE = "attitude", _("Attitude")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    """How a case reached the firm (SPEC §5 "Channels")."""

    WEB = "web", _("Web feedback form")
    PHONE = "phone", _("Complaint phone")
    EMAIL = "email", _("Complaint email")
    IN_PERSON = "in_person", _("In person")


class Status(models.TextChoices):
    """The states of a case; the moves between them are in ``lifecycle``."""

    RECEIVED = "received", _("Received")
    CONTACTED = "contacted", _("Client contacted")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


#: States in which a case is still being worked on.
OPEN_STATUSES = (Status.RECEIVED, Status.CONTACTED, Status.SOLUTION_PROPOSED)


class Dismissal(models.TextChoices):
    """Why a case was closed without a resolution: it was no case to work on."""

    DUPLICATE = "duplicate", _("Duplicate of another case")
    NOT_FEEDBACK = "not_feedback", _("Not feedback (spam, sent to the wrong place)")


class Feedback(models.Model):
    """One piece of feedback or complaint: a case with an owner and two clocks."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    name = models.CharField(_("name"), max_length=100)
    #: Phone number or email address: personal data, encrypted at rest and
    #: shown only to client service, the director and the owner (SPEC §6).
    contact = EncryptedTextField(_("contact"))
    content = models.TextField(_("content"))
    expected_resolution = models.DateField(
        _("expected resolution"), null=True, blank=True
    )
    category = models.CharField(
        _("category"),
        max_length=32,
        choices=Category.choices,
        default=Category.OTHER,
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_owned",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.RECEIVED,
        db_index=True,
    )
    contact_due = models.DateTimeField(_("contact due"))
    reply_due = models.DateTimeField(_("reply due"))
    extended_working_days = models.PositiveSmallIntegerField(
        _("extended by (working days)"), default=0
    )
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("solution replied at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    handling = models.TextField(_("handling"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    #: Set when the case is closed without a resolution (``dismiss``): it is
    #: kept in the ledger and left out of the quarterly summary.
    dismissed_as = models.CharField(
        _("closed without resolution as"),
        max_length=16,
        choices=Dismissal.choices,
        blank=True,
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("client satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction_recorded_at = models.DateTimeField(
        _("satisfaction recorded at"), null=True, blank=True
    )
    #: Stamped once by the sweep when the 24-hour contact clock is missed.
    contact_breached_at = models.DateTimeField(
        _("contact breach flagged at"), null=True, blank=True
    )
    #: Stamped once by the sweep when the reply clock is missed.
    reply_breached_at = models.DateTimeField(
        _("reply breach flagged at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "contact_due"]),
            models.Index(fields=["status", "reply_due"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["category", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="feedback_satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("feedback:detail", args=[self.pk])


class FeedbackEvent(models.Model):
    """One step in a case's history: who, when, which action, from → to, note."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"


class FeedbackExtension(models.Model):
    """An extension of the reply deadline, with its reason and how the client knew.

    SPEC §5: "an extension needs a reason that is told to the client".
    """

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="extensions"
    )
    working_days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    client_informed_at = models.DateTimeField(_("client informed at"))
    client_informed_via = models.CharField(
        _("client informed via"), max_length=16, choices=Channel.choices
    )
    previous_reply_due = models.DateTimeField(_("reply due before"))
    new_reply_due = models.DateTimeField(_("reply due after"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"))

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["granted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id} +{self.working_days}"


class Escalation(models.Model):
    """A missed SLA clock, escalated to the director once per case and clock."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Not contacted in time")
        REPLY = "reply", _("No solution in time")

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="escalations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    due = models.DateTimeField(_("was due"))
    created_at = models.DateTimeField(_("escalated at"))
    notified = models.PositiveSmallIntegerField(_("directors notified"), default=0)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "kind"], name="feedback_escalation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.kind}"


class ReferenceCounter(models.Model):
    """The last reference number issued in a year (``FK-<year>-<number>``)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ImprovementMeasure(models.Model):
    """An improvement taken for a common problem in a quarter (SPEC §5, §8)."""

    quarter = models.CharField(_("quarter"), max_length=6, db_index=True)  # 2026Q4
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    measure = models.TextField(_("measure"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("improvement measure")
        verbose_name_plural = _("improvement measures")
        ordering = ["quarter", "category", "pk"]

    def __str__(self) -> str:
        return f"{self.quarter} {self.category}"
