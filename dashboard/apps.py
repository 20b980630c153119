from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The therapist's own pages: profile, photo, techniques, locations,
    credentials, publishing and review invitations, composed from the apps
    that own each of them."""

    name = "dashboard"
