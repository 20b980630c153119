"""Plausible weekly hours and next openings for the demo therapists: about a
third open in the evening (a range closing after 6 pm), about a quarter at
weekends, one in ten lists no hours at all; about two in five state a next
opening, some of them by now passed or confirmed too long ago to show. Each
therapist's from its own generator, so the rest of the demo data is unchanged.
"""

import datetime
import random

from therapists import availability

WEEKDAYS = (0, 1, 2, 3, 4)


def demo_week(seed: str) -> list[availability.Range]:
    """One therapist's weekly ranges (never overlapping, opens < closes)."""
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data
    if rng.random() < 0.1:
        return []
    days = sorted(rng.sample(WEEKDAYS, rng.choice((3, 4, 4, 5, 5))))
    opens = datetime.time(rng.choice((8, 9, 9, 10)))
    closes = datetime.time(rng.choice((16, 17, 17, 18)))
    late_days = set()
    if rng.random() < 0.37:
        late_days = set(rng.sample(days, rng.randint(1, min(3, len(days)))))
    split = rng.random() < 0.2
    ranges = []
    for day in days:
        end = datetime.time(rng.choice((19, 20, 21))) if day in late_days else closes
        if split:
            ranges.append(availability.Range(day, opens, datetime.time(12)))
            ranges.append(availability.Range(day, datetime.time(13), end))
        else:
            ranges.append(availability.Range(day, opens, end))
    if rng.random() < 0.28:
        weekend = [5] if rng.random() < 0.75 else [5, 6]
        for day in weekend:
            ranges.append(
                availability.Range(
                    day,
                    datetime.time(rng.choice((9, 10))),
                    datetime.time(rng.choice((13, 14, 15))),
                )
            )
    return ranges


def demo_next_opening(seed: str, today: datetime.date) -> dict:
    """The next opening fields: about two in five state one, confirmed up to
    three weeks ago, for a day up to three weeks after that."""
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data
    if rng.random() >= 0.4:
        return {"next_opening_on": None, "next_opening_confirmed_on": None}
    confirmed = today - datetime.timedelta(days=rng.randint(0, 21))
    return {
        "next_opening_on": confirmed + datetime.timedelta(days=rng.randint(0, 21)),
        "next_opening_confirmed_on": confirmed,
    }
