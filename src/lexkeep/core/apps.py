from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Working days, audit chain, encryption and file storage."""

    name = "lexkeep.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from lexkeep.core import signals  # noqa: F401
