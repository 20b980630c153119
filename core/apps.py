import datetime
import logging

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing every app may import: mail that must not fail, files
    deleted after commit, private storage, and the shared cache's table."""

    name = "core"
    verbose_name = "Shared plumbing"

    def ready(self):
        # Python's warnings (e.g. WhiteNoise's about a missing STATIC_ROOT) go
        # through logging too, so stderr holds only the JSON lines of LOGGING.
        logging.captureWarnings(True)

        # Imported here: the check reads the task queue's models, ready only now.
        from core import health, taskqueue

        health.register_check("tasks", taskqueue.check_backlog)

        from core import schedule, tasks

        schedule.every("requeue_stalled_mail", tasks.requeue_stalled_mail, minutes=5)
        schedule.daily("prune", tasks.prune, at=datetime.time(3, 30))
