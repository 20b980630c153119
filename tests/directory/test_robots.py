"""/robots.txt: where the sitemap is, and private areas kept from crawlers."""

import re

import pytest
from django.urls import reverse

from tests import factories


def rules(text: str) -> list[tuple[str, str]]:
    """(allow|disallow, pattern) of the one group, for every user agent."""
    return [
        (field.lower(), value.strip())
        for field, value in re.findall(r"^(Allow|Disallow):(.*)$", text, re.M)
    ]


def allowed(text: str, path: str) -> bool:
    """How Google reads robots.txt: the longest matching pattern wins (`*` any
    characters, `$` the end), Allow on a tie; no match is allowed."""
    best = None
    for kind, pattern in rules(text):
        regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\$", "$")
        if pattern and re.match(regex, path):
            key = (len(pattern), kind == "allow")
            if best is None or key > best[0]:
                best = (key, kind)
    return best is None or best[1] == "allow"


@pytest.fixture
def robots(db, client) -> str:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode()


def test_it_points_at_the_sitemap_with_an_absolute_url(robots):
    assert "\nSitemap: http://testserver/sitemap.xml\n" in robots
    assert robots.splitlines()[2] == "User-agent: *"


def test_private_pages_are_kept_from_crawlers(robots, therapist):
    review = factories.make_review(therapist)
    private = [
        reverse("dashboard:home"),
        reverse("dashboard:profile"),
        reverse("accounts:me"),
        reverse("login"),
        reverse("accounts:signup"),
        reverse("verification:queue"),
        reverse("corrections:queue"),
        reverse("reviews:moderation"),
        "/admin/",
        reverse("shortlist:shortlist"),
        reverse("shortlist:compare"),
        reverse("interviews:inbox"),
        reverse("interviews:request", args=[therapist.slug]),
        reverse("reviews:write", args=[therapist.slug]),
        reverse("reviews:report", args=[review.pk]),
        reverse("corrections:report", args=[therapist.slug]),
        reverse("recommendations:recommend", args=[therapist.slug]),
        reverse("recommendations:clinician-home"),
        reverse("shortlist:toggle", args=[therapist.slug]),
        reverse("reviews:client-sessions", args=[therapist.slug]),
        reverse("profiles:print", args=[therapist.slug]),
        # Searches with filters, and a profile measured from any place.
        reverse("therapists:list") + "?technique=deep-tissue",
        reverse("profiles:detail", args=[therapist.slug]) + "?near=10001",
        # The API's lists.
        "/api/v1/therapists/?near=10001",
    ]
    assert [path for path in private if allowed(robots, path)] == []


def test_public_pages_stay_open_to_crawlers(robots, therapist):
    public = [
        reverse("home"),
        reverse("how-we-rank"),
        reverse("massage-evidence"),
        reverse("therapists:list"),
        reverse("profiles:detail", args=[therapist.slug]),
        reverse("states:index"),
        reverse("states:detail", kwargs={"code": "ny"}),
        reverse("hsds:index"),
        reverse("hsds:download"),
        reverse("sitemap"),
        "/api/v1/docs/",
        "/api/v1/schema/",
    ]
    assert [path for path in public if not allowed(robots, path)] == []


def test_the_matcher_reads_rules_as_google_does():
    text = "User-agent: *\nDisallow: /a/\nAllow: /a/b/\nDisallow: /*/x/$\n"
    assert not allowed(text, "/a/c/")
    assert allowed(text, "/a/b/c")
    assert not allowed(text, "/q/x/")
    assert allowed(text, "/q/x/y")
