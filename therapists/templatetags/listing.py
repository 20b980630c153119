"""Markup repeated on every result card and review.

A star row is one of six strings built once per process, and a result card is
rendered by Jinja2 (therapists/jinja2/therapists/result_card.html): through the
Django template engine, twenty cards cost more than the rest of the search page
(see docs/performance.md).
"""

import math
from functools import cache

from django import template
from django.forms.renderers import Jinja2
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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
    return stars(math.floor(average + 0.5), f"Rated {average:.1f} out of 5")


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


# The search form's renderer instance holds the Jinja2 engine for app templates.
CARDS = Jinja2()
CARD_HELPERS = {"average_stars": average_stars, "plural": plural, "badge": badge}


@register.simple_tag
def result_card(therapist) -> SafeString:
    """`{% result_card therapist %}`: one search result (autoescaped by Jinja2)."""
    card = CARDS.get_template("therapists/result_card.html")
    return mark_safe(  # noqa: S308 - Jinja2 autoescapes every value
        card.render({"therapist": therapist, **CARD_HELPERS})
    )
