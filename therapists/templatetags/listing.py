"""Markup repeated on every result card and review, built once per process.

A star row is one of six strings; rendering it through a template loop cost
more than the rest of a search result card (see docs/performance.md).
"""

from functools import cache

from django import template
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


@register.filter(is_safe=True)
def fixed(value, places=1) -> str:
    """`{{ 4.26|fixed:1 }}` → "4.3": fixed-point, far cheaper than floatformat."""
    try:
        return f"{float(value):.{int(places)}f}"
    except (TypeError, ValueError):
        return ""
