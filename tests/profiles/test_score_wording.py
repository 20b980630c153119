"""The profile's "Why this therapist ranks here": each part of the score in
words that agree with the numbers beside it, and, when the visitor came from a
search near a place, the closeness that makes the best match."""

import re

import pytest

from tests import factories
from therapists import geocoding, ranking

pytestmark = pytest.mark.django_db


def why_ranked(response) -> str:
    """The visible text of the score section."""
    html = response.content.decode()
    match = re.search(
        r'<section class="card" aria-labelledby="why-rank">(.*?)</section>', html, re.S
    )
    assert match, "no score section"
    # A meter's content is a fallback browsers do not show beside the meter.
    shown = re.sub(r"<meter[^>]*>.*?</meter>", "", match.group(1), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", shown)
    return re.sub(r"\s+", " ", text).strip()


def viewer_client(client, viewer, therapist):
    if viewer == "client":
        client.force_login(factories.make_user())
    elif viewer == "other therapist":
        client.force_login(factories.make_therapist().user)
    elif viewer == "owner":
        client.force_login(therapist.user)
    elif viewer == "staff":
        client.force_login(factories.make_staff_user())
    return client


@pytest.mark.parametrize(
    "viewer", ["anonymous", "client", "other therapist", "owner", "staff"]
)
def test_no_reviews_earn_no_review_points_and_the_profile_says_so(
    client, therapist, viewer
):
    factories.make_location(therapist, "10001")
    factories.make_credential(therapist)

    text = why_ranked(
        viewer_client(client, viewer, therapist).get(therapist.get_absolute_url())
    )

    assert "Review rating 0.0 / 25 No reviews yet, so no points." in text
    assert "Clients who would recommend 0.0 / 10 No reviews yet, so no points." in (
        text
    )
    assert "Verified state licence 25.0 / 25 A current licence, verified." in text
    assert "5 years treating back pain." in text


def test_one_good_review_reads_sensibly(client, therapist):
    factories.make_review(therapist, rating=5, would_recommend=True)

    response = client.get(therapist.get_absolute_url())
    text = why_ranked(response)
    page = response.content.decode()

    # "100% would recommend" in the reviews, and beside the points why only 1.
    assert "<strong>100%</strong> would recommend" in page
    assert (
        "Clients who would recommend 1.0 / 10 1 of 1 would recommend; counts in "
        "full from 10 reviews (1 of 10 so far)."
    ) in text
    assert (
        "Review rating 2.5 / 25 Average 5.0 stars from 1 review; counts in full "
        "from 10 reviews (1 of 10 so far)."
    ) in text
    assert "Too few reviews to judge yet (1 of 1 rated 4 or 5 stars)" in text
    # No warning-like verdict on one good review, anywhere on the page.
    assert "Not yet consistently positive" not in page
    assert "Too few reviews to judge" in re.sub(r"<[^>]+>", "", page)


def test_many_reviews_count_in_full(client, therapist):
    factories.make_reviews(therapist, [5] * 8 + [4, 4, 4, 2])

    text = why_ranked(client.get(therapist.get_absolute_url()))

    assert "Average 4.5 stars from 12 reviews." in text
    assert "11 of 12 rated 4 or 5 stars." in text
    assert "counts in full" not in text


def test_without_a_searched_place_the_score_stands_alone(client, therapist):
    factories.make_location(therapist, "11201")

    text = why_ranked(client.get(therapist.get_absolute_url()))

    assert text.startswith(
        f"Why this therapist ranks here {therapist.qualification_score:.0f} of "
        f"{ranking.MAX_SCORE}"
    )
    assert "Closeness" not in text
    assert "Searching near a place adds up to 25 points for closeness." in text


def test_from_a_search_near_a_place_closeness_joins_the_score(client, therapist):
    factories.make_location(therapist, "11201")
    factories.make_reviews(therapist, [5] * 10)
    therapist.refresh_from_db()
    brooklyn = geocoding.zip_details("11201")
    miles = geocoding.geocode("10001").distance_to(
        brooklyn.latitude, brooklyn.longitude
    )
    closeness = 25 - miles

    text = why_ranked(client.get(f"{therapist.get_absolute_url()}?near=10001"))

    best = therapist.qualification_score + closeness
    assert f"{best:.0f} best match near 10001, of {ranking.MAX_BEST_MATCH}" in text
    assert (
        f"Qualification score {therapist.qualification_score:.1f} of "
        f"{ranking.MAX_SCORE}, plus "
        f"{closeness:.1f} for closeness."
    ) in text
    assert f"Closeness {closeness:.1f} / 25 {miles:.1f} miles from 10001." in text
    assert "Searching near a place" not in text


def test_a_place_further_than_25_miles_adds_no_closeness(client, therapist):
    factories.make_location(therapist, "90012")

    text = why_ranked(client.get(f"{therapist.get_absolute_url()}?near=10001"))

    assert "Closeness 0.0 / 25" in text
    assert f"{therapist.qualification_score:.0f} best match near 10001" in text


@pytest.mark.parametrize("near", ["00000", "x" * 200, "<script>", ""])
def test_a_place_we_cannot_find_leaves_the_score_alone(client, therapist, near):
    factories.make_location(therapist, "11201")

    response = client.get(therapist.get_absolute_url(), {"near": near})

    assert response.status_code == 200
    text = why_ranked(response)
    assert "Closeness" not in text
    assert f"{therapist.qualification_score:.0f} of {ranking.MAX_SCORE}" in text
