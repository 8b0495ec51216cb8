from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, departments, API tokens and the permission rule set."""

    name = "lexkeep.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")
