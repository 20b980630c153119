"""The profile as most visitors see it, rendered once per version.

A visitor who is not logged in and asks for the plain profile (no place, no
review filter, no page: no query string at all) gets the same page as any
other such visitor, but for their CSRF token and whether the therapist is on
their shortlist. So that page's content is kept in the "pages" cache (Redis
when the site has it, else each process's memory; core.kept), keyed by:

- the therapist and their slug, and the versions of what their profile shows
  and of what every profile shows (profiles.versions: bumped by the database
  on every change, whoever makes it);
- today's date (a credential's expiry, the badge, a confirmation's freshness
  and the next opening are read as of today);
- the scheme and host the structured data's links are written with;
- whether the therapist is on the visitor's shortlist;
- the page's format: its Jinja2 templates, the entry's fields and the CSRF
  mark, so a release that changes them, or a new SECRET_KEY, misses what the
  release before kept (in a Redis both share).

Windows that end at the present moment (responsiveness, the recent negative
reviews) move on by the minute without any change in the data: an entry
lives TIMEOUT seconds, so such an edge is seen at most that late; so is a
change to the page's Python alone, released without a template.

The CSRF token is written as a mark (a keyed hash, which no therapist or
reviewer can know to type) and each response gets its visitor's own token in
its place. The content is kept compressed (a sixth of its size: a crawl of
every profile fills a shared Redis six times slower). A cache that fails is
read past (core.kept).
"""

import hashlib
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.compiled import Prepared
from core.kept import Kept, templates_digest
from profiles.models import ProfileVersion
from profiles.versions import EVERY_PROFILE
from shortlist import session as shortlist
from therapists.models import Therapist

TIMEOUT = 300
KEPT = Kept("pages", TIMEOUT, "page cache")


def _version(of):
    return Coalesce(
        Subquery(ProfileVersion.objects.filter(therapist_id=of).values("version")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _versions(*, slug: str):
    # Each profile's row, and row 0 (EVERY_PROFILE) for all of them.
    return (
        Therapist.objects.published()
        .filter(slug=slug)
        .annotate(own=_version(OuterRef("pk")), every=_version(EVERY_PROFILE))
        .values("pk", "own", "every")
    )


VERSIONS = Prepared(_versions, {"slug": "first-example"}, {"slug": "second-example"})


def csrf_mark() -> str:
    """What stands for the visitor's CSRF token in a kept page."""
    return salted_hmac(
        "profiles.page_cache", "csrf token", algorithm="sha256"
    ).hexdigest()


def csrf_input_mark() -> SafeString:
    """The hidden field Django's `csrf_input` writes, with the mark for a value."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_mark()
    )


def with_token(html: str, request) -> SafeString:
    """A kept profile's content with the visitor's own CSRF token in place of
    the mark."""
    return mark_safe(  # noqa: S308 - rendered by the page's own templates
        html.replace(csrf_mark(), get_token(request))
    )


@dataclass(frozen=True)
class Entry:
    """What the page's template needs of a kept profile (`content`: the
    profile's HTML, compressed, with the CSRF mark in it)."""

    display_name: str
    headline: str
    content: bytes
    structured_data: str

    @classmethod
    def of(cls, *, display_name: str, headline: str, html: str, structured_data: str):
        return cls(
            display_name, headline, zlib.compress(html.encode()), structured_data
        )

    @property
    def html(self) -> str:
        return zlib.decompress(self.content).decode()

    def context(self, request) -> dict:
        return {
            # The title and description blocks read these two alone.
            "therapist": {"display_name": self.display_name, "headline": self.headline},
            "profile_html": with_token(self.html, request),
            "structured_data": mark_safe(self.structured_data),  # noqa: S308 - as above
        }


def page_format() -> str:
    """What a kept page's reading depends on besides the data (see above)."""
    templates = templates_digest(Path(__file__).parent / "jinja2")
    return f"{templates}:{[f.name for f in fields(Entry)]}:{csrf_mark()}"


class Slot:
    """Where one visitor's plain profile is kept, or None when theirs is not
    the page everyone gets (see the module's docstring)."""

    @classmethod
    def for_request(cls, request, slug: str) -> "Slot | None":
        if (
            request.method not in ("GET", "HEAD")
            or request.META.get("QUERY_STRING")
            or request.user.is_authenticated
        ):
            return None
        found = VERSIONS(slug=slug)
        if not found:
            # Unpublished or missing: the view says so, as it always has.
            return None
        row = found[0]
        listed = row["pk"] in shortlist.therapist_ids(request)
        parts = (
            row["pk"],
            slug,
            row["own"],
            row["every"],
            timezone.localdate().isoformat(),
            request.scheme,
            request.get_host(),
            int(listed),
            page_format(),
        )
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
        return cls(f"profile:{row['pk']}:{digest}")

    def __init__(self, key: str):
        self.key = key

    def get(self) -> Entry | None:
        return KEPT.get(self.key)

    def keep(self, entry: Entry) -> None:
        KEPT.set(self.key, entry)
