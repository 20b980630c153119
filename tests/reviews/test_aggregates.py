"""A therapist's stored review figures always equal a fresh recount of the
reviews that count, whatever moved them: writing, replacing, moderating or
deleting an account."""

import pytest
from django.test import Client
from django.urls import reverse

from reviews import stats
from reviews.models import Review
from tests import factories
from tests.accounts.helpers import PASSWORD
from therapists import ranking
from therapists.models import Therapist

pytestmark = pytest.mark.django_db

ASPECTS = ("pain_relief", "communication", "technique", "professionalism")


def assert_matches_recount(therapist):
    """Stored aggregates and score equal a recount of Review.objects.counted()."""
    stored = Therapist.objects.get(pk=therapist.pk)
    counted = list(Review.objects.counted().filter(therapist_id=therapist.pk))
    ratings = [review.rating for review in counted]
    expected = {
        "rating_count": len(ratings),
        "rating_sum": sum(ratings),
        "rating_average": sum(ratings) / len(ratings) if ratings else 0.0,
        **{f"rating_{n}_count": ratings.count(n) for n in range(1, 6)},
        "recommend_count": sum(review.would_recommend for review in counted),
        **{
            f"{aspect}_sum": sum(getattr(review, aspect) for review in counted)
            for aspect in ASPECTS
        },
        **verified_totals(counted),
    }
    assert {field: getattr(stored, field) for field in expected} == expected
    assert stored.qualification_score == ranking.qualification_score(
        ranking.inputs_of(stored)
    )
    return stored


def verified_totals(counted) -> dict:
    verified = [review.rating for review in counted if review.is_verified_client]
    return {
        "verified_review_count": len(verified),
        "verified_rating_sum": sum(verified),
        "verified_rating_average": sum(verified) / len(verified) if verified else 0.0,
    }


def logged_in_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def write(user, therapist, **fields):
    response = logged_in_as(user).post(
        reverse("reviews:write", kwargs={"slug": therapist.slug}),
        factories.make_review_form_data(**fields),
    )
    assert response.status_code == 302, "the review form refused the review"
    return Review.objects.get(therapist=therapist, author=user, is_current=True)


def decide(moderator, review, action, reason="Checked by staff."):
    response = logged_in_as(moderator).post(
        "/staff/reviews/",
        {
            "review": review.pk,
            f"r{review.pk}-action": action,
            f"r{review.pk}-reason": reason,
        },
    )
    assert response.status_code == 302, "the moderation queue refused the decision"


def delete_account(user):
    response = logged_in_as(user).post(
        reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302, "the account was not deleted"


def aspects(value):
    return dict.fromkeys(ASPECTS, value)


@pytest.fixture
def moderator(db):
    return factories.make_staff_user(permissions=["reviews.moderate_review"])


def test_new_therapist_has_empty_figures(therapist):
    stored = assert_matches_recount(therapist)

    assert stored.rating_count == 0
    assert stored.rating_average == 0.0


def test_writing_a_review_adds_it_to_the_figures(client_user, therapist):
    write(
        client_user,
        therapist,
        rating=4,
        pain_relief=5,
        communication=3,
        technique=4,
        professionalism=2,
    )

    stored = assert_matches_recount(therapist)
    assert (stored.rating_count, stored.rating_sum, stored.rating_4_count) == (1, 4, 1)
    assert stored.recommend_count == 1
    assert (
        stored.pain_relief_sum,
        stored.communication_sum,
        stored.technique_sum,
        stored.professionalism_sum,
    ) == (5, 3, 4, 2)


def test_not_recommending_is_counted_apart(therapist):
    write(factories.make_user(), therapist, rating=2, would_recommend=None)
    write(factories.make_user(), therapist, rating=5)

    stored = assert_matches_recount(therapist)
    assert stored.recommend_count == 1
    assert stats.summary_of(stored).recommend_percent == 50


def test_replacing_a_review_swaps_it_in_the_figures(client_user, therapist):
    write(factories.make_user(), therapist, rating=3, **aspects(3))
    write(client_user, therapist, rating=1, would_recommend=None, **aspects(1))
    assert_matches_recount(therapist)

    write(client_user, therapist, rating=5, **aspects(5))

    stored = assert_matches_recount(therapist)
    assert stored.rating_count == 2
    assert stored.rating_sum == 8
    assert stored.rating_average == 4.0
    assert stored.rating_1_count == 0
    assert stored.recommend_count == 2
    assert stored.pain_relief_sum == 8


def test_held_review_leaves_the_figures_alone(client_user, therapist):
    write(factories.make_user(), therapist, rating=5)

    held = write(
        client_user,
        therapist,
        rating=1,
        body="Awful, and she kept pushing her shop at www.dana-shop.com on me.",
    )

    assert held.status == Review.Status.HELD
    stored = assert_matches_recount(therapist)
    assert stored.rating_count == 1


def test_replacing_a_published_review_with_a_held_one_drops_both(
    client_user, therapist
):
    write(client_user, therapist, rating=4)

    write(
        client_user,
        therapist,
        rating=2,
        body="Changed my mind after she texted me from 917-555-0123 at night.",
    )

    stored = assert_matches_recount(therapist)
    assert stored.rating_count == 0


def test_publishing_a_held_review_adds_it(client_user, therapist, moderator):
    held = write(
        client_user,
        therapist,
        rating=3,
        body="Fine, though I found her on www.back-help.org first, not here.",
    )
    assert_matches_recount(therapist)

    decide(moderator, held, "publish")

    stored = assert_matches_recount(therapist)
    assert (stored.rating_count, stored.rating_3_count) == (1, 1)


def test_removing_a_review_takes_it_out(therapist, moderator):
    kept = write(factories.make_user(), therapist, rating=5)
    removed = write(factories.make_user(), therapist, rating=1, **aspects(1))
    factories.make_report(removed)

    decide(moderator, removed, "remove")

    stored = assert_matches_recount(therapist)
    assert stored.rating_count == 1
    assert stored.rating_sum == kept.rating


def test_deleting_an_account_recounts_every_therapist_it_reviewed(
    client_user, therapist, other_therapist
):
    write(client_user, therapist, rating=1, **aspects(1))
    write(client_user, other_therapist, rating=2, **aspects(2))
    write(factories.make_user(), therapist, rating=5)

    delete_account(client_user)

    assert not Review.objects.filter(author_id=client_user.pk).exists()
    stored = assert_matches_recount(therapist)
    assert (stored.rating_count, stored.rating_average) == (1, 5.0)
    stored = assert_matches_recount(other_therapist)
    assert stored.rating_count == 0


def test_figures_match_a_recount_after_every_step(therapist, other_therapist):
    """A whole season of reviews on two profiles, checked after each change."""
    moderator = factories.make_staff_user(permissions=["reviews.moderate_review"])
    ana, ben, cy, dee = (factories.make_user() for _ in range(4))

    def check():
        assert_matches_recount(therapist)
        assert_matches_recount(other_therapist)

    check()
    write(ana, therapist, rating=4, pain_relief=3)
    check()
    write(ben, therapist, rating=2, would_recommend=None, technique=1)
    check()
    write(ana, other_therapist, rating=5)
    check()
    write(ana, therapist, rating=5, communication=2)  # replaces Ana's 4 stars
    check()
    held = write(
        cy, therapist, rating=3, body="Decent. Her new studio: dana-studio.com, ok."
    )
    check()
    decide(moderator, held, "publish", "The studio link is fine.")
    check()
    ben_review = Review.objects.get(author=ben, is_current=True)
    factories.make_report(ben_review, reporter=dee)
    decide(moderator, ben_review, "remove", "Not a first-hand experience.")
    check()
    write(ben, therapist, rating=3)  # writes again after the removal
    check()
    write(dee, other_therapist, rating=1, would_recommend=None, **aspects(1))
    check()
    delete_account(ana)
    check()
    delete_account(dee)
    check()

    stored = Therapist.objects.get(pk=therapist.pk)
    assert stored.rating_count == 2  # Cy's published 3 and Ben's second 3
    assert stored.rating_average == 3.0
    assert Therapist.objects.get(pk=other_therapist.pk).rating_count == 0


def test_reviews_from_verified_clients_are_counted_apart(therapist, moderator):
    invited, sessioned, plain = (factories.make_user() for _ in range(3))
    invitation = factories.make_invitation(therapist)
    logged_in_as(invited).post(
        reverse("reviews:write", kwargs={"slug": therapist.slug})
        + f"?invite={invitation.token}",
        factories.make_review_form_data(rating=5),
    )
    factories.make_session_record(therapist, sessioned)
    removed = write(sessioned, therapist, rating=2, would_recommend=None)
    write(plain, therapist, rating=1, would_recommend=None)

    stored = assert_matches_recount(therapist)
    assert (stored.verified_review_count, stored.verified_rating_sum) == (2, 7)
    assert stored.verified_rating_average == 3.5
    assert stats.summary_of(stored).verified_percent == 67

    factories.make_report(removed)
    decide(moderator, removed, "remove")

    stored = assert_matches_recount(therapist)
    assert (stored.verified_review_count, stored.verified_rating_average) == (1, 5.0)


def test_a_bulk_recount_gives_the_same_verified_totals(therapist):
    factories.make_reviews(therapist, [5, 3], is_verified_client=True)
    factories.make_reviews(therapist, [1])
    Therapist.objects.filter(pk=therapist.pk).update(
        verified_review_count=0, verified_rating_sum=0, verified_rating_average=0
    )

    stats.recount(Therapist.objects.filter(pk=therapist.pk))

    stored = assert_matches_recount(therapist)
    assert (stored.verified_review_count, stored.verified_rating_average) == (2, 4.0)


def stale(*therapists):
    """Wrong stored figures on these therapists, as if recounted by nobody."""
    Therapist.objects.filter(pk__in=[t.pk for t in therapists]).update(
        rating_count=9,
        rating_sum=40,
        rating_average=4.4,
        rating_5_count=9,
        recommend_count=9,
        verified_review_count=3,
        verified_rating_average=1.0,
    )


def test_a_bulk_recount_stores_every_therapists_figures_at_once(therapist):
    reviewed = factories.make_therapist(display_name="Reviewed")
    factories.make_reviews(reviewed, [5, 4, 1, 2, 3])
    factories.make_reviews(reviewed, [4], is_verified_client=True)
    factories.make_review(reviewed, rating=1, status=Review.Status.HELD)
    factories.make_review(reviewed, rating=2, is_current=False)
    only_held = factories.make_therapist(display_name="Only held")
    factories.make_review(only_held, rating=5, status=Review.Status.HELD)
    # `therapist` has no reviews at all.
    stale(therapist, reviewed, only_held)

    stats.recount(Therapist.objects.all())

    for each in (therapist, reviewed, only_held):
        assert_matches_recount(each)
    stored = Therapist.objects.get(pk=reviewed.pk)
    assert (stored.rating_count, stored.rating_sum) == (6, 19)
    assert Therapist.objects.get(pk=only_held.pk).rating_count == 0


def test_a_bulk_recount_leaves_therapists_outside_it_alone(therapist, other_therapist):
    factories.make_reviews(therapist, [5])
    factories.make_reviews(other_therapist, [3])
    unreviewed, unreviewed_outside = (
        factories.make_therapist(),
        factories.make_therapist(),
    )
    stale(therapist, other_therapist, unreviewed, unreviewed_outside)

    stats.recount(Therapist.objects.filter(pk__in=[therapist.pk, unreviewed.pk]))

    assert_matches_recount(therapist)
    assert_matches_recount(unreviewed)
    for outside in (other_therapist, unreviewed_outside):
        assert Therapist.objects.get(pk=outside.pk).rating_count == 9


def test_a_recount_of_nobody_writes_nothing(therapist):
    stale(therapist)

    stats.reviews_changed([])
    stats.recount(Therapist.objects.none())

    assert Therapist.objects.get(pk=therapist.pk).rating_count == 9


def test_a_bulk_recount_costs_the_same_statements_for_one_or_many(
    django_assert_num_queries,
):
    one, *many = (factories.make_therapist() for _ in range(6))
    for each in (one, *many):
        factories.make_reviews(each, [4, 5])

    # Two writes (the totals of those with reviews, zeros for the rest), the
    # rescore's read, then nothing to rewrite: the scores are already right.
    with django_assert_num_queries(3):
        stats.recount(Therapist.objects.filter(pk=one.pk))
    with django_assert_num_queries(3):
        stats.recount(Therapist.objects.filter(pk__in=[t.pk for t in many]))
