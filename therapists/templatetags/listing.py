"""Markup repeated on every result card and review.

A star row is one of six strings built once per process, and a result card is
rendered by Jinja2 (therapists/jinja2/therapists/result_card.html): through the
Django template engine, twenty cards cost more than the rest of the search page
(see docs/performance.md). The search page's cards are kept rendered by
therapist version (therapists.cards, which renders them with render_card()).
"""

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from django import template
from django.forms.renderers import Jinja2
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from therapists import availability, comfort, freshness, payment

register = template.Library()

STAR_PATH = "M10 1.5l2.6 5.5 6 .8-4.4 4.1 1.1 6-5.3-2.9-5.3 2.9 1.1-6L1.4 7.8l6-.8z"


@cache
def star_row(lit: int) -> SafeString:
    """Five star icons, the first `lit` of them filled."""
    return mark_safe(  # noqa: S308 - constant markup, no user input
        "".join(
            f'<svg viewBox="0 0 20 20" aria-hidden="true" '
            f'class="star{" star--on" if n <= lit else ""}">'
            f'<path d="{STAR_PATH}"/></svg>'
            for n in range(1, 6)
        )
    )


@register.simple_tag
def stars(lit, label) -> SafeString:
    """`{% stars 4 "Rated 4.2 out of 5" %}`: a labelled row of five stars."""
    lit = min(max(int(lit or 0), 0), 5)
    return format_html(
        '<span class="stars" role="img" aria-label="{}">{}</span>', label, star_row(lit)
    )


@register.simple_tag
def average_stars(average: float) -> SafeString:
    """`{% average_stars therapist.rating_average %}`: the average as a star row
    (rounded to whole stars), labelled with its exact value."""
    return _average_stars(math.floor(average + 0.5), f"{average:.1f}")


@lru_cache(maxsize=512)
def _average_stars(lit: int, shown: str) -> SafeString:
    # A few hundred pairs at most (0.0 to 5.0 stars): built once each.
    return stars(lit, f"Rated {shown} out of 5")


def plural(count) -> str:
    return "" if count == 1 else "s"


def badge(therapist) -> SafeString:
    """The "Verified" badge (templates/includes/badge.html) when earned."""
    return badge_markup() if therapist.has_badge else mark_safe("")  # noqa: S308


@cache
def badge_markup() -> SafeString:
    return mark_safe(  # noqa: S308 - our own template
        render_to_string("includes/badge.html", {"therapist": {"has_badge": True}})
    )


def back_pain_words(therapist) -> str:
    """The card's back-pain experience in a sentence, not a code."""
    years, percent = therapist.back_pain_years, therapist.back_pain_caseload_percent
    if years:
        words = f"Has treated back pain for {years} year{plural(years)}"
    else:
        words = "Treating back pain for less than a year"
    if percent:
        words += f"; about {percent}% of clients come with back pain"
    return words


@dataclass(frozen=True)
class Chip:
    words: str
    # What the visitor searched for: shown first, with a tick.
    searched: bool = False
    # A condition treated, not a technique.
    condition: bool = False


# A card names at most this many techniques and conditions, then "+N more".
MAX_CHIPS = 3


def card_chips(therapist, searched=None) -> tuple[list[Chip], int]:
    """The chips a card shows (searched techniques and conditions first) and
    how many techniques it leaves out. Reads the prefetched techniques only."""
    wanted = searched.techniques if searched else frozenset()
    techniques = [link.technique for link in therapist.technique_links.all()]
    chips = [Chip(t.name, searched=True) for t in techniques if t.slug in wanted]
    if searched and searched.conditions:
        # Saying so needs no query per card: every match treats one of them.
        chips.append(Chip(searched.condition_words, searched=True, condition=True))
    chips += [Chip(t.name) for t in techniques if t.slug not in wanted]
    return chips[:MAX_CHIPS], max(len(chips) - MAX_CHIPS, 0)


# The search form's renderer instance holds the Jinja2 engine for app templates.
CARDS = Jinja2()
CARD_HELPERS = {
    "average_stars": average_stars,
    "plural": plural,
    "badge": badge,
    "back_pain_words": back_pain_words,
}


def profile_url_maker():
    """A function from a therapist to their profile's URL: one reverse() for a
    whole list of cards, not one per card (a slug is safe in a URL as it is)."""
    head, _, tail = reverse("profiles:detail", kwargs={"slug": SLUG_MARK}).partition(
        SLUG_MARK
    )

    def profile_url(therapist) -> str:
        slug = therapist.slug
        if SLUG_CHARACTERS.fullmatch(slug):
            return f"{head}{slug}{tail}"
        return therapist.get_absolute_url()

    return profile_url


SLUG_MARK = "slug-mark"
SLUG_CHARACTERS = re.compile(r"[-a-zA-Z0-9_]+")


def card_context(therapist, searched=None, profile_url=None, today=None) -> dict:
    """What result_card.html reads for one therapist (see result_card());
    `profile_url` and `today` are worked out once for a list of cards."""
    chips, more = card_chips(therapist, searched or None)
    # Only when the visitor searched for access (the card stays short on a
    # phone otherwise; the profile lists it all): what holds, searched first.
    wanted = searched.access if searched else frozenset()
    access = (
        sorted(
            therapist.access_checklist.stated,
            key=lambda item: item.code not in wanted,
        )
        if wanted
        else []
    )
    # The same for ways to pay: every match states those searched; any
    # others it states follow them.
    paying = searched.payment if searched else frozenset()
    ways = (
        sorted(
            payment.stated(therapist.payment_bits),
            key=lambda item: item.code not in paying,
        )
        if paying
        else []
    )
    return {
        "therapist": therapist,
        "profile_url": (profile_url or profile_url_maker())(therapist),
        "chips": chips,
        "more_chips": more,
        "access": access,
        "ways": ways,
        # Only when hours were searched, as access: what the week holds.
        "hours": availability.summary_words(therapist.hours_bits)
        if searched and searched.hours
        else "",
        # Every match of a gentle=on search offers it: no column read.
        "gentle": comfort.GENTLE_CARD_WORDS if searched and searched.gentle else "",
        "profile_query": searched.profile_query if searched else "",
        # The length searched (default 60), else the nearest offered.
        "price": therapist.price_for(searched.length if searched else None),
        # Therapist.details_confirmation, on the day the list is for.
        "confirmation": freshness.confirmation(
            therapist.details_confirmed_on, today or timezone.localdate()
        ),
    }


def render_card(therapist, searched=None, profile_url=None, today=None) -> str:
    """One card's markup (autoescaped by Jinja2); see card_context()."""
    card = CARDS.get_template("therapists/result_card.html")
    return card.render(
        {**card_context(therapist, searched, profile_url, today), **CARD_HELPERS}
    )


@register.simple_tag
def result_card(therapist, searched=None) -> SafeString:
    """`{% result_card therapist searched %}`: one search result; `searched`
    (therapists.filters.Searched) marks what the visitor searched for and
    carries their place to the profile."""
    return mark_safe(render_card(therapist, searched))  # noqa: S308 - Jinja2 autoescapes every value
