"""Queue the scheduled jobs when they are due (core.schedule).

    python manage.py scheduler          # wakes every 30 seconds until stopped
    python manage.py scheduler --once   # queue what is due and exit (cron, tests)

Several may run at once (one per machine, say): each slot of a job is still
queued once. The task worker (`manage.py db_worker`) runs what this queues.
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from core import schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Queue each scheduled job when it is due; with --once, once and exit."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Queue what is due now, then exit."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between two looks at the clock (default 30).",
        )

    def handle(self, *args, once=False, interval=30.0, **options):
        if once:
            self.report(schedule.enqueue_due())
            return
        stop = threading.Event()
        # SIGTERM (`make run`'s trap, a process manager) ends it between passes.
        previous = {
            signum: signal.signal(signum, lambda *_: stop.set())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        logger.info(
            "Scheduler started: %s",
            ", ".join(job.name for job in schedule.jobs() if job.at or job.every),
        )
        try:
            while not stop.is_set():
                # A database restarting must not end the scheduler: the next
                # pass tries again on a fresh connection.
                close_old_connections()
                try:
                    self.report(schedule.enqueue_due())
                except DatabaseError:
                    logger.exception("The scheduler could not reach the database")
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        logger.info("Scheduler stopped")

    def report(self, runs) -> None:
        for run in runs:
            slot = timezone.localtime(run.slot).isoformat(timespec="minutes")
            self.stdout.write(f"Queued {run.job} for {slot}.")
