"""A test-only app showing the encrypted field and blind index pattern."""

from django.apps import AppConfig


class TestappConfig(AppConfig):
    """Models used only by the test suite."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"
