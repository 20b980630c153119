"""Separation of duties: nobody moderates a review of their own profile, or one
they wrote, in the moderation queue or the admin. The refusal is a 403 or a
form error, and changes nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reviews import writing
from reviews.models import ModerationDecision, Review
from tests import factories
from tests.reviews.test_admin import review_form
from tests.reviews.test_moderation_queue import QUEUE, decide, page_text

pytestmark = pytest.mark.django_db

MODERATE = "reviews.moderate_review"
ADMIN_PERMISSIONS = [
    "reviews.view_review",
    "reviews.add_review",
    "reviews.change_review",
    "reviews.delete_review",
]
REFUSAL = "You cannot moderate a review of your own profile or one you wrote."


@pytest.fixture
def moderating_therapist(db):
    """A therapist who is also a moderator and may edit reviews in the admin."""
    therapist = factories.make_therapist(display_name="Mona Moderator")
    user = therapist.user
    user.is_staff = True
    user.save()
    for name in [MODERATE, *ADMIN_PERMISSIONS]:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return therapist


@pytest.fixture
def own_review(moderating_therapist):
    """A held review of the moderating therapist's own profile."""
    return factories.make_review(
        moderating_therapist, is_published=False, title="About my own therapist"
    )


def unchanged(review) -> bool:
    status = review.status
    review.refresh_from_db()
    return review.status == status and not ModerationDecision.objects.exists()


# --- the queue ----------------------------------------------------------------------


def test_moderator_cannot_publish_a_review_of_their_own_profile(
    client, moderating_therapist, own_review
):
    client.force_login(moderating_therapist.user)

    response = decide(client, own_review, "publish", "Looks fine to me")

    assert response.status_code == 403
    assert REFUSAL in page_text(response)
    assert unchanged(own_review)
    assert own_review.status == Review.Status.HELD


def test_moderator_cannot_remove_a_review_they_wrote(client, moderating_therapist):
    other = factories.make_therapist()
    written = factories.make_review(
        other, author=moderating_therapist.user, is_published=False
    )
    client.force_login(moderating_therapist.user)

    response = decide(client, written, "publish", "Mine, and fine")

    assert response.status_code == 403
    assert unchanged(written)


def test_queue_shows_a_review_of_themselves_without_a_decision_form(
    client, moderating_therapist, own_review
):
    other = factories.make_review(is_published=False, title="Someone else's review")
    client.force_login(moderating_therapist.user)

    response = client.get(QUEUE)

    text = page_text(response)
    assert response.status_code == 200
    assert "About my own therapist" in text
    assert "another moderator decides" in text
    assert f'name="r{own_review.pk}-action"' not in response.content.decode()
    assert f'name="r{other.pk}-action"' in response.content.decode()


def test_moderate_refuses_a_review_of_the_actor(moderating_therapist, own_review):
    with pytest.raises(PermissionDenied):
        writing.moderate(
            review=own_review,
            actor=moderating_therapist.user,
            publish=True,
            reason="Fine",
        )

    assert unchanged(own_review)


def test_another_moderator_may_decide_on_it(client, own_review):
    client.force_login(factories.make_staff_user(permissions=[MODERATE]))

    response = decide(client, own_review, "publish", "Checked: fine")

    assert response.status_code == 302
    own_review.refresh_from_db()
    assert own_review.status == Review.Status.PUBLISHED


# --- the admin ----------------------------------------------------------------------


def test_admin_change_of_a_review_of_themselves_is_refused(
    client, moderating_therapist, own_review
):
    client.force_login(moderating_therapist.user)
    url = reverse("admin:reviews_review_change", args=[own_review.pk])

    page = client.get(url)
    response = client.post(url, review_form(own_review, status="published"))

    assert page.status_code == 200
    assert 'name="status"' not in page.text  # read-only
    assert response.status_code == 403
    assert unchanged(own_review)


def test_admin_delete_of_a_review_of_themselves_is_refused(
    client, moderating_therapist, own_review
):
    client.force_login(moderating_therapist.user)

    response = client.post(
        reverse("admin:reviews_review_delete", args=[own_review.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Review.objects.filter(pk=own_review.pk).exists()


def test_admin_bulk_delete_including_a_review_of_themselves_deletes_nothing(
    client, moderating_therapist, own_review
):
    other = factories.make_review()
    client.force_login(moderating_therapist.user)
    changelist = reverse("admin:reviews_review_changelist")
    selected = {
        "action": "delete_selected",
        "_selected_action": [own_review.pk, other.pk],
    }

    confirmation = client.post(changelist, selected)
    response = client.post(changelist, {**selected, "post": "yes"})

    assert "permission to delete" in confirmation.text
    assert response.status_code == 403
    assert Review.objects.filter(pk__in=[own_review.pk, other.pk]).count() == 2


def test_admin_cannot_add_a_review_of_themselves(client, moderating_therapist):
    client.force_login(moderating_therapist.user)

    response = client.post(
        reverse("admin:reviews_review_add"),
        review_form(therapist=moderating_therapist.pk, author=factories.make_user().pk),
    )

    assert response.status_code == 200
    assert REFUSAL in response.text
    assert not Review.objects.exists()


def test_admin_cannot_move_a_review_onto_themselves(client, moderating_therapist):
    review = factories.make_review()
    client.force_login(moderating_therapist.user)

    response = client.post(
        reverse("admin:reviews_review_change", args=[review.pk]),
        review_form(review, therapist=moderating_therapist.pk),
    )

    assert response.status_code == 200
    assert REFUSAL in response.text
    review.refresh_from_db()
    assert review.therapist_id != moderating_therapist.pk


def test_admin_still_edits_other_peoples_reviews(client, moderating_therapist):
    review = factories.make_review(is_published=False)
    client.force_login(moderating_therapist.user)

    response = client.post(
        reverse("admin:reviews_review_change", args=[review.pk]),
        review_form(review, status="published"),
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.PUBLISHED
