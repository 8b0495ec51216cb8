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
        FIELD = "field", _("字段加密")
        BLIND_INDEX = "blind_index", _("盲索引")
        FILE = "file", _("文件加密")

    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    scope = models.CharField(_("范围"), max_length=64, blank=True, db_index=True)
    wrapped_key = models.BinaryField(_("封装密钥"))
    master_key_id = models.CharField(_("主密钥编号"), max_length=32, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("重新封装时间"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据密钥")
        verbose_name_plural = _("数据密钥")

    def __str__(self) -> str:
        return f"DataKey {self.pk} ({self.purpose}{':' + self.scope if self.scope else ''})"
