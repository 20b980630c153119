"""Availability (issue 16, item 5): the one home of its rules and words.

Weekly hours are ranges of opening time per weekday (OpeningHours rows, several
a day allowed, never overlapping), in the therapist's own local time: we store
no time zone and say so wherever the hours show. What the search asks of them
is kept as bits on the therapist (Therapist.hours_bits, written by
therapists.changes.hours_changed() in the same transaction as the hours):

- `evenings`: at least one range that closes after 18:00 (6 pm), on any day;
- `weekends`: at least one range on a Saturday or a Sunday.

The next opening is a date the therapist states and confirms (never worked
out from the hours, never invented). It shows with the day it was confirmed,
and only while it can still be true: not once the date has passed, not when
the confirmation is older than NEXT_OPENING_FRESH_DAYS ("ask them" instead).

Bits are stored: never renumber a kind, only add new ones with new bits.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from therapists.bitsets import CodedBits

# Monday first, as Python's date.weekday() counts (0 = Monday .. 6 = Sunday).
WEEKDAYS: tuple[tuple[int, str], ...] = (
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
)
WEEKEND = frozenset({5, 6})
# A range that closes after this time counts as open in the evening.
EVENING_AFTER = datetime.time(18, 0)
# A next opening confirmed longer ago than this is not shown.
NEXT_OPENING_FRESH_DAYS = 14
LOCAL_TIME_NOTE = "Times are the therapist’s local time."


@dataclass(frozen=True)
class HoursKind:
    code: str
    label: str
    description: str
    bit: int


KINDS: tuple[HoursKind, ...] = (
    HoursKind(
        "evenings",
        "Evenings (after 6 pm)",
        "Open after 6 pm on at least one day of the week.",
        1 << 0,
    ),
    HoursKind(
        "weekends",
        "Weekends",
        "Open on a Saturday or a Sunday.",
        1 << 1,
    ),
)
HOURS = CodedBits(KINDS)
BY_CODE, CHOICES = HOURS.by_code, HOURS.choices
mask_of, codes_of, kinds_of = HOURS.mask_of, HOURS.codes_of, HOURS.items_of


@dataclass(frozen=True, order=True)
class Range:
    """One range of opening time on one weekday (local time, opens < closes)."""

    weekday: int
    opens: datetime.time
    closes: datetime.time

    @property
    def words(self) -> str:
        """ "9 am – 5:30 pm"."""
        return f"{clock(self.opens)} – {clock(self.closes)}"


def bits_of(ranges: Iterable[Range]) -> int:
    """What the search reads of these ranges: the evenings and weekends bits."""
    bits = 0
    for hours in ranges:
        if hours.closes > EVENING_AFTER:
            bits |= BY_CODE["evenings"].bit
        if hours.weekday in WEEKEND:
            bits |= BY_CODE["weekends"].bit
    return bits


def overlapping(ranges: Iterable[Range]) -> list[tuple[Range, Range]]:
    """Each pair of ranges on one day where the later one starts before the
    earlier one closes (touching ranges, 9-12 and 12-17, do not overlap)."""
    found = []
    ordered = sorted(ranges)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.weekday == later.weekday and later.opens < earlier.closes:
            found.append((earlier, later))
    return found


def clock(moment: datetime.time) -> str:
    """ "9 am", "5:30 pm", "12 pm" (noon), "12 am" (midnight)."""
    hour = moment.hour % 12 or 12
    half = "am" if moment.hour < 12 else "pm"
    if moment.minute:
        return f"{hour}:{moment.minute:02d} {half}"
    return f"{hour} {half}"


@dataclass(frozen=True)
class Day:
    name: str
    ranges: tuple[Range, ...]

    @property
    def words(self) -> str:
        """ "9 am – 1 pm, 4 pm – 8 pm", or "" with no hours that day."""
        return ", ".join(hours.words for hours in self.ranges)


class Week(list):
    """The seven Days, Monday first."""

    @property
    def listed(self) -> bool:
        """Whether any day has hours."""
        return any(day.ranges for day in self)

    note = LOCAL_TIME_NOTE


def week_of(ranges: Iterable[Range]) -> Week:
    """Every day of the week, Monday first, each with its ranges in order."""
    ordered = sorted(ranges)
    return Week(
        Day(name, tuple(r for r in ordered if r.weekday == number))
        for number, name in WEEKDAYS
    )


def parse_joined(joined: str | None) -> list[Range]:
    """Ranges from TherapistQuerySet.with_opening_hours()' text:
    "0|09:00:00|17:00:00,5|10:00:00|14:00:00" (empty or None: none)."""
    if not joined:
        return []
    ranges = []
    for part in joined.split(","):
        weekday, opens, closes = part.split("|")
        ranges.append(
            Range(
                int(weekday),
                datetime.time.fromisoformat(opens),
                datetime.time.fromisoformat(closes),
            )
        )
    return sorted(ranges)


def short_day(day: datetime.date) -> str:
    """ "Tue, Dec 1"."""
    return f"{day:%a}, {day:%b} {day.day}"


def month_day(day: datetime.date) -> str:
    """ "Nov 28"."""
    return f"{day:%b} {day.day}"


@dataclass(frozen=True)
class NextOpening:
    """The next opening the therapist last confirmed, as it stands today."""

    on: datetime.date | None
    confirmed_on: datetime.date | None
    today: datetime.date
    fresh_days = NEXT_OPENING_FRESH_DAYS

    @property
    def shown(self) -> bool:
        """Only a date still to come, confirmed in the last
        NEXT_OPENING_FRESH_DAYS days."""
        if self.on is None or self.confirmed_on is None:
            return False
        fresh_from = self.today - datetime.timedelta(days=NEXT_OPENING_FRESH_DAYS)
        return self.on >= self.today and self.confirmed_on >= fresh_from

    @property
    def words(self) -> str:
        """ "Next opening: Tue, Dec 1 (confirmed Nov 28)", or what to do instead."""
        if self.shown:
            return (
                f"Next opening: {short_day(self.on)} "
                f"(confirmed {month_day(self.confirmed_on)})"
            )
        return "Next opening: ask them"

    @property
    def short_words(self) -> str:
        """ "Tue, Dec 1 (confirmed Nov 28)" or "Ask them"."""
        if self.shown:
            return f"{short_day(self.on)} (confirmed {month_day(self.confirmed_on)})"
        return "Ask them"

    def __str__(self) -> str:
        return self.words


def next_opening(
    on: datetime.date | None, confirmed_on: datetime.date | None, today: datetime.date
) -> NextOpening:
    """The next opening stated for `on`, confirmed on `confirmed_on`, on `today`."""
    return NextOpening(on, confirmed_on, today)


def summary_words(bits: int) -> str:
    """ "Evenings (after 6 pm) and weekends", or "" when neither holds."""
    labels = [kind.label for kind in kinds_of(bits)]
    if not labels:
        return ""
    words = [labels[0], *(label[0].lower() + label[1:] for label in labels[1:])]
    return " and ".join(words)
