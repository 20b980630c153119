from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReviewQuerySet(models.QuerySet):
    def counted(self) -> Self:
        """Reviews that count towards a therapist's stored aggregates."""
        return self.filter(is_published=True)

    def for_profile(self) -> Self:
        """Published reviews, newest first, with their authors."""
        return self.counted().select_related("author").order_by("-created_at", "-id")


class Review(models.Model):
    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=4000)
    is_published = models.BooleanField("published", default=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["therapist", "is_published", "rating"],
                name="review_stats_idx",
            ),
            models.Index(
                fields=["therapist", "-created_at", "-id"], name="review_recent_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.rating}★ {self.title}"

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
