"""Contacts (SPEC §4), service duties per tier (SPEC §2.2) and reminders."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lexkeep.clients.choices import Tier
from lexkeep.service.choices import (
    Cadence,
    ContactChannel,
    Direction,
    DocumentFormat,
    DocumentKind,
    DutyCondition,
    DutyEvent,
    DutyKind,
    DutyScope,
    DutyStatus,
    Purpose,
)


class ServicePolicy(models.Model):
    """Tunable numbers of the service engine; one row, the director may edit.

    ``reminder_days_before``: a reminder goes out when an open duty is due
    within this many days (default 2; product decision).
    ``event_lookback_days``: event duties (filing, hearing, judgment) are
    derived for events at most this many days in the past, so a sweep that
    did not run for a while still catches them, while matters that predate
    the system do not flood the lists (default 30; product decision).
    ``dashboard_window_days``: "done on time" on the dashboards counts duties
    due in this many past days (default 90; product decision).
    ``firm_name``: printed at the head of the generated documents.
    """

    firm_name = models.CharField(
        _("firm name on documents"), max_length=100, blank=True
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("remind this many days before a duty falls due"), default=2
    )
    event_lookback_days = models.PositiveSmallIntegerField(
        _("derive event duties for events this many days back"), default=30
    )
    dashboard_window_days = models.PositiveSmallIntegerField(
        _("dashboard window (days)"), default=90
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    #: When the last sweep started (``services.sweep.changes``).
    swept_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: The firm's day the last sweep checked duties for.
    swept_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("service policy")
        verbose_name_plural = _("service policy")

    def __str__(self) -> str:
        return f"{self.reminder_days_before}/{self.event_lookback_days}"


class DutyRule(models.Model):
    """One service duty the standard asks for, as data (SPEC §2.2, §4).

    Seeded with the standard's values by a data migration; the director may
    change cadence, channels and offsets, or switch a rule off. ``tier``
    blank means every tier (periodic firm news). The exact meaning of each
    cadence and boundary is stated in :mod:`lexkeep.service.periods`.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    kind = models.CharField(_("duty"), max_length=32, choices=DutyKind.choices)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices)
    interval_days = models.PositiveSmallIntegerField(
        _("every N days"), null=True, blank=True
    )
    event = models.CharField(
        _("event"), max_length=16, choices=DutyEvent.choices, blank=True
    )
    offset_days = models.SmallIntegerField(
        _("due this many days after the event (negative: before)"), default=0
    )
    window_days = models.PositiveSmallIntegerField(
        _("window before the due date (days; 0 = from the engagement start)"),
        default=0,
    )
    scope = models.CharField(
        _("scope"), max_length=16, choices=DutyScope.choices, default=DutyScope.CLIENT
    )
    condition = models.CharField(
        _("applies"),
        max_length=16,
        choices=DutyCondition.choices,
        default=DutyCondition.ALWAYS,
    )
    channels = models.JSONField(_("channels that satisfy it"), default=list)
    purpose_required = models.BooleanField(
        _("the contact must be logged with this purpose"), default=False
    )
    document = models.CharField(
        _("document"),
        max_length=16,
        choices=DocumentKind.choices,
        blank=True,
        default=DocumentKind.NONE,
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("duty rule")
        verbose_name_plural = _("duty rules")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.cadence == Cadence.EVERY_N_DAYS and not self.interval_days:
            errors["interval_days"] = [gettext("Give the number of days.")]
        if self.cadence == Cadence.EVENT and not self.event:
            errors["event"] = [gettext("Choose the event the duty follows.")]
        if self.cadence != Cadence.EVENT and self.event:
            errors["event"] = [gettext("Only event duties follow an event.")]
        if self.cadence == Cadence.EVENT and self.scope != DutyScope.MATTER:
            errors["scope"] = [gettext("Event duties are owed per matter.")]
        channels = self.channels if isinstance(self.channels, list) else None
        if not channels:
            errors["channels"] = [gettext("Choose at least one channel.")]
        elif any(c not in ContactChannel.values for c in channels):
            errors["channels"] = [gettext("Unknown channel.")]
        if self.purpose_required and self.kind not in Purpose.values:
            errors["purpose_required"] = [
                gettext("This duty has no purpose a contact could be logged with.")
            ]
        if errors:
            raise ValidationError(errors)

    @property
    def channel_labels(self) -> list[str]:
        """Return the display names of the channels that satisfy this rule."""
        return [str(ContactChannel(c).label) for c in self.channels or []]

    @property
    def required_purpose(self) -> str | None:
        """Return the purpose a satisfying contact must carry, if any."""
        return self.kind if self.purpose_required else None


class Contact(models.Model):
    """A logged communication with a client (SPEC §4).

    ``occurred_on`` is the local date (firm's zone) of ``occurred_at``: duty
    windows are counted in calendar days of the firm. ``compliant_channel``
    is False for personal WeChat or QQ, which are accepted but flagged.
    """

    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,  # the indexes below lead with the client
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,  # the indexes below lead with the matter
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=ContactChannel.choices
    )
    direction = models.CharField(
        _("direction"),
        max_length=4,
        choices=Direction.choices,
        default=Direction.OUTGOING,
    )
    purpose = models.CharField(
        _("purpose"), max_length=32, choices=Purpose.choices, default=Purpose.GENERAL
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,  # (user, occurred_on) below leads with the user
    )
    occurred_at = models.DateTimeField(_("when"))
    occurred_on = models.DateField(_("date"), editable=False)
    summary = models.TextField(_("summary"))
    compliant_channel = models.BooleanField(_("firm channel"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["client", "channel", "occurred_on"]),
            models.Index(fields=["client", "purpose", "occurred_on"]),
            models.Index(fields=["recorded_at"]),
            models.Index(fields=["occurred_on"]),
            models.Index(fields=["client", "occurred_at"]),
            models.Index(fields=["matter", "occurred_on"]),
            # The latest contact of a purpose on a matter, read from the
            # index alone (the weekly progress notice of every open matter).
            models.Index(
                fields=["matter", "purpose", "occurred_on", "channel"],
                condition=Q(matter__isnull=False),
                name="service_contact_purpose_idx",
            ),
            models.Index(fields=["user", "occurred_on"]),
            # The firm's whole log filtered by channel, purpose or direction,
            # newest first: read in order from the index and cut at the page.
            models.Index(fields=["channel", "occurred_on"]),
            # It also holds the channel and the client: which clients had a
            # contact of a duty's purpose and channels in a period (the
            # sweep's matching of a calendar rule that requires a purpose)
            # is read from it alone.
            models.Index(
                fields=["purpose", "occurred_on", "channel", "client"],
                name="service_contact_purpose_day",
            ),
            models.Index(fields=["direction", "occurred_on"]),
            # Contacts over personal WeChat or QQ, by day (the reports and
            # dashboards count them): a few in a hundred.
            models.Index(
                fields=["occurred_on"],
                condition=Q(compliant_channel=False),
                name="service_contact_flagged_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_channel_display()} · {self.occurred_on}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("service:contact_detail", args=[self.pk])


class ContactAttachment(models.Model):
    """A file attached to a contact, encrypted with the client's file key."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"))
    blob = models.CharField(max_length=200, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    data_key = models.ForeignKey(
        "core.DataKey", on_delete=models.PROTECT, related_name="+", editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Duty(models.Model):
    """A dated service duty owed to one client (or one of its matters).

    Derived by the sweep from the client's tier, its matters and the
    :class:`DutyRule` rows; ``period_key`` names the period (or event) so
    that one period never holds two live duties of a rule. A cancelled duty
    (tier changed, matter closed, event moved) is kept, not deleted.
    """

    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="service_duties",
        db_index=False,
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("matter"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_duties",
        db_index=False,
    )
    hearing = models.ForeignKey(
        "matters.Hearing",
        verbose_name=_("hearing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_duties",
        db_index=False,
    )
    rule = models.ForeignKey(
        DutyRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        related_name="duties",
        db_index=False,
    )
    period_key = models.CharField(_("period"), max_length=64)
    period_start = models.DateField(_("period start"))
    due_date = models.DateField(_("due date"))
    event_on = models.DateField(_("event date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DutyStatus.choices, default=DutyStatus.OPEN
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_duties",
        db_index=False,
    )
    satisfied_by = models.ForeignKey(
        Contact,
        verbose_name=_("satisfied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="satisfied_duties",
        db_index=False,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=32, blank=True)
    reminded_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("service duty")
        verbose_name_plural = _("service duties")
        ordering = ["due_date", "id"]
        # A duty turning overdue rewrites only the (status, due date) index
        # (the sweep stamps its reminder in the same write, so it never
        # enters the partial index of unreminded overdue duties); the
        # sweep's lookups of owed duties use a partial index on ``done_on``
        # and ``cancelled_on``, which that change leaves alone (check
        # constraints tie both dates to the status).
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["responsible", "due_date"]),
            models.Index(fields=["client", "due_date"]),
            # Owed duties of a rule, of a client under a rule, of a matter.
            models.Index(
                fields=["rule", "client", "matter"],
                condition=Q(done_on__isnull=True, cancelled_on__isnull=True),
                name="service_duty_owed_idx",
            ),
            # Overdue duties whose reminder is still to go out: usually none,
            # so the sweep does not walk every overdue duty to find them.
            # (Its columns repeat its condition so that a query planner without
            # statistics still prefers it to the (status, due date) index.)
            models.Index(
                fields=["status", "reminded_overdue_at", "due_date"],
                condition=Q(status="overdue", reminded_overdue_at__isnull=True),
                name="service_duty_unreminded_idx",
            ),
            models.Index(
                fields=["matter", "rule"],
                condition=Q(matter__isnull=False),
                name="service_duty_matter_rule_idx",
            ),
            # Only duties with a hearing or a contact: most have neither.
            models.Index(
                fields=["hearing"],
                condition=Q(hearing__isnull=False),
                name="service_duty_hearing_idx",
            ),
            models.Index(
                fields=["satisfied_by"],
                condition=Q(satisfied_by__isnull=False),
                name="service_duty_satisfied_idx",
            ),
        ]
        constraints = [
            # Keyed on ``cancelled_on`` rather than the status, so a duty
            # turning overdue does not rewrite this index. The rule leads:
            # whether a rule has any live duty is one lookup, and each
            # rule's duties, written in client order, are appended together.
            models.UniqueConstraint(
                fields=["rule", "client", "period_key"],
                condition=Q(cancelled_on__isnull=True),
                name="unique_live_duty_per_period",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_on__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_on__isnull=True)),
                name="duty_cancelled_on_iff_cancelled",
            ),
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="duty_done_on_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.rule.get_kind_display()} · {self.due_date}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("service:duty_detail", args=[self.pk])

    @property
    def done_on_time(self) -> bool:
        return (
            self.status == DutyStatus.DONE
            and self.done_on is not None
            and self.done_on <= self.due_date
        )


class DutyDocument(models.Model):
    """A document a duty needs, generated and stored encrypted with it.

    The quarterly client service report of a key client and the monthly fee
    statement of an ordinary client (SPEC §2.2), each as PDF and Excel.
    """

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    format = models.CharField(_("format"), max_length=8, choices=DocumentFormat.choices)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    blob = models.CharField(max_length=200, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    data_key = models.ForeignKey(
        "core.DataKey", on_delete=models.PROTECT, related_name="+", editable=False
    )
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)

    class Meta:
        verbose_name = _("duty document")
        verbose_name_plural = _("duty documents")
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app message to one user (reminders of service duties)."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Duty due soon")
        OVERDUE = "overdue", _("Duty overdue")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="service_notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text[:60]
