import pytest
from django.db import IntegrityError, transaction

from reviews.models import Review
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rating", [0, 6])
def test_rating_outside_one_to_five_is_refused(therapist, rating):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_review(therapist, rating=rating, refresh=False)

    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [1, 5])
def test_rating_from_one_to_five_is_stored(therapist, rating):
    review = factories.make_review(therapist, rating=rating)

    assert Review.objects.get(pk=review.pk).rating == rating


def test_counted_excludes_unpublished_reviews(therapist):
    published = factories.make_review(therapist)
    factories.make_review(therapist, is_published=False)

    assert list(Review.objects.counted()) == [published]


def test_unpublished_reviews_do_not_move_the_stored_rating(therapist):
    factories.make_review(therapist, rating=5)
    factories.make_review(therapist, rating=1, is_published=False)

    therapist.refresh_from_db()
    assert therapist.rating_count == 1
    assert therapist.rating_average == 5.0


def test_for_profile_lists_published_reviews_newest_first(therapist):
    older = factories.make_review(therapist, title="Older")
    newer = factories.make_review(therapist, title="Newer")
    factories.make_review(therapist, title="Hidden", is_published=False)

    assert list(Review.objects.for_profile()) == [newer, older]


def test_author_display_name_is_first_name_and_last_initial(therapist):
    author = factories.make_user(first_name="Maria", last_name="Gonzalez")

    review = factories.make_review(therapist, author=author)

    assert review.author_display_name == "Maria G."
    assert "Gonzalez" not in review.author_display_name


def test_author_display_name_without_surname_is_the_first_name(therapist):
    author = factories.make_user(first_name="Maria", last_name="")

    review = factories.make_review(therapist, author=author)

    assert review.author_display_name == "Maria"


def test_author_display_name_without_names_hides_the_username(therapist):
    author = factories.make_user(
        username="maria.gonzalez", first_name="", last_name="Gonzalez"
    )

    review = factories.make_review(therapist, author=author)

    assert review.author_display_name == "A client"
