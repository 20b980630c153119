"""Reports that a profile's information is wrong, from anyone, and what staff
did about each (an insert-only log, like verification's CredentialEvent)."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.queues import QueueQuerySet
from core.records import InsertOnly, InsertOnlyQuerySet

DETAIL_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 1000


class ReportQuerySet(QueueQuerySet):
    def open(self) -> Self:
        """Reports no one has decided on yet."""
        return self.filter(closed_at__isnull=True)

    def closed(self) -> Self:
        """Reports with an outcome."""
        return self.filter(closed_at__isnull=False)

    def about(self, reason: str) -> Self:
        """Reports giving one reason."""
        return self.filter(reason=reason)

    def for_queue(self) -> Self:
        """What one row of the staff queue shows, in one query."""
        return self.select_related("therapist")


class Report(models.Model):
    class Reason(models.TextChoices):
        NOT_ACCEPTING = "not_accepting", "They are not taking new clients"
        PRICE = "price", "The price is wrong"
        CONTACT = "contact", "The address or contact details are wrong"
        CREDENTIALS = "credentials", "A licence or certification is wrong"
        CLOSED = "closed", "They have closed or moved away"
        OTHER = "other", "Something else"

    class Outcome(models.TextChoices):
        FIXED = "fixed", "Fixed by staff"
        ASKED = "asked", "Therapist asked to fix it"
        NO_CHANGE = "no_change", "No change needed"
        SPAM = "spam", "Spam"

    therapist = models.ForeignKey(
        "therapists.Therapist",
        on_delete=models.CASCADE,
        related_name="correction_reports",
    )
    reason = models.CharField(max_length=20, choices=Reason)
    detail = models.TextField(max_length=DETAIL_MAX_LENGTH, blank=True)
    # Only if the person wants to hear back; never shown to the therapist.
    email = models.EmailField("email for follow-up", blank=True)
    # The latest outcome (the log has every one); empty while open.
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("review_report", "Can review reports of incorrect information")]
        indexes = [
            models.Index(fields=["closed_at", "created_at"], name="report_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason="other", detail=""),
                name="report_other_has_detail",
                violation_error_message="Say what is wrong.",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", closed_at__isnull=True)
                | (~Q(outcome="") & Q(closed_at__isnull=False)),
                name="report_closed_with_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} · {self.therapist}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ReportEventQuerySet(InsertOnlyQuerySet):
    def for_report(self, report) -> Self:
        """The history of one report, oldest first."""
        return self.filter(report_id=report.pk).order_by("created_at", "id")


class ReportEvent(InsertOnly):
    """One outcome staff recorded on a report: who, when, what and why.

    Rows are only ever inserted. The report is referenced without a database
    constraint so that the log outlives a report deleted with its therapist.
    """

    report = models.ForeignKey(
        Report,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
    )
    # Always recorded; null only so that the row (read with a LEFT JOIN)
    # outlives a deleted staff account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    outcome = models.CharField(max_length=20, choices=Report.Outcome)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["report", "created_at"], name="report_history_idx")
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} · report {self.report_id}"
