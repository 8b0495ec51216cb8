from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Base templates, static assets, navigation and role home pages."""

    name = "lexkeep.web"
    label = "web"
    verbose_name = _("Web interface")
