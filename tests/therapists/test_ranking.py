import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from tests import factories
from therapists import ranking
from therapists.models import Therapist
from verification.models import Credential

SITE_MEAN = 4.0
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}


def inputs(**overrides):
    fields = {
        "verified_licences": 0,
        "verified_certifications": 0,
        "other_verified_credentials": 0,
        "back_pain_years": 0,
        "rating_count": 0,
        "rating_sum": 0,
        "positive_count": 0,
    }
    fields.update(overrides)
    return ranking.RankingInputs(**fields)


def points(ranking_inputs, key, site_mean=SITE_MEAN):
    parts = ranking.score_parts(ranking_inputs, site_mean)
    return next(part.points for part in parts if part.key == key)


def breakdown_points(therapist, key):
    parts = ranking.breakdown(therapist, Therapist.objects.site_mean_rating())
    return next(part.points for part in parts if part.key == key)


# --- the parts -----------------------------------------------------------------
def test_max_score_is_100():
    assert ranking.MAX_SCORE == 100


def test_part_maxima_add_up_to_max_score():
    parts = ranking.score_parts(inputs(), SITE_MEAN)

    assert [part.key for part in parts] == [
        "licence",
        "certifications",
        "experience",
        "rating",
        "consistency",
        "recommend",
    ]
    assert sum(part.maximum for part in parts) == ranking.MAX_SCORE


def test_licence_part_is_full_with_a_verified_licence():
    assert points(inputs(verified_licences=1), "licence") == ranking.LICENCE_POINTS
    assert points(inputs(verified_licences=2), "licence") == ranking.LICENCE_POINTS


def test_licence_part_is_0_without_a_verified_licence():
    assert points(inputs(verified_certifications=2), "licence") == 0


@pytest.mark.django_db
def test_licence_part_counts_only_a_verified_current_licence():
    verified = factories.make_therapist()
    factories.make_credential(verified)
    pending = factories.make_therapist()
    factories.make_credential(pending, status=Credential.Status.PENDING)
    expired = factories.make_therapist()
    factories.make_credential(
        expired,
        issued_on=timezone.localdate() - datetime.timedelta(days=800),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    assert breakdown_points(verified, "licence") == ranking.LICENCE_POINTS
    assert breakdown_points(pending, "licence") == 0
    assert breakdown_points(expired, "licence") == 0


@pytest.mark.parametrize(
    ("certifications", "others", "expected"),
    [
        (0, 0, 0),
        (1, 0, 10),
        (0, 1, 5),
        (0, 2, 10),
        (1, 1, 15),
        (2, 0, 15),
        (1, 5, 15),
        (0, 10, 15),
    ],
)
def test_credential_part_caps_at_15(certifications, others, expected):
    ranking_inputs = inputs(
        verified_certifications=certifications, other_verified_credentials=others
    )

    assert points(ranking_inputs, "certifications") == expected


@pytest.mark.django_db
def test_credentials_changed_counts_only_current_verified_credentials():
    therapist = factories.make_therapist(back_pain_years=0)
    factories.make_credential(therapist)
    factories.make_credential(therapist, kind="board_certification", issuer="NCBTMB")
    factories.make_credential(
        therapist, kind="technique_certificate", issuer="MRI", expires_on=None
    )
    factories.make_credential(therapist, status="pending", issuer="Other board")
    assert therapist.verified_licence_count == 1
    assert therapist.verified_certification_count == 1
    assert therapist.other_verified_credential_count == 1
    # licence, one board cert (10) and one other (5), plus the review prior
    parts = {
        part.key: part.points
        for part in ranking.breakdown(therapist, Therapist.objects.site_mean_rating())
    }
    assert parts["licence"] == 25
    assert parts["certifications"] == 15
    assert therapist.qualification_score == pytest.approx(sum(parts.values()), abs=0.01)


@pytest.mark.parametrize(
    ("years", "expected"), [(0, 0), (1, 1), (4, 4), (15, 15), (16, 15), (40, 15)]
)
def test_experience_part_is_1_point_a_year_capped_at_15(years, expected):
    assert points(inputs(back_pain_years=years), "experience") == expected


@pytest.mark.parametrize("site_mean", [3.0, 4.0, 4.6, 5.0])
def test_rating_part_with_no_reviews_is_the_site_mean_prior(site_mean):
    expected = round((site_mean - 3) / 2 * ranking.RATING_POINTS_MAX, 2)

    assert points(inputs(), "rating", site_mean) == expected


def test_rating_part_is_full_for_many_five_star_reviews_on_a_five_star_site():
    many_fives = inputs(rating_count=1000, rating_sum=5000, positive_count=1000)

    assert points(many_fives, "rating", site_mean=5.0) == ranking.RATING_POINTS_MAX


def test_consistency_part_is_0_with_no_reviews():
    assert points(inputs(), "consistency") == 0


def test_qualification_score_is_the_sum_of_the_parts():
    ranking_inputs = inputs(
        verified_licences=1,
        verified_certifications=1,
        back_pain_years=3,
        rating_count=10,
        rating_sum=45,
        positive_count=9,
    )
    parts = ranking.score_parts(ranking_inputs, SITE_MEAN)

    score = ranking.qualification_score(ranking_inputs, SITE_MEAN)

    assert score == pytest.approx(sum(part.points for part in parts))
    assert 25 + 10 + 3 < score <= ranking.MAX_SCORE


def test_a_perfect_profile_scores_max_score():
    perfect = inputs(
        verified_licences=1,
        verified_certifications=2,
        back_pain_years=15,
        rating_count=100_000,
        rating_sum=500_000,
        positive_count=100_000,
        recommend_count=100_000,
    )

    score = ranking.qualification_score(perfect, site_mean=5.0)

    assert score == pytest.approx(ranking.MAX_SCORE, abs=0.01)


# --- blending the rating with the site mean --------------------------------------
def test_adjusted_rating_with_no_reviews_is_the_site_mean():
    assert ranking.adjusted_rating(0, 0, 4.2) == pytest.approx(4.2)


def test_adjusted_rating_pulls_one_five_star_review_towards_the_site_mean():
    adjusted = ranking.adjusted_rating(5, 1, SITE_MEAN)

    assert SITE_MEAN < adjusted < 4.5


def test_adjusted_rating_approaches_the_real_average_with_many_reviews():
    adjusted = ranking.adjusted_rating(4800, 1000, SITE_MEAN)

    assert adjusted == pytest.approx(4.8, abs=0.01)


def test_one_five_star_review_scores_lower_than_forty_averaging_four_point_eight():
    one_five = inputs(rating_count=1, rating_sum=5, positive_count=1)
    # 32 five-star and 8 four-star reviews: 192 / 40 = 4.8.
    forty = inputs(rating_count=40, rating_sum=192, positive_count=40)

    assert points(one_five, "rating") < points(forty, "rating")
    assert ranking.qualification_score(
        one_five, SITE_MEAN
    ) < ranking.qualification_score(forty, SITE_MEAN)


@pytest.mark.django_db
def test_one_five_star_review_ranks_below_forty_averaging_four_point_eight():
    one_review = factories.make_therapist()
    factories.make_review(one_review, rating=5)
    forty_reviews = factories.make_therapist()
    factories.make_reviews(forty_reviews, [5] * 32 + [4] * 8)
    ranking.forget_site_mean()
    Therapist.objects.rerank()

    one_review.refresh_from_db()
    forty_reviews.refresh_from_db()
    assert forty_reviews.rating_average == pytest.approx(4.8)
    assert one_review.rating_average == 5.0
    assert one_review.qualification_score < forty_reviews.qualification_score
    assert list(Therapist.objects.all()) == [forty_reviews, one_review]


# --- Wilson lower bound ----------------------------------------------------------
def test_wilson_lower_bound_is_0_with_no_reviews():
    assert ranking.positive_share_lower_bound(0, 0) == 0


def test_wilson_lower_bound_rises_with_more_reviews_at_the_same_share():
    bounds = [
        ranking.positive_share_lower_bound(8 * n, 10 * n) for n in (1, 10, 100, 1000)
    ]

    assert bounds == sorted(bounds)
    assert len(set(bounds)) == len(bounds)
    assert all(0 < bound < 0.8 for bound in bounds)
    assert bounds[-1] == pytest.approx(0.8, abs=0.02)


def test_wilson_lower_bound_is_0_when_every_review_is_negative():
    assert ranking.positive_share_lower_bound(0, 50) == pytest.approx(0, abs=1e-9)


def test_wilson_lower_bound_stays_below_one_for_all_positive_reviews():
    assert 0 < ranking.positive_share_lower_bound(3, 3) < 1


# --- the site mean ---------------------------------------------------------------
@pytest.mark.django_db
def test_site_mean_falls_back_to_default_with_no_reviews():
    factories.make_therapist()
    ranking.forget_site_mean()

    assert Therapist.objects.site_mean_rating() == ranking.DEFAULT_SITE_MEAN


@pytest.mark.django_db
def test_site_mean_is_total_stars_over_total_reviews():
    first = factories.make_therapist()
    factories.make_reviews(first, [5, 5, 3])
    second = factories.make_therapist()
    factories.make_review(second, rating=2)
    factories.make_review(second, rating=5, is_published=False)
    ranking.forget_site_mean()

    # Published reviews only: (5 + 5 + 3 + 2) / 4, not the mean of the averages.
    assert Therapist.objects.site_mean_rating() == pytest.approx(15 / 4)


@pytest.mark.django_db
def test_site_mean_reads_the_stored_sums_not_the_reviews():
    therapist = factories.make_therapist()
    Therapist.objects.filter(pk=therapist.pk).update(rating_sum=9, rating_count=2)
    # Saving a therapist already cached the mean of a site with no reviews.
    ranking.forget_site_mean()

    assert Therapist.objects.site_mean_rating() == pytest.approx(4.5)


@pytest.mark.django_db
def test_site_mean_is_cached_until_forgotten():
    therapist = factories.make_therapist()
    Therapist.objects.filter(pk=therapist.pk).update(rating_sum=9, rating_count=2)
    # Saving a therapist already cached the mean of a site with no reviews.
    ranking.forget_site_mean()
    assert Therapist.objects.site_mean_rating() == pytest.approx(4.5)
    assert cache.get(ranking.SITE_MEAN_CACHE_KEY) == pytest.approx(4.5)

    Therapist.objects.filter(pk=therapist.pk).update(rating_sum=6, rating_count=2)

    assert Therapist.objects.site_mean_rating() == pytest.approx(4.5)
    ranking.forget_site_mean()
    assert cache.get(ranking.SITE_MEAN_CACHE_KEY) is None
    assert Therapist.objects.site_mean_rating() == pytest.approx(3.0)


@pytest.mark.django_db
def test_site_mean_comes_from_the_cache_without_a_query(django_assert_num_queries):
    cache.set(ranking.SITE_MEAN_CACHE_KEY, 3.7)

    with django_assert_num_queries(0):
        assert Therapist.objects.site_mean_rating() == 3.7


@pytest.mark.django_db
def test_site_mean_is_shared_through_the_database_cache():
    therapist = factories.make_therapist()
    Therapist.objects.filter(pk=therapist.pk).update(rating_sum=9, rating_count=2)
    # The site's own cache: one table every worker reads, not one per process.
    with override_settings(CACHES=DATABASE_CACHE):
        ranking.forget_site_mean()
        assert Therapist.objects.site_mean_rating() == pytest.approx(4.5)

        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM django_cache")
            keys = [key for (key,) in cursor.fetchall()]
        Therapist.objects.filter(pk=therapist.pk).update(rating_sum=6, rating_count=2)

        assert any(key.endswith(ranking.SITE_MEAN_CACHE_KEY) for key in keys)
        assert Therapist.objects.site_mean_rating() == pytest.approx(4.5)


@pytest.mark.parametrize(
    ("adjusted", "fraction"), [(1.0, 0), (3.0, 0), (4.0, 0.5), (4.5, 0.75), (5.0, 1)]
)
def test_rating_points_spread_between_three_and_five_stars(adjusted, fraction):
    assert ranking.rating_fraction(adjusted) == pytest.approx(fraction)
