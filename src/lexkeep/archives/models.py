"""Archive volumes, materials, cabinets and fixity runs (SPEC §7.1–§7.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lexkeep.archives.choices import (
    ArchiveClass,
    ArchiveStatus,
    Category,
    MaterialType,
    OcrStatus,
)
from lexkeep.clients.choices import Domain, Tier


class ArchivePolicy(models.Model):
    """The firm's archive settings, with the standard's values as defaults.

    One row for the firm (created on first use); the director may tune it.
    Collection within 3 working days (SPEC §7.1); scans of at least 300 DPI
    (SPEC §7.2); retention 10 / 8 / 5 years, strategic clients permanently
    (SPEC §7.3). The archive number pattern, class codes, upload limit and
    fixity interval are product decisions.
    """

    firm_name = models.CharField(_("firm name on covers"), max_length=100, blank=True)
    number_pattern = models.CharField(
        _("archive number pattern"),
        max_length=64,
        default="{year}-{class_code}-{seq:04d}",
        help_text=_("Placeholders: {year}, {class_code}, {seq}."),
    )
    code_litigation = models.CharField(
        _("class code: litigation"), max_length=8, default="SS"
    )
    code_non_litigation = models.CharField(
        _("class code: non-litigation"), max_length=8, default="FS"
    )
    code_counsel = models.CharField(
        _("class code: perennial counsel"), max_length=8, default="GW"
    )
    collection_working_days = models.PositiveSmallIntegerField(
        _("collection deadline (working days)"), default=3
    )
    min_scan_dpi = models.PositiveSmallIntegerField(
        _("minimum scan resolution (DPI)"), default=300
    )
    max_file_mb = models.PositiveIntegerField(_("largest upload (MB)"), default=100)
    retention_litigation_years = models.PositiveSmallIntegerField(
        _("retention of litigation archives (years)"), default=10
    )
    retention_non_litigation_years = models.PositiveSmallIntegerField(
        _("retention of non-litigation archives (years)"), default=8
    )
    retention_counsel_years = models.PositiveSmallIntegerField(
        _("retention of perennial counsel archives (years)"), default=5
    )
    strategic_permanent = models.BooleanField(
        _("keep archives of strategic clients permanently"), default=True
    )
    fixity_interval_days = models.PositiveSmallIntegerField(
        _("fixity check interval (days)"), default=7
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("archive policy")
        verbose_name_plural = _("archive policy")

    def __str__(self) -> str:
        return self.number_pattern

    def class_code(self, archive_class: str) -> str:
        """Return the code of ``archive_class`` used in archive numbers."""
        return str(getattr(self, f"code_{archive_class}"))

    def retention_years(self, archive_class: str) -> int:
        """Return how many years an archive of ``archive_class`` is kept."""
        return int(getattr(self, f"retention_{archive_class}_years"))


class ArchiveSequence(models.Model):
    """The last sequence number issued per year and class; numbers never reused."""

    year = models.PositiveSmallIntegerField(_("year"))
    archive_class = models.CharField(
        _("archive class"), max_length=16, choices=ArchiveClass.choices
    )
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("archive number sequence")
        verbose_name_plural = _("archive number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "archive_class"], name="unique_archive_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}/{self.archive_class}: {self.last}"


class RequiredMaterial(models.Model):
    """One item of the required-materials checklist of a domain (SPEC §7.1).

    An item is satisfied by any material of one of its ``material_types``.
    The director may adjust the list per business domain; an item taken off
    the list is kept inactive (reasons given for it on submitted volumes
    still name it) and may be put back.
    """

    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=100)
    material_types = models.JSONField(_("satisfied by material types"), default=list)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        ordering = ["domain", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "key"], name="unique_required_material"
            )
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.label}"


class Cabinet(models.Model):
    """A physical archive cabinet (SPEC §7.2): one class, labelled by tier."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    archive_class = models.CharField(
        _("archive class"), max_length=16, choices=ArchiveClass.choices
    )
    tier = models.CharField(_("tier label"), max_length=16, choices=Tier.choices)
    room = models.CharField(_("room or location"), max_length=100)
    shelves = models.PositiveSmallIntegerField(_("shelves"), default=5)
    boxes_per_shelf = models.PositiveSmallIntegerField(_("boxes per shelf"), default=10)
    capacity = models.PositiveIntegerField(_("capacity (volumes)"), default=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cabinet")
        verbose_name_plural = _("cabinets")
        ordering = ["archive_class", "tier", "code"]

    def __str__(self) -> str:
        return self.code


class Archive(models.Model):
    """An archive volume (案卷) of one matter (SPEC §7.1–§7.3)."""

    archive_number = models.CharField(_("archive number"), max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    archive_class = models.CharField(
        _("archive class"), max_length=16, choices=ArchiveClass.choices
    )
    matter = models.OneToOneField(
        "matters.Matter",
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        related_name="archive",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="archives",
    )
    client_tier = models.CharField(
        _("client tier"), max_length=16, choices=Tier.choices
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ArchiveStatus.choices,
        default=ArchiveStatus.COLLECTING,
    )
    handling_lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handling lawyer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_date = models.DateField(_("business end date"))
    collection_due = models.DateField(_("collection due"))
    collection_late = models.BooleanField(_("collected late"), default=False)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    retention_from = models.DateField(
        _("retention counted from"), null=True, blank=True
    )
    retention_until = models.DateField(
        _("retained until"), null=True, blank=True, help_text=_("Empty: permanently.")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    missing_reasons = models.JSONField(
        _("reasons for missing required materials"), default=dict, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_checklist = models.JSONField(_("review checklist"), default=dict, blank=True)
    return_reasons = models.TextField(_("reasons for return"), blank=True)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archivist"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cabinet = models.ForeignKey(
        Cabinet,
        verbose_name=_("cabinet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archives",
    )
    shelf = models.PositiveSmallIntegerField(_("shelf"), null=True, blank=True)
    box = models.PositiveSmallIntegerField(_("box"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive")
        verbose_name_plural = _("archives")
        ordering = ["-year", "-id"]
        indexes = [
            models.Index(fields=["status", "archive_class", "-id"]),
            models.Index(fields=["archive_class", "year", "status", "-id"]),
            models.Index(fields=["client_tier", "status", "-id"]),
            models.Index(fields=["handling_lawyer", "client_tier", "-id"]),
            models.Index(fields=["cabinet", "-id"]),
            models.Index(fields=["status", "collection_due"]),
            models.Index(fields=["filed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ArchiveStatus.FILED) | Q(cabinet__isnull=False),
                name="filed_archive_has_cabinet",
            )
        ]

    def __str__(self) -> str:
        return self.archive_number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("archives:detail", args=[self.pk])

    @property
    def key_scope(self) -> str:
        """Return the scope of this volume's own data key (ARCHITECTURE)."""
        return f"archives.volume:{self.pk}"


class ArchiveEvent(models.Model):
    """One step in a volume's history: who did what, when, from which state."""

    archive = models.ForeignKey(
        Archive, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("archive event")
        verbose_name_plural = _("archive events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.archive_id} {self.action}"


class Material(models.Model):
    """One item of a volume (SPEC §7.1), optionally with an encrypted scan."""

    archive = models.ForeignKey(
        Archive, on_delete=models.PROTECT, related_name="materials"
    )
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    material_type = models.CharField(
        _("type"), max_length=32, choices=MaterialType.choices
    )
    title = models.CharField(_("title"), max_length=200)
    material_date = models.DateField(_("date"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"))
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position in category"), default=0)
    added_after_filing = models.BooleanField(_("added after filing"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    # The electronic copy (empty when the material is on paper only).
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    blob_name = models.CharField(max_length=120, blank=True, db_index=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    file_pages = models.PositiveIntegerField(
        _("pages in the file"), null=True, blank=True
    )
    min_dpi = models.PositiveIntegerField(
        _("lowest resolution (DPI)"), null=True, blank=True
    )
    data_key = models.ForeignKey(
        "core.DataKey",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ocr_status = models.CharField(
        _("text extraction"),
        max_length=16,
        choices=OcrStatus.choices,
        default=OcrStatus.NONE,
    )
    ocr_text = models.BinaryField(null=True, blank=True, editable=False)
    ocr_index = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["archive", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_file(self) -> bool:
        """Return whether an electronic copy is stored."""
        return bool(self.blob_name)


class SyncTask(models.Model):
    """A task to bring the other copy in step after filing (SPEC §7.2)."""

    class Copy(models.TextChoices):
        PHYSICAL = "physical", _("Physical copy")
        ELECTRONIC = "electronic", _("Electronic copy")

    archive = models.ForeignKey(
        Archive, on_delete=models.CASCADE, related_name="sync_tasks"
    )
    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="sync_tasks"
    )
    update_copy = models.CharField(
        _("copy to bring in step"), max_length=16, choices=Copy.choices
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("copy synchronisation task")
        verbose_name_plural = _("copy synchronisation tasks")
        ordering = ["done_at", "-created_at"]

    def __str__(self) -> str:
        return f"{self.archive_id}: {self.update_copy}"


class FixityRun(models.Model):
    """One re-hash of every stored archive file and what it found (SPEC §7.3)."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True)
    trigger = models.CharField(_("started by"), max_length=16, default="schedule")
    checked = models.PositiveIntegerField(_("files checked"), default=0)
    checked_bytes = models.PositiveBigIntegerField(_("bytes checked"), default=0)
    missing = models.JSONField(_("missing"), default=list)
    altered = models.JSONField(_("altered"), default=list)
    orphaned = models.JSONField(_("orphaned"), default=list)
    ok = models.BooleanField(_("intact"), default=True)

    class Meta:
        verbose_name = _("fixity run")
        verbose_name_plural = _("fixity runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ok={self.ok}"


class ArchiveAlert(models.Model):
    """An in-app notice to a user: late collection, fixity failure, sync task."""

    class Kind(models.TextChoices):
        COLLECTION_DUE = "collection_due", _("Collection deadline")
        COLLECTION_LATE = "collection_late", _("Collection late")
        FIXITY_FAILED = "fixity_failed", _("Fixity check failed")
        RETURNED = "returned", _("Volume returned for correction")
        SYNC = "sync", _("Copies to bring in step")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    archive = models.ForeignKey(
        Archive, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive alert")
        verbose_name_plural = _("archive alerts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"
