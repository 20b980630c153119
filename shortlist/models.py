from django.conf import settings
from django.db import models


class ShortlistEntry(models.Model):
    """One therapist on a member's saved shortlist (visitors' stay in the session)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist"
    )
    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table keeps the name it had when the model lived in `interviews`,
        # so moving the model moved no rows.
        db_table = "interviews_shortlistentry"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "therapist"], name="unique_shortlist_entry"
            )
        ]

    def __str__(self):
        return f"{self.user} shortlisted {self.therapist}"
