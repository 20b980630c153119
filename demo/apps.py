from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`) for `make run`, the tests and the bench."""

    name = "demo"
