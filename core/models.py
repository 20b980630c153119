"""Mail waiting to be sent by the task worker (core.notifications)."""

import datetime
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutgoingMailQuerySet(models.QuerySet):
    def claimable(self, now: datetime.datetime, expiry: datetime.timedelta):
        """Mail no worker holds: queued, or claimed by one that died mid-send
        (its claim older than `expiry`)."""
        return self.filter(
            Q(status=OutgoingMail.Status.QUEUED)
            | Q(status=OutgoingMail.Status.SENDING, claimed_at__lt=now - expiry)
        )

    def stalled(self, now: datetime.datetime, expiry: datetime.timedelta):
        """Mail claimed by a worker that has not finished within `expiry`."""
        return self.filter(
            status=OutgoingMail.Status.SENDING, claimed_at__lt=now - expiry
        )


class OutgoingMail(models.Model):
    """One email from `notify()`: kept until sent (then its body is erased, as
    it may hold a sign-in link), or given up on for staff to see and retry."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Given up"

    # The idempotency key: the task carries only this, never the mail itself,
    # and it is the stable Message-ID, so a resend after a crash reads as the
    # same message to mail clients that merge duplicates.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to = models.EmailField()
    subject = models.TextField()
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=7, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # The exception's class only: its message may quote the mail or the server.
    last_error = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = "outgoing mail"
        verbose_name_plural = "outgoing mail"
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self):
        return f"{self.subject} to {self.to}"


class ScheduledRun(models.Model):
    """One run of a job in core.schedule: a slot of its schedule, or a start by
    staff. The unique (job, slot) row is how several schedulers agree: the one
    whose INSERT wins queues the task; the row then records how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Failed, will try again"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Given up"

    job = models.CharField(max_length=50)
    # When the run was due (the start of its slot), not when it ran.
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    # The latest try's task (each retry is a task of its own).
    task_result_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=9, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # What the job said it did, e.g. "2 credential(s) expired, 0 reminder(s) sent."
    outcome = models.CharField(max_length=200, blank=True)
    # The last failure's class and message (never its traceback or locals).
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["job", "slot"], name="scheduledrun_one_per_slot"
            )
        ]
        indexes = [models.Index(fields=["status", "finished_at"])]

    def __str__(self):
        return f"{self.job} at {timezone.localtime(self.slot):%Y-%m-%d %H:%M}"
