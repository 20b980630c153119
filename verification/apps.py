import datetime

from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"

    def ready(self):
        from core import schedule
        from verification import tasks

        schedule.daily(
            "expire_credentials", tasks.expire_credentials, at=datetime.time(6, 15)
        )
