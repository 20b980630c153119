"""The profile's reviews: the share from verified clients, what the mark means,
the switch to verified clients only (with the other filters and the pages),
and the pages of reviews."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    body = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(body.split())


def titles(response) -> list[str]:
    found = re.findall(r'class="review__title">(.*?)</h3>', response.content.decode())
    return [html.unescape(title) for title in found]


def links(response, label: str) -> list[str]:
    """The hrefs of the links whose text starts with `label`."""
    page = response.content.decode()
    found = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>\s*' + re.escape(label), page)
    return [html.unescape(href) for href in found]


def profile(client, therapist, **params):
    response = client.get(therapist.get_absolute_url(), params)
    assert response.status_code == 200
    return response


@pytest.fixture
def mixed(therapist):
    """Two reviews from verified clients and three from others."""
    factories.make_review(
        therapist,
        refresh=False,
        title="Verified sciatica",
        rating=5,
        is_verified_client=True,
        condition=factories.condition("sciatica"),
    )
    factories.make_review(
        therapist,
        refresh=False,
        title="Verified neck",
        rating=4,
        is_verified_client=True,
        condition=factories.condition("neck-pain"),
    )
    for title, rating in (("Plain one", 2), ("Plain two", 1), ("Plain three", 3)):
        factories.make_review(therapist, refresh=False, title=title, rating=rating)
    factories.make_review(
        therapist, title="Held verified", status="held", is_verified_client=True
    )
    return therapist


def test_the_summary_shows_the_verified_share_and_their_average(client, mixed):
    text = text_of(profile(client, mixed))

    assert "2 of 5 reviews from verified clients, who rate 4.5 on average" in text


def test_no_verified_review_says_none_without_an_average(client, therapist):
    factories.make_reviews(therapist, [5, 4])

    text = text_of(profile(client, therapist))

    assert "0 of 2 reviews from verified clients" in text
    assert "who rate" not in text


def test_the_profile_explains_what_verified_means(client, mixed):
    text = text_of(profile(client, mixed))

    assert "What “verified client” means" in text
    assert "used a one-time invitation from Dana Owner" in text
    assert "both recorded a session together" in text
    assert "An accepted request to ask before booking is not enough" in text


def test_the_switch_lists_only_reviews_from_verified_clients(client, mixed):
    response = profile(client, mixed, reviews="verified")

    assert titles(response) == ["Verified neck", "Verified sciatica"]
    assert "Verified clients only (2)" in text_of(response)
    assert "All reviews (5)" in text_of(response)
    # The overall figures stay those of every review.
    assert "2 of 5 reviews from verified clients" in text_of(response)


def test_every_review_is_listed_by_default(client, mixed):
    assert len(titles(profile(client, mixed))) == 5


def test_the_switch_links_keep_the_other_choices_and_restart_the_pages(client, mixed):
    response = profile(client, mixed, sort="lowest", near="10001", page="2")

    (verified,) = links(response, "Verified clients only")
    (everyone,) = links(response, "All reviews")
    assert "reviews=verified" in verified
    assert "sort=lowest" in verified and "near=10001" in verified
    assert "page=" not in verified
    assert "reviews=" not in everyone and "sort=lowest" in everyone


def test_the_current_choice_is_marked_for_screen_readers(client, mixed):
    page = profile(client, mixed, reviews="verified").content.decode()

    assert re.search(r'reviews=verified#reviews" aria-current="true">', page)
    assert not re.search(r'aria-current="true">All reviews', page)


def test_the_filter_form_keeps_the_verified_choice(client, mixed):
    page = profile(client, mixed, reviews="verified").content.decode()

    assert '<input type="hidden" name="reviews" value="verified">' in page


def test_verified_combines_with_condition_and_sort(client, mixed):
    response = profile(client, mixed, reviews="verified", condition="sciatica")
    assert titles(response) == ["Verified sciatica"]

    response = profile(client, mixed, reviews="verified", sort="lowest")
    assert titles(response) == ["Verified neck", "Verified sciatica"]


def test_no_verified_review_says_so(client, therapist):
    factories.make_reviews(therapist, [5])

    response = profile(client, therapist, reviews="verified")

    assert titles(response) == []
    assert "No reviews match from verified clients." in text_of(response)


@pytest.mark.parametrize("value", ["yes", "VERIFIED", "<b>", ""])
def test_an_unknown_value_lists_every_review(client, mixed, value):
    assert len(titles(profile(client, mixed, reviews=value))) == 5


# --- pages ----------------------------------------------------------------------


def test_reviews_past_twenty_are_on_the_next_page(client, therapist):
    factories.make_reviews(therapist, [5] * 23)

    first = profile(client, therapist)
    second = profile(client, therapist, page="2")

    assert len(titles(first)) == 20
    assert len(titles(second)) == 3
    assert "Page 1 of 2" in text_of(first)
    assert links(first, "More reviews") == ["?page=2#reviews"]
    assert links(second, "← Previous reviews") == ["?page=1#reviews"]


def test_the_verified_pages_count_only_verified_reviews(client, therapist):
    factories.make_reviews(therapist, [5] * 21, is_verified_client=True)
    factories.make_reviews(therapist, [4] * 25)

    first = profile(client, therapist, reviews="verified", sort="newest")
    second = profile(client, therapist, reviews="verified", page="2")

    assert "Page 1 of 2" in text_of(first)
    (more,) = links(first, "More reviews")
    assert "reviews=verified" in more and "page=2" in more and "sort=newest" in more
    assert len(titles(second)) == 1


@pytest.mark.parametrize("page", ["x", "0", "99", "-1", "9" * 30])
def test_a_page_out_of_range_shows_the_nearest_real_one(client, therapist, page):
    factories.make_reviews(therapist, [5] * 21)

    response = profile(client, therapist, page=page)

    assert len(titles(response)) in (1, 20)


def test_a_filtered_list_is_paged_by_its_own_count(client, therapist):
    factories.make_reviews(
        therapist, [5] * 21, condition=factories.condition("sciatica")
    )
    factories.make_reviews(therapist, [4] * 3)

    response = profile(client, therapist, condition="sciatica", page="2")

    assert len(titles(response)) == 1
    assert "Page 2 of 2" in text_of(response)


def test_the_verified_list_costs_no_more_queries_than_all_reviews(client, mixed):
    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            profile(client, mixed, **params)
        return len(captured)

    profile(client, mixed)  # warm the caches the page keeps
    # All reviews asked for by page number: with a query string, as the
    # verified list, so neither comes from the page cache (profiles.page_cache).
    assert queries(reviews="verified") == queries(page="1")
    factories.make_reviews(mixed, [5] * 30, is_verified_client=True)
    assert queries(reviews="verified", page="2") == queries(page="1")
