"""The reviews section of a therapist's profile: summary figures, the
"consistently positive" indicator, and filtering and sorting the list."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews import stats
from reviews.models import ReviewResponse
from tests import factories

pytestmark = pytest.mark.django_db

RULE = (
    "Our rule: At least 5 reviews, at least 80% of them 4 or 5 stars, and no more "
    "than 1 of 1 or 2 stars in the last 12 months."
)
MEETS = "✓ Consistently positive"
NOT_YET = "Not yet consistently positive"


def visible_text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(text.split())


def review_titles(response) -> list[str]:
    """Titles of the reviews listed on the profile, top to bottom."""
    found = re.findall(r'class="review__title">(.*?)</h3>', response.content.decode())
    return [html.unescape(title) for title in found]


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def profile(client, therapist, **params):
    response = client.get(therapist.get_absolute_url(), params)
    assert response.status_code == 200
    return response


# --- summary ----------------------------------------------------------------------


def test_profile_without_reviews_says_so(client, therapist):
    text = visible_text(profile(client, therapist))

    assert "No reviews yet" in text
    assert "% would recommend" not in text


def test_profile_shows_average_count_and_recommend_share(client, therapist):
    factories.make_reviews(therapist, [5, 5, 4, 2, 1])

    text = visible_text(profile(client, therapist))

    assert "3.4 (5)" in text  # the facts panel
    assert "5 reviews · 60% rated 4 or 5 stars" in text
    assert "60% would recommend" in text
    assert 'aria-label="Rated 3.4 out of 5"' in profile(client, therapist).text


def test_profile_shows_the_star_distribution(client, therapist):
    factories.make_reviews(therapist, [5, 5, 4, 2, 1])

    text = visible_text(profile(client, therapist))

    assert "5 stars 40% 2" in text
    assert "4 stars 20% 1" in text
    assert "3 stars 0% 0" in text
    assert "2 stars 20% 1" in text
    assert "1 star 20% 1" in text


def test_profile_shows_the_four_aspect_averages(client, therapist):
    factories.make_review(
        therapist,
        refresh=False,
        pain_relief=5,
        communication=4,
        technique=3,
        professionalism=5,
    )
    factories.make_review(
        therapist, pain_relief=4, communication=4, technique=2, professionalism=4
    )

    response = profile(client, therapist)

    text = visible_text(response)
    assert "Pain relief 4.5" in text
    assert "Listening and communication 4.0" in text
    assert "Pressure and technique 2.5" in text
    assert "Professionalism 4.5" in text
    assert 'aria-label="Pressure and technique: 2.5 out of 5"' in response.text


def test_recommend_share_counts_only_reviews_that_count(client, therapist):
    factories.make_reviews(therapist, [5, 2], would_recommend=True)
    factories.make_review(therapist, rating=1, would_recommend=False, status="held")

    assert "100% would recommend" in visible_text(profile(client, therapist))


def test_profile_lists_only_reviews_that_count(client, therapist):
    factories.make_review(therapist, title="Published one")
    factories.make_review(therapist, title="Held one", status="held")
    factories.make_review(therapist, title="Removed one", status="removed")
    replaced = factories.make_review(therapist, title="Replaced one")
    factories.make_review(therapist, author=replaced.author, title="Replacement")

    assert review_titles(profile(client, therapist)) == [
        "Replacement",
        "Published one",
    ]


# --- consistently positive --------------------------------------------------------


def test_indicator_is_met_with_five_mostly_positive_reviews(client, therapist):
    factories.make_reviews(therapist, [5, 5, 5, 4, 2])

    text = visible_text(profile(client, therapist))

    assert MEETS in text
    assert NOT_YET not in text
    assert RULE in text


def test_indicator_gives_no_verdict_with_fewer_than_five_reviews(client, therapist):
    # Four good reviews are not "not yet consistently positive": too few to say.
    factories.make_reviews(therapist, [5, 5, 5, 5])

    text = visible_text(profile(client, therapist))

    assert "Too few reviews to judge" in text
    assert NOT_YET not in text
    assert MEETS not in text
    assert RULE in text


def test_indicator_is_not_met_under_eighty_percent_positive(client, therapist):
    factories.make_reviews(therapist, [5, 5, 5, 4, 3, 3])  # 67% are 4 or 5 stars

    assert NOT_YET in visible_text(profile(client, therapist))


def test_indicator_is_not_met_with_two_recent_low_ratings(client, therapist):
    # 80% positive, but two 1-2 star reviews in the last 12 months.
    factories.make_reviews(therapist, [5] * 8 + [2], created_at=days_ago(300))
    factories.make_review(therapist, rating=1)

    text = visible_text(profile(client, therapist))

    assert NOT_YET in text
    assert MEETS not in text


def test_low_rating_older_than_twelve_months_does_not_count_against_it(
    client, therapist
):
    factories.make_reviews(therapist, [5] * 8 + [2])
    factories.make_review(therapist, rating=1, created_at=days_ago(400))

    assert stats.summary_of(therapist).consistency["recent_negative"] == 1
    assert MEETS in visible_text(profile(client, therapist))


def test_old_low_ratings_still_count_towards_the_positive_share(client, therapist):
    factories.make_reviews(therapist, [5, 5, 5])
    factories.make_reviews(therapist, [1, 1], created_at=days_ago(400))

    therapist.refresh_from_db()
    assert stats.summary_of(therapist).consistency["recent_negative"] == 0
    assert NOT_YET in visible_text(profile(client, therapist))


def test_held_low_ratings_do_not_count_against_it(client, therapist):
    factories.make_reviews(therapist, [5, 5, 5, 5, 4])
    factories.make_review(therapist, rating=1, status="held")
    factories.make_review(therapist, rating=1, status="removed")

    assert MEETS in visible_text(profile(client, therapist))


def test_just_under_eighty_percent_positive_is_not_enough(client, therapist):
    factories.make_reviews(therapist, [5] * 35 + [3] * 9)

    assert NOT_YET in visible_text(profile(client, therapist))


# --- filtering and sorting --------------------------------------------------------


@pytest.fixture
def mixed_reviews(therapist):
    """Four reviews with distinct ratings, ages, votes and conditions."""
    rows = [
        # title, rating, days ago, helpful votes, condition
        ("Sciatica gone", 4, 3, 1, "sciatica"),
        ("Neck better", 5, 10, 7, "neck-pain"),
        ("Sciatica meh", 2, 1, 0, "sciatica"),
        ("Low back ok", 3, 20, 3, "low-back-pain"),
    ]
    for title, rating, age, votes, condition in rows:
        factories.make_review(
            therapist,
            refresh=False,
            title=title,
            rating=rating,
            created_at=days_ago(age),
            helpful_count=votes,
            condition=factories.condition(condition),
        )
    stats.review_changed(therapist)
    therapist.refresh_from_db()
    return rows


def test_condition_filter_shows_only_those_reviews(client, therapist, mixed_reviews):
    response = profile(client, therapist, condition="sciatica")

    assert review_titles(response) == ["Sciatica meh", "Sciatica gone"]
    assert "Came for sciatica" in visible_text(response)
    assert '<option value="sciatica" selected>' in response.text


def test_condition_filter_keeps_the_overall_figures(client, therapist, mixed_reviews):
    text = visible_text(profile(client, therapist, condition="sciatica"))

    assert "4 reviews" in text
    assert "3.5 (4)" in text


def test_condition_nobody_came_for_shows_no_match(client, therapist, mixed_reviews):
    response = profile(client, therapist, condition="scoliosis")

    assert review_titles(response) == []
    assert "No reviews match." in visible_text(response)


@pytest.mark.parametrize(
    ("sort", "titles"),
    [
        ("newest", ["Sciatica meh", "Sciatica gone", "Neck better", "Low back ok"]),
        ("helpful", ["Neck better", "Low back ok", "Sciatica gone", "Sciatica meh"]),
        ("highest", ["Neck better", "Sciatica gone", "Low back ok", "Sciatica meh"]),
        ("lowest", ["Sciatica meh", "Low back ok", "Sciatica gone", "Neck better"]),
    ],
)
def test_reviews_sort_by_choice(client, therapist, mixed_reviews, sort, titles):
    response = profile(client, therapist, sort=sort)

    assert review_titles(response) == titles
    assert f'<option value="{sort}" selected>' in response.text


def test_filter_and_sort_combine(client, therapist, mixed_reviews):
    response = profile(client, therapist, condition="sciatica", sort="highest")

    assert review_titles(response) == ["Sciatica gone", "Sciatica meh"]


def test_newest_is_the_default_order(client, therapist, mixed_reviews):
    assert review_titles(profile(client, therapist)) == [
        "Sciatica meh",
        "Sciatica gone",
        "Neck better",
        "Low back ok",
    ]


def test_equal_ratings_sort_newest_first(client, therapist):
    factories.make_review(therapist, title="Older five", created_at=days_ago(5))
    factories.make_review(therapist, title="Newer five", created_at=days_ago(1))

    titles = review_titles(profile(client, therapist, sort="highest"))

    assert titles == ["Newer five", "Older five"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "bogus"},
        {"sort": "-rating"},
        {"condition": "not-a-condition"},
        {"condition": "1 OR 1=1"},
        {"condition": "", "sort": ""},
        {"page": "x", "sort": "<script>"},
    ],
)
def test_invalid_filter_values_show_every_review(
    client, therapist, mixed_reviews, params
):
    response = profile(client, therapist, **params)

    assert sorted(review_titles(response)) == sorted(row[0] for row in mixed_reviews)
    assert "<script>" not in response.text.split('id="reviews"', 1)[1]


def test_profile_lists_at_most_twenty_reviews(client, therapist):
    factories.make_reviews(therapist, [5] * 21)

    response = profile(client, therapist)

    assert len(review_titles(response)) == 20
    assert "21 reviews" in visible_text(response)


def test_profile_queries_do_not_grow_with_the_number_of_reviews(client, therapist):
    def queries_for_profile():
        with CaptureQueriesContext(connection) as queries:
            profile(client, therapist)
        return len(queries)

    factories.make_reviews(therapist, [5, 4], condition=factories.condition())
    few = queries_for_profile()
    reviews = factories.make_reviews(therapist, [5, 3, 2, 1, 4, 5, 5, 4])
    for review in reviews[:3]:
        ReviewResponse.objects.create(review=review, body="Thanks for coming.")

    assert queries_for_profile() == few
