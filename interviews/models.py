from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.urls import reverse

# The questions the guide suggests asking before booking; clients tick or edit them.
STANDARD_QUESTIONS = [
    "What experience do you have with my kind of back pain?",
    "Which techniques would you use for me, and why?",
    "What does a first session with you look like?",
    "How will we judge whether it is working?",
    "When would you refer me to a doctor or physiotherapist instead?",
    "What do you charge, and how long is a session?",
]
MAX_OPEN_REQUESTS = 5
MESSAGE_MAX = 2000


class InterviewRequestQuerySet(models.QuerySet):
    def involving(self, user) -> Self:
        """Conversations the user is a party to, as client or as therapist."""
        return self.filter(Q(client=user) | Q(therapist__user=user))

    def readable_by(self, user) -> Self:
        """What a user may open: their own, and reported ones for moderators."""
        if user.has_perm("interviews.review_abuse_report"):
            return self.filter(
                Q(client=user) | Q(therapist__user=user) | Q(reported_at__isnull=False)
            )
        return self.involving(user)

    def open(self) -> Self:
        """Requests still waiting for the therapist's answer."""
        return self.filter(status=InterviewRequest.Status.OPEN)

    def unread_by_therapist(self) -> Self:
        """Requests, or clients' messages, the therapist has not opened yet."""
        return self.filter(therapist_read_at__isnull=True)

    def unread_by_client(self) -> Self:
        """Answers, or therapists' messages, the client has not opened yet."""
        return self.filter(answered_at__isnull=False, client_read_at__isnull=True)


REPORT_REASON_MAX = 2000


class HealthNote(models.TextChoices):
    """What a therapist must know before massaging a client: passed on with the
    client's consent, never asked for otherwise (interviews.safety holds the
    red-flag screen, which is never stored)."""

    BLOOD_THINNERS = "blood_thinners", "Blood thinners (anticoagulants)"
    RECENT_SURGERY = "recent_surgery", "Recent surgery"
    BLOOD_CLOTS = (
        "blood_clots",
        "A history of blood clots (such as a DVT or a pulmonary embolism)",
    )
    OSTEOPOROSIS = "osteoporosis", "Osteoporosis (fragile bones)"
    PREGNANCY = "pregnancy", "Pregnancy"
    SKIN = (
        "skin",
        "A skin condition, or broken skin, where the massage would be",
    )


class InterviewRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    class Contact(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interview_requests",
    )
    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="interviews"
    )
    pain_where = models.CharField("Where does it hurt?", max_length=200)
    pain_since = models.CharField("Since when?", max_length=120)
    past_treatments = models.TextField(
        "What have you tried so far?", max_length=1500, blank=True
    )
    concerns = models.TextField(
        "Anything that worries you?", max_length=1500, blank=True
    )
    contact_method = models.CharField(
        "How should the therapist contact you?", max_length=10, choices=Contact
    )
    phone = models.CharField(max_length=30, blank=True)
    # HealthNote values the client ticked and agreed to pass on; [] without
    # consent. Shown to the two parties only: not to staff, not in email.
    health_notes = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    therapist_message = models.TextField(max_length=1500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    therapist_read_at = models.DateTimeField(null=True, blank=True)
    client_read_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    # Reports add up (each later one is appended, by either party), so this
    # holds up to REPORT_REASON_MAX characters, more than one report form's
    # 500; the oldest text is kept when it is full.
    report_reason = models.TextField(blank=True)

    objects = InterviewRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("review_abuse_report", "Can read reported conversations")]
        indexes = [
            models.Index(
                fields=["therapist", "-created_at"], name="interview_inbox_idx"
            ),
            models.Index(fields=["client", "-created_at"], name="interview_sent_idx"),
        ]

    def __str__(self):
        return f"Interview request to {self.therapist} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("interviews:detail", kwargs={"pk": self.pk})

    @property
    def shares_contact(self) -> bool:
        """Contact details travel only once the therapist accepts."""
        return self.status == self.Status.ACCEPTED

    @property
    def health_note_labels(self) -> list[str]:
        """The health notes passed on, in words, in the form's order."""
        passed = set(self.health_notes)
        return [label for value, label in HealthNote.choices if value in passed]

    @property
    def client_name(self) -> str:
        """The client as the therapist sees them before accepting: a first name."""
        return self.client.first_name or "a client"

    def side_of(self, user) -> str | None:
        """Which side of the conversation the user is on, if any."""
        if user.pk == self.client_id:
            return Side.CLIENT
        if user.pk == self.therapist.user_id:
            return Side.THERAPIST
        return None

    def why_no_reply(self, side: str | None) -> str:
        """Why this side cannot write in the thread now ("" when it can)."""
        if side is None:
            return "Only the client and the therapist can write here."
        if self.status == self.Status.DECLINED:
            return (
                "This request was declined, so the conversation is closed. "
                "You can still read it here."
            )
        if side == Side.THERAPIST and self.answered_at is None:
            return "Send your decision and answers first; then you can write here."
        return ""


class InterviewQuestion(models.Model):
    request = models.ForeignKey(
        InterviewRequest, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    answer = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="unique_question_position"
            )
        ]

    def __str__(self):
        return self.text


class Side(models.TextChoices):
    """Who wrote a message: the client or the therapist."""

    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"


class InterviewMessage(models.Model):
    """One reply in the thread below a request's questions and answers."""

    Side = Side

    request = models.ForeignKey(
        InterviewRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author_side = models.CharField(max_length=10, choices=Side)
    body = models.TextField(max_length=MESSAGE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["request", "created_at"], name="interview_thread_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(author_side__in=Side.values),
                name="interview_message_side_known",
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length("body"), 0)
                & LessThanOrEqual(Length("body"), MESSAGE_MAX),
                name="interview_message_body_length",
            ),
        ]

    def __str__(self):
        return f"Message from the {self.author_side} on request {self.request_id}"
