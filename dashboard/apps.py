import datetime

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The therapist's own pages: profile, photo, techniques, locations,
    credentials, publishing and review invitations, composed from the apps
    that own each of them."""

    name = "dashboard"

    def ready(self):
        from core import schedule
        from dashboard import tasks

        schedule.daily(
            "remind_stale_details", tasks.remind_stale_details, at=datetime.time(6, 20)
        )
