"""Sessions and prices (issue 16, item 1): the one home of the session
lengths, their columns, the words a client reads and the price-for-length rule.

Each standard length has its own column on Therapist, so a search filters and
sorts on one indexed column and a card needs no join. The 60-minute price keeps
its old column, `session_price` (the bench, the admin and the search have
always read it). A blank length is not offered.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.db.models.expressions import OrderBy

LENGTHS: tuple[int, ...] = (30, 45, 60, 75, 90)
DEFAULT_LENGTH = 60
COLUMNS: dict[int, str] = {
    30: "price_30",
    45: "price_45",
    60: "session_price",
    75: "price_75",
    90: "price_90",
}
LENGTH_CHOICES: list[tuple[str, str]] = [
    (str(length), f"{length} minutes") for length in LENGTHS
]
PRICE_MIN, PRICE_MAX = 1, 2000
NOTICE_HOURS_MAX = 168  # a week
PACKAGES_MAX = 3


def column_of(length: int | None) -> str:
    """The column holding the price of a `length`-minute session."""
    return COLUMNS[length or DEFAULT_LENGTH]


def length_of(params: Mapping[str, Any]) -> int:
    """The session length a search asked about (`length`, default 60)."""
    value = params.get("length")
    return int(value) if value else DEFAULT_LENGTH


def price_order(length: int | None) -> tuple[OrderBy, str]:
    """sort=price for one length: its column, then the id (an index each).
    Those without that length come last on both databases (SQLite sorts a
    NULL first unless told; its planner still walks the index)."""
    return (F(column_of(length)).asc(nulls_last=True), "id")


@dataclass(frozen=True)
class SessionPrice:
    minutes: int
    price: int

    @property
    def words(self) -> str:
        """ "$95 · 90 min"."""
        return f"${self.price} · {self.minutes} min"


def prices_of(therapist) -> list[SessionPrice]:
    """The lengths the therapist offers, shortest first."""
    found = []
    for length in LENGTHS:
        price = getattr(therapist, COLUMNS[length])
        if price is not None:
            found.append(SessionPrice(length, price))
    return found


def price_for(therapist, length: int | None = None) -> SessionPrice | None:
    """The price of a `length`-minute session (default 60); when the therapist
    does not offer that length, their nearest offered one (the shorter on a
    tie); None when they list no price at all."""
    length = length or DEFAULT_LENGTH
    offered = prices_of(therapist)
    if not offered:
        return None
    return min(offered, key=lambda p: (abs(p.minutes - length), p.minutes))


def cancellation_words(hours: int | None, fee: int | None) -> str:
    """ "Cancel at least 24 hours ahead or pay $40"; "" when not stated."""
    if hours is None:
        return ""
    if hours == 0:
        return "Cancel any time before the session at no charge"
    ahead = f"{hours} hour{'s' * (hours != 1)} ahead"
    if fee:
        return f"Cancel at least {ahead} or pay ${fee}"
    return f"Cancel at least {ahead}"


def assessment_words(minutes: int | None, price: int | None) -> str:
    """ "First-visit assessment: 75 min, $120"; "" when not offered."""
    if not minutes or price is None:
        return ""
    return f"First-visit assessment: {minutes} min, ${price}"


def package_words(sessions: int, minutes: int, price: int) -> str:
    """ "5 sessions of 60 min for $425 ($85 each)"."""
    each = round(price / sessions) if sessions else price
    return f"{sessions} sessions of {minutes} min for ${price} (${each} each)"
