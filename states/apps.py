from django.apps import AppConfig


class StatesConfig(AppConfig):
    """The state pages: who licenses massage therapists in each state, where to
    check a licence or complain, and what the Verified badge means there."""

    name = "states"
