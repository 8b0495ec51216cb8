from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    """Matters, their parties, hearings and fees; conflict checks."""

    name = "lexkeep.matters"
    label = "matters"
    verbose_name = _("Matters")
