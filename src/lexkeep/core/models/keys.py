from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKey(models.Model):
    """A data-encryption key, stored only wrapped by a master key.

    Envelope encryption: values and files are encrypted with a data key
    (AES-256-GCM); the data key is encrypted ("wrapped") with the master key
    named by ``master_key_id``. Destroying a data key (``destroyed_at`` set,
    ``wrapped_key`` emptied) makes everything it encrypted unreadable,
    backups included (crypto-shredding).
    """

    class Purpose(models.TextChoices):
        FIELD = "field", _("Field encryption")
        BLIND_INDEX = "blind_index", _("Blind index")
        FILE = "file", _("File encryption")

    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    scope = models.CharField(_("scope"), max_length=64, blank=True, db_index=True)
    wrapped_key = models.BinaryField(_("wrapped key"))
    master_key_id = models.CharField(_("master key id"), max_length=32, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("re-wrapped at"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data key")

    def __str__(self) -> str:
        scope = f":{self.scope}" if self.scope else ""
        return f"DataKey {self.pk} ({self.purpose}{scope})"
