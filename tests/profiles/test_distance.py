"""The profile says how far the therapist is from the place the visitor searched
near (?near=, carried by the search's result cards)."""

import re

import pytest

from tests import factories
from therapists import geocoding

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_places():
    """A therapist in Brooklyn and in Los Angeles: Brooklyn is the nearer to 10001."""
    therapist = factories.make_therapist(display_name="Wen Two", slug="wen-two")
    factories.make_location(therapist, "90012")
    factories.make_location(therapist, "11201", name="Brooklyn studio")
    return therapist


def distance_line(html: str) -> str:
    match = re.search(r'<p class="profile-hero__distance">(.*?)</p>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))) if match else ""


def test_the_profile_shows_the_distance_to_the_nearest_location(client, two_places):
    html = client.get(f"{two_places.get_absolute_url()}?near=10001").content.decode()
    brooklyn = geocoding.zip_details("11201")
    miles = geocoding.geocode("10001").distance_to(
        brooklyn.latitude, brooklyn.longitude
    )
    assert distance_line(html) == (
        f"{miles:.1f} mi from 10001 to their nearest location, in Brooklyn, NY"
    )


def test_a_city_and_state_is_measured_from_too(client, two_places):
    url = f"{two_places.get_absolute_url()}?near=Los+Angeles,++CA"
    line = distance_line(client.get(url).content.decode())
    assert re.fullmatch(
        r"\d+\.\d mi from Los Angeles, CA "
        r"to their nearest location, in Los Angeles, CA",
        line,
    )


def test_the_place_stays_on_the_way_back_and_when_reviews_are_filtered(
    client, two_places
):
    factories.make_review(two_places, rating=5)
    html = client.get(f"{two_places.get_absolute_url()}?near=10001").content.decode()
    assert 'href="/therapists/?near=10001">Find a therapist</a>' in html
    assert '<input type="hidden" name="near" value="10001">' in html


@pytest.mark.parametrize(
    "near",
    ["", "00000", "Atlantis, ZZ", "x" * 61, "%00", "10001%0A<script>", "💥"],
)
def test_a_bad_place_is_ignored_quietly(client, two_places, near):
    response = client.get(f"{two_places.get_absolute_url()}?near={near}")
    assert response.status_code == 200
    html = response.content.decode()
    assert distance_line(html) == ""
    assert 'name="near"' not in html
    assert "<script>" not in html.split("<body>")[1].split("<footer")[0].replace(
        '<script src="', ""
    )


def test_a_therapist_without_locations_shows_no_distance(client):
    therapist = factories.make_therapist(slug="nowhere")
    html = client.get(f"{therapist.get_absolute_url()}?near=10001").content.decode()
    assert distance_line(html) == ""


def test_a_home_based_practice_says_the_distance_is_approximate(client):
    therapist = factories.make_therapist(slug="home-based")
    factories.make_location(therapist, "11201", is_home_based=True)
    html = client.get(f"{therapist.get_absolute_url()}?near=10001").content.decode()
    assert re.fullmatch(
        r"\d+\.\d mi from 10001 \(approximate: a home-based practice\)",
        distance_line(html),
    )


def test_one_location_is_not_named_again(client):
    therapist = factories.make_therapist(slug="one-place")
    factories.make_location(therapist, "11201")
    html = client.get(f"{therapist.get_absolute_url()}?near=10001").content.decode()
    assert re.fullmatch(r"\d+\.\d mi from 10001", distance_line(html))


@pytest.mark.parametrize("who", ["anonymous", "client", "other", "owner", "staff"])
def test_everyone_who_may_see_the_profile_sees_the_distance(
    client, client_user, other_therapist, staff_user, two_places, who
):
    users = {
        "client": client_user,
        "other": other_therapist.user,
        "owner": two_places.user,
        "staff": staff_user,
    }
    if who in users:
        client.force_login(users[who])
    html = client.get(f"{two_places.get_absolute_url()}?near=10001").content.decode()
    assert " mi from 10001 " in distance_line(html)


@pytest.mark.parametrize(("who", "status"), [("anonymous", 404), ("owner", 200)])
def test_a_place_opens_no_draft(client, who, status):
    draft = factories.make_therapist(slug="draft-near", is_published=False)
    factories.make_location(draft, "10001")
    if who == "owner":
        client.force_login(draft.user)
    response = client.get(f"{draft.get_absolute_url()}?near=10001")
    assert response.status_code == status


def test_the_distance_costs_no_query(
    client, two_places, django_assert_num_queries, django_assert_max_num_queries
):
    url = two_places.get_absolute_url()
    client.get(url)  # warm the ZIP index and the site mean
    # With a query string, as the page with a place: never from the page
    # cache (profiles.page_cache), so both are rendered.
    with django_assert_max_num_queries(5) as plain:
        client.get(f"{url}?page=1")
    with django_assert_num_queries(len(plain.captured_queries)):
        response = client.get(f"{url}?near=10001")
    assert " mi from 10001 " in distance_line(response.content.decode())
