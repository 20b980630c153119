import pytest
from django.urls import reverse

from reviews.models import Review
from tests import factories
from therapists.models import Therapist

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def review_form(review=None, **overrides):
    """The review add/change form as the admin posts it."""
    data = {
        "title": "Fixed my sciatica",
        "body": "Three sessions and I can sit through a film again.",
        "rating": 4,
        "pain_relief": 4,
        "communication": 4,
        "technique": 4,
        "professionalism": 4,
        "sessions": 2,
        "would_recommend": "on",
        "status": "published",
        "is_current": "on",
        "created_at_0": "2025-01-02",
        "created_at_1": "10:00:00",
    }
    if review is not None:
        data |= {
            "therapist": review.therapist_id,
            "author": review.author_id,
            "rating": review.rating,
            "title": review.title,
            "body": review.body,
            "pain_relief": review.pain_relief,
            "communication": review.communication,
            "technique": review.technique,
            "professionalism": review.professionalism,
            "sessions": review.sessions,
            "would_recommend": "on" if review.would_recommend else "",
            "status": review.status,
            "is_current": "on" if review.is_current else "",
        }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def stored(therapist):
    """(rating_count, rating_average) as the database holds them."""
    therapist = Therapist.objects.get(pk=therapist.pk)
    return therapist.rating_count, therapist.rating_average


def test_review_changelist_lists_reviews(staff_client, therapist):
    factories.make_review(therapist, title="Best massage in Brooklyn")

    response = staff_client.get(reverse("admin:reviews_review_changelist"))

    assert response.status_code == 200
    assert "Best massage in Brooklyn" in response.text


def test_review_change_page_renders(staff_client, therapist):
    review = factories.make_review(therapist, title="Best massage in Brooklyn")

    response = staff_client.get(
        reverse("admin:reviews_review_change", args=[review.pk])
    )

    assert response.status_code == 200
    assert 'value="Best massage in Brooklyn"' in response.text


def test_review_add_page_renders(staff_client):
    response = staff_client.get(reverse("admin:reviews_review_add"))

    assert response.status_code == 200


def test_adding_a_review_in_the_admin_updates_the_stored_rating(
    staff_client, therapist, client_user
):
    factories.make_review(therapist, rating=5)

    response = staff_client.post(
        reverse("admin:reviews_review_add"),
        review_form(therapist=therapist.pk, author=client_user.pk, rating=2),
    )

    assert response.status_code == 302
    assert Review.objects.filter(therapist=therapist).count() == 2
    assert stored(therapist) == (2, 3.5)
    therapist.refresh_from_db()
    assert therapist.rating_2_count == 1
    assert therapist.rating_5_count == 1


def test_changing_a_rating_in_the_admin_updates_the_stored_rating(
    staff_client, therapist
):
    factories.make_review(therapist, rating=5)
    review = factories.make_review(therapist, rating=5)
    assert stored(therapist) == (2, 5.0)

    response = staff_client.post(
        reverse("admin:reviews_review_change", args=[review.pk]),
        review_form(review, rating=1),
    )

    assert response.status_code == 302
    assert stored(therapist) == (2, 3.0)


def test_unpublishing_a_review_in_the_admin_drops_it_from_the_stored_rating(
    staff_client, therapist
):
    factories.make_review(therapist, rating=5)
    review = factories.make_review(therapist, rating=1)
    assert stored(therapist) == (2, 3.0)

    response = staff_client.post(
        reverse("admin:reviews_review_change", args=[review.pk]),
        review_form(review, status="removed"),
    )

    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).status == "removed"
    assert stored(therapist) == (1, 5.0)


def test_moving_a_review_to_another_therapist_updates_both(
    staff_client, therapist, other_therapist
):
    review = factories.make_review(therapist, rating=5)

    response = staff_client.post(
        reverse("admin:reviews_review_change", args=[review.pk]),
        review_form(review, therapist=other_therapist.pk),
    )

    assert response.status_code == 302
    assert stored(other_therapist) == (1, 5.0)
    assert stored(therapist) == (0, 0.0)


def test_deleting_a_review_in_the_admin_updates_the_stored_rating(
    staff_client, therapist
):
    factories.make_review(therapist, rating=4)
    review = factories.make_review(therapist, rating=1)

    response = staff_client.post(
        reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Review.objects.filter(pk=review.pk).exists()
    assert stored(therapist) == (1, 4.0)


def test_deleting_the_last_review_in_the_admin_resets_the_stored_rating(
    staff_client, therapist
):
    review = factories.make_review(therapist, rating=4)

    staff_client.post(
        reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}
    )

    assert stored(therapist) == (0, 0.0)


def test_delete_selected_action_updates_every_therapists_stored_rating(
    staff_client, therapist, other_therapist
):
    kept = factories.make_review(therapist, rating=5)
    doomed = [
        factories.make_review(therapist, rating=1),
        factories.make_review(other_therapist, rating=2),
    ]
    assert stored(therapist) == (2, 3.0)

    response = staff_client.post(
        reverse("admin:reviews_review_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [review.pk for review in doomed],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert list(Review.objects.all()) == [kept]
    assert stored(therapist) == (1, 5.0)
    assert stored(other_therapist) == (0, 0.0)


def test_delete_selected_action_asks_for_confirmation_first(staff_client, therapist):
    review = factories.make_review(therapist, rating=1)

    response = staff_client.post(
        reverse("admin:reviews_review_changelist"),
        {"action": "delete_selected", "_selected_action": [review.pk]},
    )

    assert response.status_code == 200
    assert "<title>Delete multiple objects" in response.text
    assert Review.objects.filter(pk=review.pk).exists()
    assert stored(therapist) == (1, 1.0)


def test_non_staff_user_is_sent_to_the_admin_login(client, client_user):
    client.force_login(client_user)

    response = client.get(reverse("admin:reviews_review_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_non_staff_user_cannot_delete_a_review(client, client_user, therapist):
    review = factories.make_review(therapist)
    client.force_login(client_user)

    response = client.post(
        reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert Review.objects.filter(pk=review.pk).exists()
