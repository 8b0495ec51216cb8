from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    """Archive volumes from collection to filing (SPEC §7.1–§7.3)."""

    name = "lexkeep.archives"
    label = "archives"
    verbose_name = _("Archives")
