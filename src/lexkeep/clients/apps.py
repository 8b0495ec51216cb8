from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    """Clients: classification, tiers, teams, consent, updates, conflict check."""

    name = "lexkeep.clients"
    label = "clients"
    verbose_name = _("Clients")
