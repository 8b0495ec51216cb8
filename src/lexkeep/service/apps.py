from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    """Service by tier: contacts, duties, compliance (SPEC §2.2, §4)."""

    name = "lexkeep.service"
    label = "service"
    verbose_name = _("Client service")
