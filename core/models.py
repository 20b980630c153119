"""Mail waiting to be sent by the task worker (core.notifications)."""

import datetime
import uuid

from django.db import models
from django.db.models import Q


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
