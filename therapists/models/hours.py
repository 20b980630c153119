"""A therapist's weekly hours: ranges of opening time per weekday, in the
therapist's local time (therapists.availability holds the rules and words)."""

from typing import Self

from django.db import models
from django.db.models import F, Q

from therapists import availability


class OpeningHoursQuerySet(models.QuerySet):
    def as_ranges(self) -> list[availability.Range]:
        """These rows as availability.Range values, in the week's order."""
        return sorted(
            availability.Range(weekday, opens, closes)
            for weekday, opens, closes in self.values_list("weekday", "opens", "closes")
        )

    def of_therapist(self, therapist) -> Self:
        """One therapist's ranges, Monday first."""
        return self.filter(therapist=therapist).order_by("weekday", "opens")


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    therapist = models.ForeignKey(
        "therapists.Therapist",
        on_delete=models.CASCADE,
        related_name="opening_hours",
    )
    weekday = models.PositiveSmallIntegerField("day", choices=Weekday)
    opens = models.TimeField("opens at")
    closes = models.TimeField("closes at")

    objects = OpeningHoursQuerySet.as_manager()

    class Meta:
        ordering = ["therapist", "weekday", "opens"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")),
                name="opening_hours_opens_before_closes",
                violation_error_message=(
                    "The closing time must be after the opening time."
                ),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="opening_hours_weekday_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.as_range().words}"

    def as_range(self) -> availability.Range:
        """This row as an availability.Range."""
        return availability.Range(self.weekday, self.opens, self.closes)
