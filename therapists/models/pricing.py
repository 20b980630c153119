"""What a therapist charges beyond the per-length prices on Therapist
(packages of sessions), and the insurance plans they accept, chosen from a
list staff keep (therapists.pricing and therapists.payment hold the rules and
the words)."""

import datetime
from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat

from therapists import freshness, payment, pricing


class SessionPackage(models.Model):
    """N sessions of M minutes for $P, bought together."""

    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="packages"
    )
    sessions = models.PositiveSmallIntegerField(
        "number of sessions", validators=[MinValueValidator(2), MaxValueValidator(20)]
    )
    minutes = models.PositiveSmallIntegerField(
        "minutes each",
        choices=[(length, f"{length} min") for length in pricing.LENGTHS],
    )
    price = models.PositiveIntegerField(
        "price of the package (USD)",
        validators=[MinValueValidator(1), MaxValueValidator(20000)],
    )

    class Meta:
        ordering = ["minutes", "sessions", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__gte=2, sessions__lte=20),
                name="package_sessions_range",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=1, price__lte=20000),
                name="package_price_range",
            ),
            models.CheckConstraint(
                condition=Q(minutes__in=pricing.LENGTHS),
                name="package_minutes_standard",
            ),
        ]

    def __str__(self):
        return self.words

    @property
    def words(self) -> str:
        return pricing.package_words(self.sessions, self.minutes, self.price)


class InsurancePlanQuerySet(models.QuerySet):
    def accepted_by(self, therapist) -> "InsurancePlanQuerySet":
        """The plans this therapist accepts."""
        return self.filter(acceptances__therapist=therapist)


class InsurancePlan(models.Model):
    """A real insurance carrier or plan a therapist can say they accept."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=100)

    objects = InsurancePlanQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class PlanConfirmation:
    """ "Aetna, confirmed Nov 12, 2026" and whether it is over a year old."""

    name: str
    confirmed_on: datetime.date
    old: bool

    @property
    def words(self) -> str:
        when = freshness.short_date(self.confirmed_on)
        if self.old:
            return f"{self.name}, last confirmed {when} (over a year ago)"
        return f"{self.name}, confirmed {when}"


def plan_confirmation(
    name: str, confirmed_on: datetime.date, today: datetime.date
) -> PlanConfirmation:
    """How a plan the therapist accepts is shown on a given day."""
    old = (today - confirmed_on).days > payment.PLAN_STALE_DAYS
    return PlanConfirmation(name, confirmed_on, old)


class AcceptedPlan(models.Model):
    """A plan the therapist says they accept, and when they last confirmed it."""

    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="accepted_plans"
    )
    plan = models.ForeignKey(
        InsurancePlan, on_delete=models.PROTECT, related_name="acceptances"
    )
    confirmed_on = models.DateField("confirmed on")

    class Meta:
        ordering = ["plan__position", "plan__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "plan"], name="unique_accepted_plan"
            )
        ]

    def __str__(self):
        return f"{self.therapist}: {self.plan}"


# The packages and accepted plans in the therapist's own query (a profile and
# a comparison stay within their query budgets): joined into one text column
# each by TherapistQuerySet.with_packages_and_plans(), read back below.
ROW, FIELD = "\n", "\t"


def _joined(queryset: models.QuerySet, *parts) -> Coalesce:
    pieces = []
    for part in parts:
        if pieces:
            pieces.append(Value(FIELD))
        pieces.append(Cast(part, TextField()))
    joined = (
        queryset.filter(therapist=OuterRef("pk"))
        .order_by()
        .values("therapist")
        .annotate(
            joined=StringAgg(Concat(*pieces, output_field=TextField()), Value(ROW))
        )
        .values("joined")
    )
    return Coalesce(Subquery(joined), Value(""), output_field=TextField())


def packages_joined() -> Coalesce:
    """ "sessions<TAB>minutes<TAB>price" rows of the therapist's packages."""
    return _joined(SessionPackage.objects, "sessions", "minutes", "price")


def plans_joined() -> Coalesce:
    """ "position<TAB>confirmed on<TAB>name" rows of the plans accepted."""
    return _joined(AcceptedPlan.objects, "plan__position", "confirmed_on", "plan__name")


def packages_from(joined: str) -> list[SessionPackage]:
    """The packages in packages_joined()'s text, in the list's order."""
    found = []
    for row in filter(None, joined.split(ROW)):
        sessions, minutes, price = (int(value) for value in row.split(FIELD))
        found.append(SessionPackage(sessions=sessions, minutes=minutes, price=price))
    return sorted(found, key=lambda p: (p.minutes, p.sessions, p.price))


def plans_from(joined: str, today: datetime.date) -> list[PlanConfirmation]:
    """The plans in plans_joined()'s text, in the list's order, as shown today."""
    rows = []
    for row in filter(None, joined.split(ROW)):
        position, confirmed_on, name = row.split(FIELD, 2)
        rows.append((int(position), name, datetime.date.fromisoformat(confirmed_on)))
    return [
        plan_confirmation(name, confirmed_on, today)
        for _, name, confirmed_on in sorted(rows)
    ]
