from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Feedback and complaints with their SLA clock (SPEC §5)."""

    name = "lexkeep.feedback"
    label = "feedback"
    verbose_name = _("Feedback and complaints")
