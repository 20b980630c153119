"""Writing a review on /therapists/<slug>/review/: access, validation, replacing,
the hourly limit and review invitations."""

import datetime
import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review, ReviewInvitation
from tests import factories
from tests.accounts.helpers import field_error

pytestmark = pytest.mark.django_db


def write_url(therapist, invite=None):
    url = reverse("reviews:write", kwargs={"slug": therapist.slug})
    return f"{url}?invite={invite}" if invite else url


def choice_error(response, name: str) -> str:
    """The error shown inside the fieldset of a radio-button field, or ""."""
    page = response.content.decode()
    for fieldset in re.findall(r"<fieldset.*?</fieldset>", page, re.DOTALL):
        if f'name="{name}"' in fieldset:
            found = re.search(r'class="field__error">(.*?)</p>', fieldset, re.DOTALL)
            return html.unescape(found.group(1)) if found else ""
    raise AssertionError(f"no fieldset for {name}")


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def logged_in(client, client_user):
    client.force_login(client_user)
    return client


# --- who may write -------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, therapist):
    response = client.get(write_url(therapist))

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={write_url(therapist)}"


def test_anonymous_post_saves_nothing(client, therapist):
    response = client.post(write_url(therapist), factories.make_review_form_data())

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Review.objects.exists()


def test_therapist_cannot_review_their_own_profile(client, therapist):
    client.force_login(therapist.user)

    assert client.get(write_url(therapist)).status_code == 403
    response = client.post(write_url(therapist), factories.make_review_form_data())

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_client_sees_the_review_form(logged_in, therapist):
    response = logged_in.get(write_url(therapist))

    assert response.status_code == 200
    page = page_text(response)
    assert "Review Dana Owner" in page
    for label in ("Overall", "Title", "Your review", "What you came for"):
        assert label in page
    assert 'name="rating"' in page
    assert "Publish review" in page


def test_draft_therapist_cannot_be_reviewed(logged_in):
    draft = factories.make_therapist(is_published=False)

    assert logged_in.get(write_url(draft)).status_code == 404
    response = logged_in.post(write_url(draft), factories.make_review_form_data())

    assert response.status_code == 404
    assert not Review.objects.exists()


def test_unknown_therapist_is_not_found(logged_in):
    url = reverse("reviews:write", kwargs={"slug": "nobody-here"})

    assert logged_in.get(url).status_code == 404


# --- publishing ------------------------------------------------------------------


def test_valid_review_is_published_and_counted(logged_in, client_user, therapist):
    response = logged_in.post(
        write_url(therapist),
        factories.make_review_form_data(rating=4, title="Good for sciatica"),
        follow=True,
    )

    review = Review.objects.get()
    assert review.status == Review.Status.PUBLISHED
    assert review.is_current
    assert review.author == client_user
    assert review.therapist == therapist
    assert review.condition.slug == "sciatica"
    assert review.hold_reasons == ""
    assert list(Review.objects.counted()) == [review]
    assert response.redirect_chain == [(therapist.get_absolute_url(), 302)]
    page = page_text(response)
    assert "Thank you: your review is published." in page
    assert "Good for sciatica" in page


def test_published_review_moves_the_therapists_stored_rating(logged_in, therapist):
    factories.make_review(therapist, rating=2)

    logged_in.post(write_url(therapist), factories.make_review_form_data(rating=5))

    therapist.refresh_from_db()
    assert therapist.rating_count == 2
    assert therapist.rating_sum == 7
    assert therapist.rating_average == 3.5
    assert therapist.rating_5_count == 1
    assert therapist.rating_2_count == 1


def test_title_and_body_are_stored_tidied(logged_in, therapist):
    logged_in.post(
        write_url(therapist),
        factories.make_review_form_data(
            title="  Much   better  now ",
            body="\n  Six sessions and my lower back no longer wakes me at night.  \n",
        ),
    )

    review = Review.objects.get()
    assert review.title == "Much better now"
    assert review.body == "Six sessions and my lower back no longer wakes me at night."


# --- validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    "missing",
    ["rating", "pain_relief", "communication", "technique", "professionalism"],
)
def test_missing_star_rating_is_an_error_next_to_it(logged_in, therapist, missing):
    data = factories.make_review_form_data(**{missing: None})

    response = logged_in.post(write_url(therapist), data)

    assert response.status_code == 200
    assert choice_error(response, missing) == "This field is required."
    assert not Review.objects.exists()


def test_missing_condition_is_an_error_next_to_it(logged_in, therapist):
    response = logged_in.post(
        write_url(therapist), factories.make_review_form_data(condition=None)
    )

    assert field_error(response, "condition") == "This field is required."
    assert not Review.objects.exists()


def test_short_title_is_an_error_next_to_it(logged_in, therapist):
    response = logged_in.post(
        write_url(therapist), factories.make_review_form_data(title=" ok  ")
    )

    assert field_error(response, "title") == (
        "Give your review a short title (at least 4 characters)."
    )
    assert not Review.objects.exists()


def test_body_under_forty_characters_is_an_error_next_to_it(logged_in, therapist):
    body = "Good massage, would go again."  # 29 characters

    response = logged_in.post(
        write_url(therapist), factories.make_review_form_data(body=body)
    )

    assert field_error(response, "body") == (
        "Tell other clients a little more: at least 40 characters (you have 29)."
    )
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("abc", "Enter a whole number."),
        ("", "This field is required."),
    ],
)
def test_bad_number_of_sessions_is_an_error_next_to_it(
    logged_in, therapist, sessions, message
):
    response = logged_in.post(
        write_url(therapist), factories.make_review_form_data(sessions=sessions)
    )

    assert field_error(response, "sessions") == message
    assert not Review.objects.exists()


def test_invalid_form_keeps_what_the_client_typed(logged_in, therapist):
    data = factories.make_review_form_data(
        title="Patient & kind",
        body="She listened first, then worked slowly on my lower back.",
        sessions="abc",
        rating=None,
    )

    response = logged_in.post(write_url(therapist), data)

    page = response.content.decode()
    assert 'value="Patient &amp; kind"' in page
    assert "She listened first, then worked slowly on my lower back." in page
    assert 'value="abc"' in page
    # The aspect ratings the client did pick stay picked.
    assert re.search(r'name="pain_relief" value="5"[^>]*checked', page)
    assert not Review.objects.exists()


def test_invalid_form_does_not_touch_the_current_review(logged_in, client_user):
    therapist = factories.make_therapist()
    current = factories.make_review(therapist, author=client_user, rating=4)

    logged_in.post(write_url(therapist), factories.make_review_form_data(title="x"))

    current.refresh_from_db()
    assert current.is_current
    assert Review.objects.count() == 1
    therapist.refresh_from_db()
    assert therapist.rating_count == 1


# --- writing again replaces --------------------------------------------------------


def test_writing_again_replaces_the_current_review(logged_in, client_user, therapist):
    logged_in.post(
        write_url(therapist),
        factories.make_review_form_data(rating=2, title="Meh, so-so"),
    )
    first = Review.objects.get()

    logged_in.post(
        write_url(therapist),
        factories.make_review_form_data(rating=5, title="Changed my mind"),
    )

    first.refresh_from_db()
    assert not first.is_current
    assert first.title == "Meh, so-so"
    current = Review.objects.get(is_current=True)
    assert current.pk != first.pk
    assert current.title == "Changed my mind"
    assert Review.objects.filter(therapist=therapist, author=client_user).count() == 2
    assert list(Review.objects.counted()) == [current]


def test_replaced_review_stops_counting(logged_in, therapist):
    logged_in.post(write_url(therapist), factories.make_review_form_data(rating=1))
    logged_in.post(write_url(therapist), factories.make_review_form_data(rating=5))

    therapist.refresh_from_db()
    assert therapist.rating_count == 1
    assert therapist.rating_sum == 5
    assert therapist.rating_1_count == 0
    assert therapist.rating_5_count == 1


def test_only_one_current_review_per_client_and_therapist(
    logged_in, client_user, therapist, other_therapist
):
    for rating in (3, 4, 5):
        logged_in.post(
            write_url(therapist), factories.make_review_form_data(rating=rating)
        )
    logged_in.post(write_url(other_therapist), factories.make_review_form_data())

    mine = Review.objects.filter(author=client_user)
    assert mine.filter(therapist=therapist).count() == 3
    assert mine.filter(therapist=therapist, is_current=True).count() == 1
    assert mine.get(therapist=therapist, is_current=True).rating == 5
    assert mine.filter(therapist=other_therapist, is_current=True).count() == 1


def test_form_is_prefilled_with_the_current_review(logged_in, client_user, therapist):
    factories.make_review(
        therapist,
        author=client_user,
        rating=3,
        pain_relief=2,
        title="Slow progress",
        body="It took a while but the stiffness in my back is easing now.",
        sessions=7,
        condition=factories.condition("neck-pain"),
    )

    response = logged_in.get(write_url(therapist))

    page = response.content.decode()
    assert "Saving this form replaces that review" in page
    assert 'value="Slow progress"' in page
    assert "It took a while but the stiffness in my back is easing now." in page
    assert re.search(r'name="sessions" value="7"', page)
    assert re.search(r'name="rating" value="3"[^>]*checked', page)
    assert re.search(r'name="pain_relief" value="2"[^>]*checked', page)
    neck = factories.condition("neck-pain").pk
    assert re.search(rf'<option value="{neck}" selected>', page)


def test_form_is_empty_when_no_review_is_current(logged_in, client_user, therapist):
    factories.make_review(therapist, author=client_user, title="Old one", refresh=False)
    Review.objects.update(is_current=False)

    response = logged_in.get(write_url(therapist))

    assert "Old one" not in response.content.decode()
    assert "Saving this form replaces that review" not in response.content.decode()


# --- the hourly limit ------------------------------------------------------------


def make_recent_reviews(author, count, minutes_ago=10):
    """`count` reviews by `author` of different therapists, written recently."""
    when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return [factories.make_review(author=author, created_at=when) for _ in range(count)]


def test_sixth_review_within_an_hour_is_refused(logged_in, client_user, therapist):
    make_recent_reviews(client_user, 5)

    response = logged_in.post(write_url(therapist), factories.make_review_form_data())

    assert response.status_code == 200
    assert (
        "You have posted 5 reviews in the last hour. Please come back later."
        in page_text(response)
    )
    assert not Review.objects.filter(therapist=therapist).exists()
    assert Review.objects.filter(author=client_user).count() == 5


def test_reviews_older_than_an_hour_do_not_count_towards_the_limit(
    logged_in, client_user, therapist
):
    make_recent_reviews(client_user, 5, minutes_ago=61)

    response = logged_in.post(write_url(therapist), factories.make_review_form_data())

    assert response.status_code == 302
    assert Review.objects.filter(therapist=therapist, author=client_user).exists()


def test_fifth_review_within_an_hour_is_accepted(logged_in, client_user, therapist):
    make_recent_reviews(client_user, 4)

    response = logged_in.post(write_url(therapist), factories.make_review_form_data())

    assert response.status_code == 302
    assert Review.objects.filter(therapist=therapist, author=client_user).exists()


# --- invitations -------------------------------------------------------------------


def test_therapist_creates_an_invitation_from_the_dashboard(client, therapist):
    client.force_login(therapist.user)

    response = client.post(
        reverse("dashboard:invite"), {"note": "Sam, Tuesday"}, follow=True
    )

    invitation = ReviewInvitation.objects.get()
    assert invitation.therapist == therapist
    assert invitation.note == "Sam, Tuesday"
    assert invitation.used_at is None
    assert f"{write_url(therapist)}?invite={invitation.token}" in page_text(response)


def test_client_invited_by_the_therapist_is_a_verified_client(
    client, logged_in, client_user, therapist
):
    client.force_login(therapist.user)
    client.post(reverse("dashboard:invite"), {"note": "Sam"})
    token = ReviewInvitation.objects.get().token
    logged_in.force_login(client_user)

    form_page = logged_in.get(write_url(therapist, invite=token))
    logged_in.post(
        write_url(therapist, invite=token), factories.make_review_form_data()
    )

    assert "your review will be marked as from a verified client" in page_text(
        form_page
    )
    review = Review.objects.get()
    assert review.is_verified_client
    invitation = ReviewInvitation.objects.get()
    assert invitation.used_by == client_user
    assert invitation.used_at is not None
    profile = logged_in.get(therapist.get_absolute_url())
    assert 'pill--verified">Verified client</span>' in profile.content.decode()


def test_invitation_token_in_the_form_marks_the_review_verified(
    logged_in, client_user, therapist
):
    invitation = factories.make_invitation(therapist)

    logged_in.post(
        write_url(therapist),
        factories.make_review_form_data(invite=invitation.token),
    )

    assert Review.objects.get().is_verified_client
    invitation.refresh_from_db()
    assert invitation.used_by == client_user


def test_used_invitation_shows_a_warning_and_does_not_verify(logged_in, therapist):
    invitation = factories.make_invitation(therapist)
    first_client = factories.make_user()
    invitation.used_by = first_client
    invitation.used_at = timezone.now()
    invitation.save()

    form_page = logged_in.get(write_url(therapist, invite=invitation.token))
    response = logged_in.post(
        write_url(therapist, invite=invitation.token),
        factories.make_review_form_data(),
        follow=True,
    )

    warning = "That invitation link was already used or is not valid"
    assert warning in page_text(form_page)
    assert "marked as from a verified client" not in page_text(form_page)
    assert warning in page_text(response)
    review = Review.objects.get()
    assert not review.is_verified_client
    assert review.status == Review.Status.PUBLISHED
    invitation.refresh_from_db()
    assert invitation.used_by == first_client
    # The mark on a review, not the profile's words on what it means.
    assert 'pill--verified">Verified client</span>' not in response.content.decode()


def test_second_client_with_the_same_link_is_not_verified(logged_in, therapist):
    invitation = factories.make_invitation(therapist)
    first = factories.make_user()
    first_client = Client()
    first_client.force_login(first)
    first_client.post(
        write_url(therapist, invite=invitation.token), factories.make_review_form_data()
    )

    logged_in.post(
        write_url(therapist, invite=invitation.token),
        factories.make_review_form_data(
            body="Kind, clear and careful: my back feels much better now."
        ),
    )

    assert Review.objects.get(author=first).is_verified_client
    assert not Review.objects.exclude(author=first).get().is_verified_client


def test_invitation_from_another_therapist_does_not_verify(
    logged_in, therapist, other_therapist
):
    invitation = factories.make_invitation(other_therapist)

    response = logged_in.get(write_url(therapist, invite=invitation.token))
    logged_in.post(
        write_url(therapist, invite=invitation.token), factories.make_review_form_data()
    )

    assert "already used or is not valid" in page_text(response)
    assert not Review.objects.get().is_verified_client
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_client_who_used_an_invitation_stays_verified_when_rewriting(
    logged_in, therapist
):
    invitation = factories.make_invitation(therapist)
    logged_in.post(
        write_url(therapist, invite=invitation.token), factories.make_review_form_data()
    )

    logged_in.post(write_url(therapist), factories.make_review_form_data(rating=4))

    assert Review.objects.get(is_current=True).is_verified_client
