import datetime
import math

import pytest
from django.db.models import Value
from django.utils import timezone

from tests import factories
from therapists import ranking
from therapists.models import Therapist
from verification.models import Credential


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


def part(ranking_inputs, key):
    return next(p for p in ranking.score_parts(ranking_inputs) if p.key == key)


def points(ranking_inputs, key):
    return part(ranking_inputs, key).points


def breakdown_points(therapist, key):
    return next(p.points for p in ranking.breakdown(therapist) if p.key == key)


# --- the parts -----------------------------------------------------------------
def test_max_score_is_100_plus_the_freshness_and_clinician_parts():
    assert (
        ranking.MAX_SCORE
        == 100 + ranking.FRESHNESS_POINTS + ranking.CLINICIAN_POINTS_MAX
    )


def test_part_maxima_add_up_to_max_score():
    parts = ranking.score_parts(inputs())

    assert [part.key for part in parts] == [
        "licence",
        "certifications",
        "experience",
        "rating",
        "consistency",
        "recommend",
        "clinicians",
        "freshness",
    ]
    assert sum(part.maximum for part in parts) == ranking.MAX_SCORE


def test_licence_part_is_full_with_a_verified_licence():
    assert points(inputs(verified_licences=1), "licence") == ranking.LICENCE_POINTS
    assert points(inputs(verified_licences=2), "licence") == ranking.LICENCE_POINTS


def test_licence_part_is_0_without_a_verified_licence():
    assert points(inputs(verified_certifications=2), "licence") == 0


def in_new_york():
    therapist = factories.make_therapist()
    factories.make_location(therapist, "10001")
    return therapist


@pytest.mark.django_db
def test_licence_part_counts_only_a_verified_current_licence():
    verified = in_new_york()
    factories.make_credential(verified)
    pending = in_new_york()
    factories.make_credential(pending, status=Credential.Status.PENDING)
    expired = in_new_york()
    factories.make_credential(
        expired,
        issued_on=timezone.localdate() - datetime.timedelta(days=800),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    assert breakdown_points(verified, "licence") == ranking.LICENCE_POINTS
    assert breakdown_points(pending, "licence") == 0
    assert breakdown_points(expired, "licence") == 0


@pytest.mark.django_db
def test_licence_part_needs_the_practice_state_and_good_standing():
    elsewhere = in_new_york()
    factories.make_credential(elsewhere, jurisdiction="NJ")
    disciplined = in_new_york()
    factories.make_credential(disciplined, board_status="disciplined")
    lapsed = in_new_york()
    factories.make_credential(lapsed, board_status="lapsed")
    kept = in_new_york()
    factories.make_credential(kept, board_status="disciplined", board_review="kept")

    assert breakdown_points(elsewhere, "licence") == 0
    assert breakdown_points(disciplined, "licence") == 0
    assert breakdown_points(lapsed, "licence") == 0
    assert breakdown_points(kept, "licence") == ranking.LICENCE_POINTS


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
    factories.make_location(therapist, "10001")
    factories.make_credential(therapist)
    factories.make_credential(therapist, kind="board_certification", issuer="NCBTMB")
    factories.make_credential(
        therapist, kind="technique_certificate", issuer="MRI", expires_on=None
    )
    factories.make_credential(therapist, status="pending", issuer="Other board")
    assert therapist.verified_licence_count == 1
    assert therapist.verified_certification_count == 1
    assert therapist.other_verified_credential_count == 1
    # licence, one board cert (10) and one other (5); no reviews, no points
    parts = {part.key: part.points for part in ranking.breakdown(therapist)}
    assert parts["licence"] == 25
    assert parts["certifications"] == 15
    assert therapist.qualification_score == pytest.approx(sum(parts.values()), abs=0.01)


@pytest.mark.parametrize(
    ("years", "expected"), [(0, 0), (1, 1), (4, 4), (15, 15), (16, 15), (40, 15)]
)
def test_experience_part_is_1_point_a_year_capped_at_15(years, expected):
    assert points(inputs(back_pain_years=years), "experience") == expected


# --- the review parts ------------------------------------------------------------
def test_no_reviews_earn_no_review_points_and_say_so():
    for key in ("rating", "consistency", "recommend"):
        assert points(inputs(), key) == 0
        assert part(inputs(), key).detail == "No reviews yet, so no points."


def test_review_parts_count_a_tenth_per_review_until_ten():
    one_five = inputs(rating_count=1, rating_sum=5, positive_count=1, recommend_count=1)

    assert points(one_five, "rating") == ranking.RATING_POINTS_MAX / 10
    assert points(one_five, "consistency") == ranking.CONSISTENCY_POINTS_MAX / 10
    assert points(one_five, "recommend") == ranking.RECOMMEND_POINTS_MAX / 10
    ten_fives = inputs(
        rating_count=10, rating_sum=50, positive_count=10, recommend_count=10
    )
    assert points(ten_fives, "rating") == ranking.RATING_POINTS_MAX
    assert points(ten_fives, "consistency") == ranking.CONSISTENCY_POINTS_MAX
    assert points(ten_fives, "recommend") == ranking.RECOMMEND_POINTS_MAX


@pytest.mark.parametrize(
    ("count", "weight"), [(0, 0), (1, 0.1), (4, 0.4), (9, 0.9), (10, 1), (400, 1)]
)
def test_review_weight_grows_a_tenth_per_review(count, weight):
    assert ranking.review_weight(count) == pytest.approx(weight)


def test_rating_part_is_the_weighted_average_between_three_and_five_stars():
    # 11 reviews averaging 4.1: (4.1 - 3) / 2 of 25 points, in full.
    eleven = inputs(rating_count=11, rating_sum=45, positive_count=8)
    average = 45 / 11

    assert points(eleven, "rating") == round((average - 3) / 2 * 25, 2)
    assert part(eleven, "rating").detail == "Average 4.1 stars from 11 reviews."


def test_a_therapist_with_no_reviews_scores_below_one_with_eleven_fair_ones():
    # The issue: "Review rating 14.6/25" with no reviews beat 11 averaging 4.1.
    nobody = inputs(verified_licences=1, back_pain_years=5)
    eleven = inputs(
        verified_licences=1,
        back_pain_years=5,
        rating_count=11,
        rating_sum=45,
        positive_count=8,
        recommend_count=9,
    )

    assert points(nobody, "rating") == 0
    assert points(nobody, "rating") < points(eleven, "rating")
    assert ranking.qualification_score(nobody) < ranking.qualification_score(eleven)


def test_one_good_review_reads_sensibly_beside_its_points():
    one = inputs(rating_count=1, rating_sum=5, positive_count=1, recommend_count=1)

    assert part(one, "rating").detail == (
        "Average 5.0 stars from 1 review; counts in full from 10 reviews "
        "(1 of 10 so far)."
    )
    # Never a negative verdict on a single good review.
    assert part(one, "consistency").detail == (
        "Too few reviews to judge yet (1 of 1 rated 4 or 5 stars); counts in "
        "full from 10 reviews (1 of 10 so far)."
    )
    # "100% would recommend" elsewhere on the page, and here why only 1 point.
    assert part(one, "recommend").detail == (
        "1 of 1 would recommend; counts in full from 10 reviews (1 of 10 so far)."
    )
    assert points(one, "recommend") == 1.0


def test_from_five_reviews_consistency_is_judged_and_from_ten_counts_fully():
    four = inputs(rating_count=4, rating_sum=20, positive_count=4)
    five = inputs(rating_count=5, rating_sum=21, positive_count=4, recommend_count=5)
    twelve = inputs(rating_count=12, rating_sum=55, positive_count=11)

    assert part(four, "consistency").detail.startswith("Too few reviews to judge")
    assert part(five, "consistency").detail == (
        "4 of 5 rated 4 or 5 stars; counts in full from 10 reviews (5 of 10 so far)."
    )
    assert part(twelve, "consistency").detail == "11 of 12 rated 4 or 5 stars."
    assert points(twelve, "consistency") == round(11 / 12 * 10, 2)


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
    parts = ranking.score_parts(ranking_inputs)

    score = ranking.qualification_score(ranking_inputs)

    assert score == pytest.approx(sum(part.points for part in parts))
    assert 25 + 10 + 3 < score <= ranking.MAX_SCORE


def test_a_perfect_profile_scores_max_score():
    perfect = inputs(
        verified_licences=1,
        verified_certifications=2,
        back_pain_years=15,
        rating_count=10,
        rating_sum=50,
        positive_count=10,
        recommend_count=10,
        clinician_recommendations=3,
        details_confirmed_on=timezone.localdate(),
    )

    assert ranking.qualification_score(perfect) == ranking.MAX_SCORE


@pytest.mark.parametrize(
    ("recommendations", "expected"), [(0, 0), (1, 2), (2, 4), (3, 6), (9, 6)]
)
def test_clinician_part_is_two_points_each_capped_at_six(recommendations, expected):
    assert points(inputs(clinician_recommendations=recommendations), "clinicians") == (
        expected
    )


@pytest.mark.django_db
def test_clinician_part_reads_the_stored_count(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(clinician_recommendation_count=2)
    therapist.refresh_from_db()
    assert breakdown_points(therapist, "clinicians") == 4
    assert "clinician_recommendation_count" in ranking.INPUT_FIELDS


def test_one_five_star_review_scores_lower_than_forty_averaging_four_point_eight():
    one_five = inputs(rating_count=1, rating_sum=5, positive_count=1)
    # 32 five-star and 8 four-star reviews: 192 / 40 = 4.8.
    forty = inputs(rating_count=40, rating_sum=192, positive_count=40)

    assert points(one_five, "rating") < points(forty, "rating")
    assert ranking.qualification_score(one_five) < ranking.qualification_score(forty)


@pytest.mark.django_db
def test_one_five_star_review_ranks_below_forty_averaging_four_point_eight():
    one_review = factories.make_therapist()
    factories.make_review(one_review, rating=5)
    forty_reviews = factories.make_therapist()
    factories.make_reviews(forty_reviews, [5] * 32 + [4] * 8)

    one_review.refresh_from_db()
    forty_reviews.refresh_from_db()
    assert forty_reviews.rating_average == pytest.approx(4.8)
    assert one_review.rating_average == 5.0
    assert one_review.qualification_score < forty_reviews.qualification_score
    assert list(Therapist.objects.all()) == [forty_reviews, one_review]


@pytest.mark.parametrize(
    ("average", "fraction"), [(1.0, 0), (3.0, 0), (4.0, 0.5), (4.5, 0.75), (5.0, 1)]
)
def test_rating_points_spread_between_three_and_five_stars(average, fraction):
    assert ranking.rating_fraction(average) == pytest.approx(fraction)


# --- closeness and the best match --------------------------------------------------
@pytest.mark.parametrize(
    ("miles", "expected"),
    [(0, 25), (0.4, 24.6), (1, 24), (2.7, 22.3), (17.6, 7.4), (25, 0), (40, 0)],
)
def test_closeness_is_25_points_less_one_a_mile_never_below_0(miles, expected):
    assert ranking.closeness_points(miles) == pytest.approx(expected)


def test_best_match_adds_closeness_from_the_squared_distance():
    assert ranking.best_match(70.0, 9.0) == 70.0 + 22.0
    assert ranking.best_match(70.0, 30.0**2) == 70.0


@pytest.mark.django_db
def test_best_match_in_sql_equals_the_python_formula_exactly():
    therapist = factories.make_therapist()
    for distance_sq in (0.0, 0.16, 2.0, 7.29, 309.76, 624.9, 1000.0):
        found = (
            Therapist.objects.filter(pk=therapist.pk)
            .annotate(
                best=ranking.best_match_expression(Value(61.37), Value(distance_sq))
            )
            .get()
        )
        assert found.best == ranking.best_match(61.37, distance_sq)


def test_explain_without_a_place_has_no_closeness():
    therapist = Therapist(qualification_score=61.5, back_pain_years=3)

    explanation = ranking.explain(therapist)

    assert explanation.closeness is None
    assert explanation.best_match is None
    assert [p.key for p in explanation.parts][0] == "licence"


def test_explain_near_a_place_adds_closeness_to_the_score():
    therapist = Therapist(qualification_score=61.5, back_pain_years=3)

    explanation = ranking.explain(therapist, miles=2.7, place="10001")

    assert explanation.closeness.points == pytest.approx(22.3)
    assert explanation.closeness.detail == "2.7 miles from 10001."
    assert explanation.best_match == pytest.approx(83.8)
    assert explanation.best_match_maximum == ranking.MAX_SCORE + 25
    assert math.isclose(explanation.score, 61.5)
