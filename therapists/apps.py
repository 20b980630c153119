from django.apps import AppConfig


class TherapistsConfig(AppConfig):
    name = "therapists"

    def ready(self):
        from core import schedule
        from therapists import tasks

        schedule.manual("rerank", tasks.rerank)
