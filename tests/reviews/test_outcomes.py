"""Outcomes in reviews: pain before and now, the three PEG items, asked on the
review form (optional), summarised by reviews.stats.outcomes_of(), never part
of the stars or the score, and in the author's data export."""

import html
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from reviews import stats
from reviews.export import reviews_received, reviews_written
from reviews.models import OUTCOMES, Review
from tests import factories
from tests.accounts.helpers import field_error
from therapists.models import Therapist

pytestmark = pytest.mark.django_db

PEG = {"peg_pain": 4, "peg_enjoyment": 3, "peg_activity": 5}


def came_for(slug="low-back-pain") -> dict:
    """What a reviewer came for: the summary counts only reviewers who said."""
    return {"condition": factories.condition(slug)}


def write_url(therapist):
    return reverse("reviews:write", kwargs={"slug": therapist.slug})


@pytest.fixture
def logged_in(client, client_user):
    client.force_login(client_user)
    return client


def post(client, therapist, **outcomes):
    return client.post(
        write_url(therapist), factories.make_review_form_data(**outcomes)
    )


# --- the form -------------------------------------------------------------------


def test_form_asks_the_optional_questions_in_their_own_fieldset(logged_in, therapist):
    page = html.unescape(logged_in.get(write_url(therapist)).content.decode())

    fieldset = re.search(r'<fieldset class="outcomes.*?</fieldset>', page, re.DOTALL)
    assert fieldset
    text = fieldset.group(0)
    assert "<legend>How has your back pain changed? (optional)</legend>" in text
    assert "Your back pain before your first session, from 0 to 10" in text
    assert "In the past week, your pain on average, from 0 to 10" in text
    assert "0 means no pain, 10 pain as bad as you can imagine." in text
    for name in OUTCOMES:
        assert re.search(rf'<input type="number" name="{name}"[^>]*min="0"', text)
        assert f'aria-describedby="id_{name}_helptext"' in text


def test_a_review_without_outcomes_is_saved_as_before(logged_in, therapist):
    response = post(logged_in, therapist)

    assert response.status_code == 302
    review = Review.objects.get()
    assert [getattr(review, name) for name in OUTCOMES] == [None] * 5
    assert review.pain_change is None and review.peg_score is None


def test_a_review_saves_every_outcome(logged_in, therapist):
    response = post(logged_in, therapist, pain_before=8, pain_after=3, **PEG)

    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.pain_before, review.pain_after) == (8, 3)
    assert (review.peg_pain, review.peg_enjoyment, review.peg_activity) == (4, 3, 5)
    assert review.pain_change == 5
    assert review.peg_score == 4


@pytest.mark.parametrize("value", ["11", "-1", "4.5", "lots"])
def test_a_score_out_of_range_is_refused_next_to_its_field(logged_in, therapist, value):
    response = post(logged_in, therapist, pain_before=value, pain_after=2)

    assert response.status_code == 200
    assert "from 0 to 10" in field_error(response, "pain_before")
    assert field_error(response, "pain_after") == ""
    assert not Review.objects.exists()


def test_pain_before_without_pain_now_is_refused_on_the_blank_one(logged_in, therapist):
    response = post(logged_in, therapist, pain_before=7)

    assert field_error(response, "pain_after") == (
        "You gave your pain before: give your pain now too, or leave both blank."
    )
    assert field_error(response, "pain_before") == ""
    assert not Review.objects.exists()


def test_pain_now_without_pain_before_is_refused_on_the_blank_one(logged_in, therapist):
    response = post(logged_in, therapist, pain_after=0)

    assert "give your pain before too" in field_error(response, "pain_before")
    assert not Review.objects.exists()


def test_a_partly_answered_peg_is_refused_on_each_blank_item(logged_in, therapist):
    response = post(logged_in, therapist, peg_pain=6)

    assert field_error(response, "peg_pain") == ""
    for name in ("peg_enjoyment", "peg_activity"):
        assert "Answer all three past-week questions" in field_error(response, name)
    assert not Review.objects.exists()


def test_zero_is_an_answer_not_a_blank(logged_in, therapist):
    post(logged_in, therapist, pain_before=0, pain_after=0, peg_pain=0,
         peg_enjoyment=0, peg_activity=0)  # fmt: skip

    review = Review.objects.get()
    assert review.pain_change == 0 and review.peg_score == 0


def test_a_replaced_review_carries_nothing_stale(logged_in, therapist):
    post(logged_in, therapist, pain_before=9, pain_after=2, **PEG)
    first = Review.objects.get()

    # The form shows the earlier answers; the client clears them all.
    page = logged_in.get(write_url(therapist)).content.decode()
    assert re.search(r'name="pain_before" value="9"', page)
    post(logged_in, therapist, title="Rewritten after a while")

    current = Review.objects.get(is_current=True)
    assert current.pk != first.pk
    assert [getattr(current, name) for name in OUTCOMES] == [None] * 5
    first.refresh_from_db()
    assert first.is_current is False and first.pain_before == 9


@pytest.mark.parametrize(
    "values",
    [
        {"pain_before": 11, "pain_after": 1},
        {"pain_before": 5},
        {"pain_after": 5},
        {"peg_pain": 3, "peg_enjoyment": 3},
        {**PEG, "peg_activity": 12},
    ],
)
def test_the_database_refuses_what_the_form_refuses(therapist, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_review(therapist, refresh=False, **values)


# --- the summary ----------------------------------------------------------------


def outcome_reviews(therapist, pairs, **extra):
    for before, after in pairs:
        factories.make_review(
            therapist,
            refresh=False,
            pain_before=before,
            pain_after=after,
            **came_for(),
            **extra,
        )
    stats.review_changed(Therapist.objects.get(pk=therapist.pk))
    return Therapist.objects.get(pk=therapist.pk)


def test_median_change_of_an_odd_count(therapist):
    therapist = outcome_reviews(therapist, [(8, 2), (6, 5), (9, 6)])

    outcomes = stats.outcomes_of(therapist)

    assert outcomes.pain_change_count == 3
    assert outcomes.median_pain_change == 3  # changes 6, 1, 3
    assert outcomes.pain_change_text == "Pain eased by a median of 3 points out of 10"
    assert outcomes.shown


def test_median_change_of_an_even_count_is_the_mean_of_the_middle_two(therapist):
    therapist = outcome_reviews(therapist, [(8, 2), (6, 5), (9, 6), (7, 7)])

    outcomes = stats.outcomes_of(therapist)

    assert outcomes.pain_change_count == 4
    assert outcomes.median_pain_change == 2  # changes 0, 1, 3, 6
    therapist = outcome_reviews(therapist, [(5, 5), (4, 4)])  # 0, 0, 0, 1, 3, 6
    assert stats.outcomes_of(therapist).median_pain_change == 0.5
    assert stats.outcomes_of(therapist).pain_change_text == (
        "Pain eased by a median of 0.5 points out of 10"
    )


def test_worse_and_unchanged_pain_are_said_plainly(therapist):
    worse = outcome_reviews(therapist, [(3, 4), (2, 3), (5, 5)])
    assert stats.outcomes_of(worse).pain_change_text == (
        "Pain worsened by a median of 1 point out of 10"
    )
    other = outcome_reviews(factories.make_therapist(), [(3, 3), (2, 3), (5, 4)])
    assert stats.outcomes_of(other).pain_change_text == (
        "No change in pain, going by the median"
    )


def test_fewer_than_three_reviewers_with_both_numbers_show_nothing(therapist):
    therapist = outcome_reviews(therapist, [(8, 2), (6, 5)])
    factories.make_reviews(therapist, [5, 4, 4])  # no outcomes
    therapist.refresh_from_db()

    outcomes = stats.outcomes_of(therapist)

    assert outcomes.pain_change_count == 2
    assert outcomes.median_pain_change is None
    assert outcomes.pain_change_text == ""
    assert not outcomes.shown


def test_only_counted_reviews_of_back_pain_reviewers_count(therapist):
    therapist = outcome_reviews(therapist, [(8, 2), (6, 5), (9, 6)])
    held = factories.make_review(
        therapist, is_published=False, pain_before=10, pain_after=0, **came_for()
    )
    author = factories.make_user()
    factories.make_review(
        therapist, author=author, pain_before=10, pain_after=0, **came_for()
    )
    # Replaced by the same author's newer review without numbers.
    factories.make_review(therapist, author=author, **came_for())
    # Nobody knows what this reviewer came for (their condition was deleted).
    factories.make_review(therapist, pain_before=10, pain_after=0, **PEG)
    therapist.refresh_from_db()

    outcomes = stats.outcomes_of(therapist)

    assert held.status == Review.Status.HELD
    assert outcomes.pain_change_count == 3
    assert outcomes.median_pain_change == 3
    assert outcomes.peg_count == 0


def test_median_peg_score_from_three_complete_answers(therapist):
    for items in [(4, 3, 5), (6, 6, 6), (1, 2, 0), (7, 7, 7)]:
        factories.make_review(
            therapist,
            refresh=False,
            **came_for("sciatica"),
            **dict(zip(PEG, items, strict=True)),
        )
    stats.review_changed(Therapist.objects.get(pk=therapist.pk))
    therapist.refresh_from_db()

    outcomes = stats.outcomes_of(therapist)

    assert outcomes.peg_count == 4
    assert outcomes.median_peg == 5  # scores 1, 4, 6, 7
    assert outcomes.peg_text == "Median PEG score now 5.0 out of 10"
    assert outcomes.median_pain_change is None
    assert outcomes.shown


def test_outcomes_read_annotations_or_run_one_query(
    therapist, django_assert_num_queries
):
    therapist = outcome_reviews(therapist, [(8, 2), (6, 5), (9, 6)], **PEG)
    with django_assert_num_queries(1):
        alone = stats.outcomes_of(therapist)
    annotated = stats.with_outcomes(Therapist.objects.filter(pk=therapist.pk)).get()
    with django_assert_num_queries(0):
        assert stats.outcomes_of(annotated) == alone
    assert alone.peg_count == 3 and alone.median_peg == 4


def test_no_query_when_too_few_reviews_in_all(therapist, django_assert_num_queries):
    therapist = outcome_reviews(therapist, [(8, 2), (6, 5)])
    with django_assert_num_queries(0):
        assert not stats.outcomes_of(therapist).shown


def test_outcomes_never_move_the_stars_the_distribution_or_the_score():
    plain, with_outcomes = factories.make_therapist(), factories.make_therapist()
    ratings = [5, 4, 2, 5, 3]
    factories.make_reviews(plain, ratings)
    for rating, (before, after) in zip(
        ratings, [(9, 1), (8, 0), (2, 9), (7, 3), (6, 6)], strict=True
    ):
        factories.make_review(
            with_outcomes,
            refresh=False,
            rating=rating,
            pain_before=before,
            pain_after=after,
            **came_for(),
            **PEG,
        )
    stats.review_changed(Therapist.objects.get(pk=with_outcomes.pk))
    plain.refresh_from_db()
    with_outcomes.refresh_from_db()

    assert stats.outcomes_of(with_outcomes).shown
    for name in [*stats.TOTALS, *stats.AVERAGES, "qualification_score"]:
        assert getattr(with_outcomes, name) == getattr(plain, name), name
    assert stats.summary_of(with_outcomes).distribution == (
        stats.summary_of(plain).distribution
    )


# --- the data export ----------------------------------------------------------


def test_the_authors_export_holds_their_answers(therapist, client_user):
    factories.make_review(
        therapist, author=client_user, pain_before=7, pain_after=4, **PEG
    )

    (exported,) = reviews_written(client_user)

    assert exported["sessions"] == 3
    assert {name: exported[name] for name in OUTCOMES} == {
        "pain_before": 7,
        "pain_after": 4,
        **PEG,
    }


def test_the_therapists_export_leaves_each_clients_answers_out(therapist):
    factories.make_review(therapist, pain_before=7, pain_after=4, **PEG)

    (exported,) = reviews_received(therapist)

    assert not set(OUTCOMES) & set(exported)
