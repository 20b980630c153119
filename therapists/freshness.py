"""How fresh a therapist's own claims are: the rule, defined once.

What a client relies on before booking (accepting new clients, the price,
languages, home visits, access, where they practise and how accepted
clients reach them) is what the therapist says; we do not check it. So every
profile, card and comparison says when the therapist last confirmed it, and
after FRESH_DAYS it is marked unconfirmed ("Not confirmed since Mar 2, 2026")
and earns no freshness points in the ranking (therapists.ranking).

The therapist confirms everything at once: one button on the dashboard, or
saving the profile form. The daily `remind_stale_details` command reminds them
(at most once per REMINDER_EVERY_DAYS) and reranks those whose confirmation
has just turned stale.
"""

import datetime
from dataclasses import dataclass

# After this many days a confirmation no longer counts: on day 90 it still
# does, from day 91 it is stale.
FRESH_DAYS = 90
# At most one reminder email per therapist in this many days.
REMINDER_EVERY_DAYS = 30
# The dashboard asks for a confirmation this many days before it goes stale.
ASK_DAYS_BEFORE = 30


def oldest_fresh(today: datetime.date) -> datetime.date:
    """The oldest confirmation date that still counts on `today`."""
    return today - datetime.timedelta(days=FRESH_DAYS)


def is_fresh(confirmed_on: datetime.date | None, today: datetime.date) -> bool:
    """Whether a confirmation made on `confirmed_on` still counts on `today`."""
    return confirmed_on is not None and confirmed_on >= oldest_fresh(today)


def stale_from(confirmed_on: datetime.date) -> datetime.date:
    """The first day a confirmation made on `confirmed_on` no longer counts."""
    return confirmed_on + datetime.timedelta(days=FRESH_DAYS + 1)


def short_date(day: datetime.date) -> str:
    """ "Mar 2, 2026": the date as every page shows it."""
    return f"{day:%b} {day.day}, {day.year}"


@dataclass(frozen=True)
class Confirmation:
    """When a therapist last confirmed their details, as a client reads it."""

    confirmed_on: datetime.date | None
    fresh: bool

    @property
    def words(self) -> str:
        """ "Confirmed Mar 2, 2026", "Not confirmed since Mar 2, 2026", or
        "Not confirmed by the therapist yet"."""
        if self.confirmed_on is None:
            return "Not confirmed by the therapist yet"
        day = short_date(self.confirmed_on)
        return f"Confirmed {day}" if self.fresh else f"Not confirmed since {day}"

    def __str__(self) -> str:
        return self.words


def confirmation(
    confirmed_on: datetime.date | None, today: datetime.date
) -> Confirmation:
    """The confirmation made on `confirmed_on`, as it stands on `today`."""
    return Confirmation(confirmed_on, is_fresh(confirmed_on, today))
