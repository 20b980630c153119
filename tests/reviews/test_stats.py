"""The review totals stored on each therapist, and the summary read from them."""

import pytest

from reviews import stats
from reviews.models import Review
from tests import factories

pytestmark = pytest.mark.django_db


# --- recounting the stored totals --------------------------------------------------
def test_review_changed_stores_exact_review_aggregates():
    therapist = factories.make_therapist()
    for rating in [5, 5, 4, 2, 1]:
        factories.make_review(therapist, rating=rating, refresh=False)
    factories.make_review(therapist, rating=1, is_published=False, refresh=False)
    stats.review_changed(therapist)
    therapist.refresh_from_db()
    assert therapist.rating_count == 5
    assert therapist.rating_sum == 17
    assert therapist.rating_average == pytest.approx(3.4)
    distribution = stats.summary_of(therapist).distribution
    assert [row["count"] for row in distribution] == [2, 1, 0, 1, 1]
    recount = Review.objects.counted().filter(therapist=therapist)
    assert therapist.rating_count == recount.count()


def test_review_changed_resets_aggregates_when_reviews_go():
    therapist = factories.make_therapist()
    review = factories.make_review(therapist, rating=3)
    review.delete()
    stats.reviews_changed([therapist.pk])
    therapist.refresh_from_db()
    assert (therapist.rating_count, therapist.rating_sum, therapist.rating_average) == (
        0,
        0,
        0,
    )
    assert therapist.rating_3_count == 0


# --- the distribution --------------------------------------------------------------
def test_rating_distribution_lists_five_stars_first_with_percentages(therapist):
    factories.make_reviews(therapist, [5, 5, 4, 1])
    therapist.refresh_from_db()

    assert stats.summary_of(therapist).distribution == [
        {"stars": 5, "count": 2, "percent": 50},
        {"stars": 4, "count": 1, "percent": 25},
        {"stars": 3, "count": 0, "percent": 0},
        {"stars": 2, "count": 0, "percent": 0},
        {"stars": 1, "count": 1, "percent": 25},
    ]


def test_rating_distribution_rounds_percentages(therapist):
    factories.make_reviews(therapist, [5, 4, 4])
    therapist.refresh_from_db()

    percents = [row["percent"] for row in stats.summary_of(therapist).distribution]
    assert percents == [33, 67, 0, 0, 0]


def test_rating_distribution_with_no_reviews_is_all_zero(therapist):
    distribution = stats.summary_of(therapist).distribution

    assert [row["stars"] for row in distribution] == [5, 4, 3, 2, 1]
    assert all(row["percent"] == 0 for row in distribution)
