"""How quickly a therapist answers requests to ask before booking (issue 16,
item 5): computed on read, never stored, never part of the score.

The time to a first answer runs from a request's `created_at` to the earliest
of the therapist's answer (`answered_at`) and their first message in the
thread. Both matter because `answered_at` is the *latest* answer: answering a
second time (accepting a request answered before) moves it, while a message in
the thread (allowed only after a first answer) keeps the earlier moment. An
accept and a decline are both answers.

Over the requests created in the last WINDOW_DAYS days:
- nothing is shown below MIN_REQUESTS requests;
- requests not answered (yet) are left out of the median, which would
  otherwise have to guess how long they will take, and shown as such:
  "answered 5 of 7";
- the median needs MIN_REQUESTS answered requests; with fewer, only the
  "answered N of M" count is shown.

One query: with_responsiveness() annotates each therapist, in the
therapists' own query (the profile and the comparison), with the seconds each
request took ("-" for one not answered); the median is taken in Python over
at most one window of one therapist's requests.
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import (
    CharField,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import timezone

from interviews.models import InterviewMessage, InterviewRequest, Side
from therapists.models import Therapist

WINDOW_DAYS = 90
MIN_REQUESTS = 3
UNANSWERED = "-"


class SecondsBetween(Func):
    """Whole seconds from the first datetime to the second (SQLite, PostgreSQL)."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=("CAST(ROUND((julianday(%(expressions)s)) * 86400) AS INTEGER)"),
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS INTEGER)",
            arg_joiner=" - ",
            **extra,
        )


def with_responsiveness(therapists: QuerySet, *, now=None) -> QuerySet:
    """Annotate each therapist with `response_seconds`: for each request made
    to them in the last WINDOW_DAYS days, the seconds to its first answer, or
    "-" when not answered, comma-separated (NULL with no requests)."""
    since = (now or timezone.now()) - datetime.timedelta(days=WINDOW_DAYS)
    first_message = (
        InterviewMessage.objects.filter(
            request=OuterRef("pk"), author_side=Side.THERAPIST
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    requests = (
        InterviewRequest.objects.filter(therapist=OuterRef("pk"), created_at__gte=since)
        .order_by()
        .annotate(first_message_at=Subquery(first_message))
        .annotate(
            # Least() of a NULL is NULL on SQLite: each side stands in for
            # the other when missing.
            first_answer_at=Least(
                Coalesce("answered_at", "first_message_at"),
                Coalesce("first_message_at", "answered_at"),
            )
        )
    )
    seconds = Coalesce(
        Cast(SecondsBetween(F("first_answer_at"), F("created_at")), CharField()),
        Value(UNANSWERED),
        output_field=CharField(),
    )
    joined = (
        requests.values("therapist")
        .annotate(all=StringAgg(seconds, Value(",")))
        .values("all")
    )
    return therapists.annotate(response_seconds=Subquery(joined))


def duration_words(seconds: float) -> str:
    """ "under an hour", "about 5 hours", "about 2 days"."""
    hours = seconds / 3600
    if hours < 1:
        return "under an hour"
    if hours < 36:
        whole = round(hours)
        return f"about {whole} hour{'s' * (whole != 1)}"
    days = round(hours / 24)
    return f"about {days} day{'s' * (days != 1)}"


@dataclass(frozen=True)
class Responsiveness:
    """A therapist's requests in the window, how many were answered, and the
    median time to a first answer over the answered ones."""

    requests: int = 0
    answered: int = 0
    median_seconds: float | None = None

    @property
    def shown(self) -> bool:
        return self.requests >= MIN_REQUESTS

    @property
    def words(self) -> str:
        """ "Usually answers in about 5 hours", or "" without a median."""
        if not self.shown or self.median_seconds is None:
            return ""
        return f"Usually answers in {duration_words(self.median_seconds)}"

    @property
    def basis(self) -> str:
        """What the words rest on, in plain terms."""
        if not self.shown:
            return ""
        window = f"in the last {WINDOW_DAYS} days"
        if self.median_seconds is None:
            return f"Answered {self.answered} of {self.requests} requests {window}"
        if self.answered == self.requests:
            return f"median of {self.requests} requests {window}"
        return (
            f"median of the {self.answered} answered, of {self.requests} "
            f"requests {window}"
        )

    @property
    def sentence(self) -> str:
        """ "Usually answers in about 5 hours (median of 7 requests in the
        last 90 days)", or "Answered 1 of 4 requests in the last 90 days"."""
        if not self.shown:
            return ""
        if self.words:
            return f"{self.words} ({self.basis})"
        return self.basis

    def __str__(self) -> str:
        return self.sentence


def parse(joined: str | None) -> Responsiveness:
    """with_responsiveness()' text as a Responsiveness."""
    tokens = joined.split(",") if joined else []
    answered = [int(token) for token in tokens if token != UNANSWERED]
    median = None
    if len(tokens) >= MIN_REQUESTS and len(answered) >= MIN_REQUESTS:
        median = statistics.median([max(value, 0) for value in answered])
    return Responsiveness(
        requests=len(tokens), answered=len(answered), median_seconds=median
    )


def responsiveness_of(therapist) -> Responsiveness:
    """The therapist's responsiveness: reads with_responsiveness()' annotation,
    or runs its query."""
    if not hasattr(therapist, "response_seconds"):
        therapist = with_responsiveness(
            Therapist.objects.filter(pk=therapist.pk).only("pk")
        ).get()
    return parse(therapist.response_seconds)
