"""Nothing private ever leaves through the API: not an unpublished profile
(whoever asks, its owner included), not a held or removed review, not an email,
phone number, booking link, the way accepted clients reach a therapist,
credential evidence, staff notes or interview data, and a home-based practice
only at its city, state, ZIP and blurred point. Every endpoint answers the same
to everyone."""

import pytest
from django.contrib.auth import get_user_model

from reviews.models import Review
from tests import factories
from verification.models import Credential

pytestmark = pytest.mark.usefixtures("unlimited_api")

ENDPOINTS = [
    "/api/v1/",
    "/api/v1/therapists/",
    "/api/v1/therapists/?near=11201&radius=50",
    "/api/v1/therapists/?q=Dora",
    "/api/v1/therapists/?technique=deep-tissue&sort=reviews",
    "/api/v1/therapists/sam-studio/",
    "/api/v1/therapists/hana-home/",
    "/api/v1/therapists/sam-studio/reviews/",
    "/api/v1/therapists/hana-home/reviews/",
    "/api/v1/therapists/dora-draft/",
    "/api/v1/therapists/dora-draft/reviews/",
    "/api/v1/techniques/",
    "/api/v1/conditions/",
    "/api/v1/access/",
    "/api/v1/languages/",
]


@pytest.fixture
def secrets(world) -> list[str]:
    """Private facts planted around the world: none may appear in any answer."""
    studio = world["studio"]
    Credential.objects.filter(therapist=studio).update(
        evidence="credentials/evidence/scan-of-licence.pdf",
        roster_flag="Roster name differs",
    )
    held = Review.objects.get(title="Held review")
    held.hold_reasons = "Mentions a diagnosis"
    held.moderation_note = "Please remove the name"
    held.save()
    factories.make_interview(
        studio, pain_where="Sacrum after a fall", health_notes=["pregnant"]
    )
    author = factories.make_user(
        first_name="Quentin", last_name="Zebulon", email="quentin@private.example"
    )
    factories.make_review(studio, author=author, title="A fine session")
    return [
        *get_user_model().objects.values_list("email", flat=True),
        "@example",
        "Zebulon",
        "+1 212 555 0100",
        "book.example.org",
        '"phone"',
        "scan-of-licence",
        "Staff only: blurry scan",
        "Roster name differs",
        "Held review",
        "Removed review",
        "Mentions a diagnosis",
        "Please remove the name",
        "Sacrum after a fall",
        "pregnant",
        "12 Secret Lane",
        "40.694321",
        "-73.990123",
        "Dora Draft",
        "dora-draft",
    ]


def test_no_endpoint_says_anything_private(client, world, secrets):
    for url in ENDPOINTS:
        text = client.get(url).content.decode()
        for secret in secrets:
            if secret == "dora-draft" and "dora-draft" in url:
                continue  # the 404 does not repeat the address, but skip the URL
            assert secret not in text, (url, secret)


@pytest.fixture
def visitors(world, client_user, other_therapist, staff_user):
    """Who might ask: nobody signed in, a client, another therapist, the
    unpublished profile's owner, staff."""
    return {
        "anonymous": None,
        "client": client_user,
        "another therapist": other_therapist.user,
        "owner of the draft": world["draft"].user,
        "staff": staff_user,
    }


def test_every_endpoint_answers_everyone_the_same(client, world, visitors):
    answers = {}
    for who, user in visitors.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        answers[who] = {url: _answer(client, url) for url in ENDPOINTS}
    first = answers.pop("anonymous")
    for who, theirs in answers.items():
        assert theirs == first, who


def _answer(client, url):
    response = client.get(url)
    return response.status_code, response.json()


def test_the_owner_of_an_unpublished_profile_cannot_see_it(client, world):
    client.force_login(world["draft"].user)
    assert client.get("/api/v1/therapists/dora-draft/").status_code == 404
    assert client.get("/api/v1/therapists/dora-draft/reviews/").status_code == 404
    listed = client.get("/api/v1/therapists/?technique=deep-tissue").json()
    assert "dora-draft" not in [r["slug"] for r in listed["results"]]


def test_signed_in_answers_are_not_stored_by_shared_caches(client, world):
    client.force_login(world["draft"].user)
    response = client.get("/api/v1/therapists/sam-studio/")
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_home_based_practice_shows_only_its_area(client, world):
    home = world["home"]
    location = home.locations.get()
    for url in [
        "/api/v1/therapists/hana-home/",
        "/api/v1/therapists/?near=11201",
    ]:
        body = client.get(url).json()
        if "results" in body:
            (body,) = [r for r in body["results"] if r["slug"] == home.slug]
        therapist = body
        (shown,) = therapist["locations"]
        assert shown["home_based"] is True
        assert shown["street_address"] is None
        assert shown["address"] == f"{location.city}, {location.state}"
        assert shown["postal_code"] == "11201"
        # The blurred point (about a kilometre), never the one geocoded.
        assert (shown["latitude"], shown["longitude"]) == (40.69, -73.99)


def test_a_held_review_counts_nowhere(client, world):
    studio = world["studio"]
    before = client.get(f"/api/v1/therapists/{studio.slug}/").json()["reviews"]
    factories.make_review(studio, rating=1, title="Held too", status="held")
    after = client.get(f"/api/v1/therapists/{studio.slug}/").json()["reviews"]
    assert after == before
    reviews = client.get(f"/api/v1/therapists/{studio.slug}/reviews/").json()
    assert "Held too" not in [r["title"] for r in reviews["results"]]


def test_an_earlier_version_of_a_review_is_not_listed(client, world):
    studio = world["studio"]
    author = factories.make_user()
    factories.make_review(studio, author=author, title="First take")
    factories.make_review(studio, author=author, title="Second take")
    titles = [
        r["title"]
        for r in client.get(f"/api/v1/therapists/{studio.slug}/reviews/").json()[
            "results"
        ]
    ]
    assert "Second take" in titles and "First take" not in titles
