"""The search page's result cards, rendered once per therapist version.

A card shows a therapist's stored columns, techniques and nearest location,
marked with what the visitor searched for (filters.Searched) and measured from
the searched place, as of today. A rendered card is kept in the "cards" cache
(Redis when the site has it, else each process's memory; core.kept) under all
of those and the therapist's version: a number the database bumps on every
change to anything their profile shows (profiles.versions, which hands its
lookup to keep_by() from profiles.apps; everything a card shows is on the
profile). A page whose cards are kept costs one query for the versions and
one read of the cache instead of the techniques, the locations, measuring and
twenty templates.

The versions are read after the page's own statement, which read each
therapist's card columns: a change committed in between would bump a version
that a card rendered from the older columns would then be kept under. So the
key has those columns too (a digest): such a card is kept only for a page that
read the same older columns. The techniques and locations are read after the
versions, never older than they say.

The key also has the day (the badge and a confirmation's freshness are read
as of today), a digest of the card's templates, the script prefix the links
carry and the searched place's point. Entries live TIMEOUT seconds, as
kept profiles do: a release that changes a card's Python but not its template
is seen at most that late.
"""

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from core.kept import Kept, templates_digest
from therapists import search
from therapists.geocoding import GeoPoint
from therapists.models.therapist import LISTING_FIELDS
from therapists.templatetags.listing import profile_url_maker, render_card

# What the page's statement reads of each therapist for their card (has_badge:
# worked out by the statement, as of the day it ran).
CARD_COLUMNS = ("id", *LISTING_FIELDS, "has_badge")
# The card's templates: the app's Jinja2 ones and the badge (a Django one).
TEMPLATES = (
    Path(__file__).parent / "jinja2",
    Path(__file__).resolve().parent.parent / "templates" / "includes",
)

# therapist ids -> each one's version (a string that changes whenever anything
# shown of them changes).
VersionsOf = Callable[[Sequence[int]], dict[int, str]]

TIMEOUT = 300
KEPT = Kept("cards", TIMEOUT, "card cache")
_versions_of: VersionsOf | None = None


def keep_by(versions_of: VersionsOf | None) -> None:
    """Key cards by `versions_of` (None: render every card every time)."""
    global _versions_of
    _versions_of = versions_of


def _canonical(value):
    # A set's order differs from one process to the next.
    if isinstance(value, frozenset | set):
        return tuple(sorted(value))
    return value


def _context_digest(point: GeoPoint | None, searched, today) -> str:
    """What a card reads besides the therapist: the same for a page's cards."""
    marked = (
        tuple(
            (field.name, _canonical(getattr(searched, field.name)))
            for field in dataclasses.fields(searched)
        )
        if searched
        else None
    )
    parts = (
        *(templates_digest(directory) for directory in TEMPLATES),
        get_script_prefix(),
        (point.latitude, point.longitude) if point else None,
        marked,
        today.isoformat(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _columns_digest(therapist) -> str:
    """The card columns the page's statement read of this therapist."""
    read = therapist.__dict__
    values = tuple(read.get(name) for name in CARD_COLUMNS)
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


def page_of_cards(results, searched) -> SafeString:
    """The cards of a search's page (search.SearchResults, run with
    ready=False), each in an <li>, for `searched` (filters.Searched)."""
    point, today = results.point, timezone.localdate()

    def ready(therapists):
        search.ready_cards(therapists, point)

    def render(therapists):
        profile_url = profile_url_maker()
        return [render_card(t, searched, profile_url, today) for t in therapists]

    return rendered(
        list(results.page.object_list),
        point,
        searched,
        today=today,
        ready=ready,
        render=render,
    )


def rendered(
    therapists: list,
    point: GeoPoint | None,
    searched,
    *,
    today,
    ready: Callable[[list], None],
    render: Callable[[list], list[str]],
) -> SafeString:
    """The cards of `therapists`, in order, each in an <li>: the kept ones from
    the cache; the others given what their cards read (`ready`), rendered as
    of `today` (`render`: one card's markup per therapist) and kept."""
    html_of: dict[int, str] = {}
    keys: dict[int, str] = {}
    if therapists and _versions_of is not None:
        context = _context_digest(point, searched, today)
        versions = _versions_of([t.pk for t in therapists])
        keys = {
            t.pk: f"card:{t.pk}:{versions[t.pk]}:{_columns_digest(t)}:{context}"
            for t in therapists
        }
        found = KEPT.get_many(keys.values())
        html_of = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [t for t in therapists if t.pk not in html_of]
    if missing:
        ready(missing)
        fresh = dict(zip((t.pk for t in missing), render(missing), strict=True))
        if keys:
            KEPT.set_many({keys[pk]: html for pk, html in fresh.items()})
        html_of |= fresh
    return mark_safe(  # noqa: S308 - each card rendered by Jinja2, which escapes
        "".join(f"<li>{html_of[t.pk]}</li>" for t in therapists)
    )
