from typing import Self

from django.conf import settings
from django.db import models


class ImmutableRecord(Exception):
    """Audit records are written once and never changed or deleted."""


class CredentialEventQuerySet(models.QuerySet):
    def for_credential(self, credential) -> Self:
        """The history of one credential, newest first."""
        return self.filter(credential_id=credential.pk).order_by("-created_at", "-id")

    def update(self, **kwargs):
        raise ImmutableRecord("Credential events cannot be changed.")

    def delete(self):
        raise ImmutableRecord("Credential events cannot be deleted.")


class CredentialEvent(models.Model):
    """One decision or change in a credential's life: the audit trail.

    Rows are only ever inserted. The credential is referenced without a database
    constraint so that the trail outlives a deleted credential, and a snapshot of
    what was claimed is kept with each row.
    """

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        EDITED = "edited", "Edited by the therapist"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        ROSTER_MATCH = "roster_match", "Matched on a board roster"
        ROSTER_FLAG = "roster_flag", "Flagged by a board roster"
        REMINDED = "reminded", "Expiry reminder sent"

    credential = models.ForeignKey(
        "therapists.Credential",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for automatic changes (expiry job, roster import).",
    )
    action = models.CharField(max_length=20, choices=Action)
    method = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)
    old_values = models.JSONField(default=dict, blank=True)
    new_values = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = CredentialEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["credential", "-created_at"], name="event_history_idx")
        ]

    def __str__(self):
        return f"{self.get_action_display()} · credential {self.credential_id}"

    def save(self, **kwargs):
        if self.pk is not None:
            raise ImmutableRecord("Credential events cannot be changed.")
        super().save(**kwargs)

    def delete(self, **kwargs):
        raise ImmutableRecord("Credential events cannot be deleted.")
