"""/sitemap.xml: an index of sections, split into pages, with lastmod; only
public pages, never drafts or private ones."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from profiles.sitemaps import TherapistSitemap
from tests import factories

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client, url) -> list[tuple[str, str | None]]:
    """(loc, lastmod) of every entry of a sitemap or sitemap index."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    # The site's own response, not untrusted input.
    root = ET.fromstring(response.content)  # noqa: S314
    return [
        (
            entry.findtext("sm:loc", namespaces=NS),
            entry.findtext("sm:lastmod", namespaces=NS),
        )
        for entry in root
    ]


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def every_url(client) -> dict[str, str | None]:
    """Every page every section lists, with its lastmod."""
    found = {}
    for section, _ in locations(client, reverse("sitemap")):
        found.update(
            (path_of(loc), lastmod)
            for loc, lastmod in locations(client, path_of(section))
        )
    return found


def test_the_index_lists_each_section(db, client):
    sections = [path_of(loc) for loc, _ in locations(client, reverse("sitemap"))]
    assert sections == [
        "/sitemap-pages.xml",
        "/sitemap-states.xml",
        "/sitemap-therapists.xml",
    ]


def test_the_site_pages_and_every_state_are_listed(db, client):
    urls = every_url(client)
    for name in (
        "home",
        "how-we-rank",
        "massage-evidence",
        "hsds:index",
        "states:index",
    ):
        assert reverse(name) in urls, name
    assert reverse("states:detail", kwargs={"code": "ny"}) in urls
    assert reverse("states:detail", kwargs={"code": "dc"}) in urls
    assert len([url for url in urls if url.startswith("/states/")]) == 52


def test_published_profiles_only_each_with_its_lastmod(db, client):
    shown = factories.make_therapist(slug="shown-one")
    factories.make_therapist(slug="draft-one", is_published=False)
    factories.make_publishable_draft(slug="almost-ready")
    urls = every_url(client)
    profile = reverse("profiles:detail", kwargs={"slug": "shown-one"})
    assert profile in urls
    # A page gives the day, in the site's time zone.
    assert urls[profile] == timezone.localdate(shown.updated_at).isoformat()
    assert not [url for url in urls if "draft-one" in url or "almost-ready" in url]


def test_no_private_page_is_ever_listed(db, client, therapist):
    factories.make_location(therapist)
    private = re.compile(
        r"^/(dashboard|accounts|staff|admin|shortlist|compare|interviews|reviews|"
        r"clinicians|sessions|api)/|/(review|interview|report|recommend|shortlist|"
        r"sessions|print)/$|\?"
    )
    urls = every_url(client)
    assert urls
    assert [url for url in urls if private.search(url)] == []


def test_a_small_limit_splits_a_section_into_pages_listed_in_the_index(
    db, client, monkeypatch
):
    monkeypatch.setattr(TherapistSitemap, "limit", 2)
    for n in range(5):
        factories.make_therapist(slug=f"paged-{n}")
    index = [path_of(loc) for loc, _ in locations(client, reverse("sitemap"))]
    pages = [url for url in index if url.startswith("/sitemap-therapists.xml")]
    assert pages == [
        "/sitemap-therapists.xml",
        "/sitemap-therapists.xml?p=2",
        "/sitemap-therapists.xml?p=3",
    ]
    listed = [path_of(loc) for page in pages for loc, _ in locations(client, page)]
    assert listed == [
        reverse("profiles:detail", kwargs={"slug": f"paged-{n}"}) for n in range(5)
    ]
    assert client.get("/sitemap-therapists.xml?p=4").status_code == 404


def test_the_index_gives_each_profile_page_the_newest_lastmod(db, client):
    factories.make_therapist(slug="first")
    newest = factories.make_therapist(slug="second")
    entries = dict(locations(client, reverse("sitemap")))
    lastmod = next(v for k, v in entries.items() if k.endswith("therapists.xml"))
    assert datetime.datetime.fromisoformat(lastmod) == newest.updated_at


def test_an_unknown_section_is_not_found(db, client):
    assert client.get("/sitemap-dashboard.xml").status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_a_page_of_profiles_costs_the_same_queries_however_many(db, client, count):
    for _ in range(count):
        factories.make_therapist()
    with CaptureQueriesContext(connection) as index_queries:
        client.get(reverse("sitemap"))
    with CaptureQueriesContext(connection) as page_queries:
        client.get("/sitemap-therapists.xml")
    # The index: the profiles' newest change and their count (the other
    # sections are lists in code); a page: its count and its rows (values, no
    # model instances).
    assert len(index_queries) == 2, [q["sql"] for q in index_queries]
    assert len(page_queries) == 2, [q["sql"] for q in page_queries]
