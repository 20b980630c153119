import datetime
import secrets
from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]
ZERO_TO_TEN = [MinValueValidator(0), MaxValueValidator(10)]
# The optional outcome questions, each answered 0 to 10. The three PEG items
# (Krebs et al. 2009) ask about the past week; their mean is the PEG score.
PAIN_CHANGE = ("pain_before", "pain_after")
PEG_ITEMS = ("peg_pain", "peg_enjoyment", "peg_activity")
OUTCOMES = (*PAIN_CHANGE, *PEG_ITEMS)
ASPECTS = {
    "pain_relief": "Pain relief",
    "communication": "Listening and communication",
    "technique": "Pressure and technique",
    "professionalism": "Professionalism",
}


def one_to_five(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
        name=f"review_{name}_1_to_5",
    )


def zero_to_ten(name: str) -> models.CheckConstraint:
    """An optional answer: blank, or 0 to 10."""
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True})
        | Q(**{f"{name}__gte": 0, f"{name}__lte": 10}),
        name=f"review_{name}_0_to_10",
    )


def outcome_field(verbose_name: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True, validators=ZERO_TO_TEN
    )


class ReviewQuerySet(models.QuerySet):
    def counted(self) -> Self:
        """Reviews that count: published, and the author's current one."""
        return self.filter(status=Review.Status.PUBLISHED, is_current=True)

    def recent_negative(self, now: datetime.datetime | None = None) -> Self:
        """1 and 2-star reviews of the twelve months before `now` (by default,
        the present moment): the consistency rule."""
        year_ago = (now or timezone.now()) - datetime.timedelta(days=365)
        return self.filter(rating__lte=2, created_at__gte=year_ago)

    def for_profile(self) -> Self:
        """Counted reviews, newest first, with their authors and responses."""
        return (
            self.counted()
            .select_related("author", "condition", "response")
            .order_by("-created_at", "-id")
        )

    def about(self, condition_slug: str | None) -> Self:
        """Reviews from clients who came for this condition (all when None)."""
        if condition_slug is None:
            return self
        return self.filter(condition__slug=condition_slug)

    def from_verified_clients(self, only: bool = True) -> Self:
        """Reviews from verified clients (all when `only` is False)."""
        return self.filter(is_verified_client=True) if only else self

    def sorted_by(self, sort: str) -> Self:
        """Order by newest, helpful, highest or lowest (newest breaks ties)."""
        orders = {
            "newest": ("-created_at", "-id"),
            "helpful": ("-helpful_count", "-created_at", "-id"),
            "highest": ("-rating", "-created_at", "-id"),
            "lowest": ("rating", "-created_at", "-id"),
        }
        return self.order_by(*orders.get(sort, orders["newest"]))

    def recount_helpful(self) -> int:
        """Store each review's helpful-vote count afresh."""
        votes = (
            HelpfulVote.objects.filter(review=OuterRef("pk"))
            .values("review")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.update(helpful_count=Coalesce(Subquery(votes), 0))

    def involving(self, user) -> Self:
        """Reviews the user wrote or that are about the user's profile: the ones
        they may not moderate."""
        return self.filter(Q(author=user) | Q(therapist__user=user))

    def awaiting_moderation(self) -> Self:
        """Held reviews and published ones with an open report, oldest first."""
        open_report = ReviewReport.objects.filter(
            review=OuterRef("pk"), resolved_at__isnull=True
        )
        return (
            self.filter(
                Q(status=Review.Status.HELD)
                | Q(Exists(open_report), status=Review.Status.PUBLISHED)
            )
            .filter(is_current=True)
            .order_by("created_at", "id")
        )


class Review(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        HELD = "held", "Held for moderation"
        REMOVED = "removed", "Removed"

    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField("overall rating", validators=ONE_TO_FIVE)
    pain_relief = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    communication = models.PositiveSmallIntegerField(
        "listening and communication", validators=ONE_TO_FIVE
    )
    technique = models.PositiveSmallIntegerField(
        "pressure and technique", validators=ONE_TO_FIVE
    )
    professionalism = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    condition = models.ForeignKey(
        "therapists.Condition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name="what you came for",
    )
    sessions = models.PositiveSmallIntegerField(
        "number of sessions", validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    would_recommend = models.BooleanField("would recommend")
    # Outcomes (all optional, self-reported): never part of the stars or the
    # score; reviews.stats.outcomes_of() summarises them on the profile.
    pain_before = outcome_field("pain before the first session")
    pain_after = outcome_field("pain now")
    peg_pain = outcome_field("PEG: average pain in the past week")
    peg_enjoyment = outcome_field("PEG: pain's interference with enjoyment of life")
    peg_activity = outcome_field("PEG: pain's interference with general activity")
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=4000)
    status = models.CharField(max_length=12, choices=Status, default=Status.PUBLISHED)
    # Writing again replaces a review: the old one stays as history and stops
    # counting.
    is_current = models.BooleanField(default=True)
    is_verified_client = models.BooleanField("verified client", default=False)
    hold_reasons = models.TextField(blank=True)
    moderation_note = models.CharField(
        max_length=300, blank=True, help_text="The author sees this reason."
    )
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("moderate_review", "Can moderate reviews")]
        indexes = [
            models.Index(
                fields=["therapist", "status", "is_current", "rating"],
                name="review_stats_idx",
            ),
            models.Index(
                fields=["therapist", "-created_at", "-id"], name="review_recent_idx"
            ),
            models.Index(
                fields=["author", "-created_at"], name="review_author_recent_idx"
            ),
        ]
        constraints = [
            one_to_five("rating"),
            one_to_five("pain_relief"),
            one_to_five("communication"),
            one_to_five("technique"),
            one_to_five("professionalism"),
            models.UniqueConstraint(
                fields=["therapist", "author"],
                condition=Q(is_current=True),
                name="one_current_review_per_client",
            ),
            models.CheckConstraint(
                condition=Q(sessions__gte=1), name="review_sessions_positive"
            ),
            *(zero_to_ten(name) for name in OUTCOMES),
            # Pain before and after come as a pair, the PEG items as a set of
            # three: one alone measures no change and makes no score.
            models.CheckConstraint(
                condition=Q(pain_before__isnull=True, pain_after__isnull=True)
                | Q(pain_before__isnull=False, pain_after__isnull=False),
                name="review_pain_before_and_after_together",
            ),
            models.CheckConstraint(
                condition=Q(**dict.fromkeys((f"{n}__isnull" for n in PEG_ITEMS), True))
                | Q(**dict.fromkeys((f"{n}__isnull" for n in PEG_ITEMS), False)),
                name="review_peg_items_together",
            ),
        ]

    def __str__(self):
        return f"{self.rating}★ {self.title}"

    def get_absolute_url(self):
        return f"{self.therapist.get_absolute_url()}#review-{self.pk}"

    def involves(self, user) -> bool:
        """Whether the user wrote this review or is the therapist reviewed: they
        may not moderate it."""
        return user.pk in (self.author_id, self.therapist.user_id)

    @property
    def pain_change(self) -> int | None:
        """Pain before minus pain now (positive: better); None if not given."""
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_before - self.pain_after

    @property
    def peg_score(self) -> float | None:
        """The mean of the three PEG items (0 to 10); None if not given."""
        items = [getattr(self, name) for name in PEG_ITEMS]
        if None in items:
            return None
        return sum(items) / len(items)

    @property
    def rating_label(self) -> str:
        return f"Rated {self.rating} out of 5"

    @property
    def author_display_name(self) -> str:
        """First name and last initial: enough to be real, not enough to find."""
        user = self.author
        if user.first_name:
            initial = f" {user.last_name[:1]}." if user.last_name else ""
            return f"{user.first_name}{initial}"
        return "A client"


class ReviewResponse(models.Model):
    """The therapist's one public answer to a review. When the client rewrites
    the review, the response moves to the new version, marked as answering an
    earlier one until the therapist updates it."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="response"
    )
    body = models.TextField(max_length=2000)
    answers_earlier_version = models.BooleanField(
        default=False,
        help_text="The client rewrote the review after this response was written.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Response to review {self.review_id}"


class HelpfulVote(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "user"], name="one_helpful_vote_per_user"
            )
        ]

    def __str__(self):
        return f"Helpful: review {self.review_id}"


class ReviewReport(models.Model):
    class Reason(models.TextChoices):
        FAKE = "fake", "Not a real client experience"
        OFFENSIVE = "offensive", "Offensive or abusive"
        PERSONAL = "personal", "Shares private information"
        SPAM = "spam", "Advertising or spam"
        OTHER = "other", "Something else"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason)
    details = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_report_per_user",
            )
        ]

    def __str__(self):
        return f"Report on review {self.review_id}: {self.get_reason_display()}"


class ModerationDecision(models.Model):
    """Every publish or remove decision on a review, kept for the record."""

    class Action(models.TextChoices):
        PUBLISH = "publish", "Published"
        REMOVE = "remove", "Removed"

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="decisions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} review {self.review_id}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


# An invitation nobody used lapses after this many days, and stops counting
# towards the therapist's open ones.
INVITATION_DAYS = 30


class ReviewInvitationQuerySet(models.QuerySet):
    def unused(self) -> Self:
        """Invitations still open: not used yet, and not lapsed."""
        since = timezone.now() - datetime.timedelta(days=INVITATION_DAYS)
        return self.filter(used_at__isnull=True, created_at__gte=since)


class ReviewInvitation(models.Model):
    """A one-time link a therapist gives a client: the review it brings in is
    marked as from a verified client."""

    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    note = models.CharField(
        max_length=120, blank=True, help_text="For you: who you gave it to."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    used_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation from {self.therapist}"

    def get_absolute_url(self):
        url = reverse("reviews:write", kwargs={"slug": self.therapist.slug})
        return f"{url}?invite={self.token}"


# A session is recorded at most this many days after it took place.
SESSION_RECORD_DAYS = 365


class SessionRecordQuerySet(models.QuerySet):
    def confirmed(self) -> Self:
        """Sessions both the client and the therapist recorded."""
        return self.filter(
            recorded_by_client_at__isnull=False, recorded_by_therapist_at__isnull=False
        )

    def awaiting_therapist(self) -> Self:
        """Sessions the client recorded and the therapist has not yet."""
        return self.filter(recorded_by_therapist_at__isnull=True)

    def awaiting_client(self) -> Self:
        """Sessions the therapist recorded and the client has not yet."""
        return self.filter(recorded_by_client_at__isnull=True)

    def involving(self, user) -> Self:
        """Records the user is a party to, as client or as therapist."""
        return self.filter(Q(client=user) | Q(therapist__user=user))


class SessionRecord(models.Model):
    """A session that took place, as its client and its therapist each record
    it. Recorded by both, it makes the client's review of the therapist one
    from a verified client (reviews.sessions): we check that both say so, not
    what happened in it."""

    therapist = models.ForeignKey(
        "therapists.Therapist",
        on_delete=models.CASCADE,
        related_name="session_records",
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_records",
    )
    session_date = models.DateField("date of the session")
    recorded_by_client_at = models.DateTimeField(null=True, blank=True)
    recorded_by_therapist_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-session_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "client", "session_date"],
                name="one_session_record_per_day",
            ),
            models.CheckConstraint(
                condition=Q(recorded_by_client_at__isnull=False)
                | Q(recorded_by_therapist_at__isnull=False),
                name="session_record_recorded_by_someone",
            ),
        ]
        indexes = [
            models.Index(
                fields=["client", "-session_date"], name="session_record_client_idx"
            )
        ]

    def __str__(self):
        return f"Session with {self.therapist} on {self.session_date}"

    @property
    def is_confirmed(self) -> bool:
        """Recorded by both the client and the therapist."""
        return bool(self.recorded_by_client_at and self.recorded_by_therapist_at)

    def awaits(self, side: str) -> bool:
        """Whether this side ("client" or "therapist") has yet to record it."""
        return getattr(self, f"recorded_by_{side}_at") is None
