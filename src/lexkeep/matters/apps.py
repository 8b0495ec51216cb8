from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _repair_search_index(using: str = "default", **kwargs: Any) -> None:
    """Recreate search triggers a table rebuild may have dropped (issue 3 §8)."""
    from lexkeep.clients.search import ensure_search_index

    ensure_search_index(connections[using])


class MattersConfig(AppConfig):
    """Matters, their parties, hearings and fees; conflict checks."""

    name = "lexkeep.matters"
    label = "matters"
    verbose_name = _("Matters")

    def ready(self) -> None:
        """Keep the search index intact after every ``migrate``."""
        post_migrate.connect(
            _repair_search_index, sender=self, dispatch_uid="lexkeep.search_index"
        )
