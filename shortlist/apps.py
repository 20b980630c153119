from django.apps import AppConfig


class ShortlistConfig(AppConfig):
    """The therapists a visitor or member keeps to compare, and the side-by-side
    comparison, composed from the apps that own each thing it shows."""

    name = "shortlist"
