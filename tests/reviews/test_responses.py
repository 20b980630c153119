"""A therapist's public response outlives a rewrite of the review it answers: it
moves to the new version, marked as answering an earlier one, the therapist is
told by email, and updating the response clears the mark."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from reviews.models import Review, ReviewResponse
from tests import factories

pytestmark = pytest.mark.django_db

EARLIER = "Response to an earlier version of this review"
ANSWER = "Thank you, Imani. Keep up the stretches!"
QUEUE = reverse("reviews:moderation")


def page_text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def respond_url(review):
    return reverse("reviews:respond", kwargs={"pk": review.pk})


@pytest.fixture
def author(db):
    return factories.make_user(
        first_name="Imani", last_name="Brooks", email="imani@example.org"
    )


@pytest.fixture
def answered(therapist, author):
    """A published review with the therapist's response under it."""
    review = factories.make_review(therapist, author=author, title="Sciatica eased")
    ReviewResponse.objects.create(review=review, body=ANSWER)
    return review


def rewrite(client, author, therapist, **overrides):
    client.force_login(author)
    data = factories.make_review_form_data(
        title="Better after six sessions", **overrides
    )
    response = client.post(reverse("reviews:write", args=[therapist.slug]), data)
    assert response.status_code == 302, "the review form refused the rewrite"
    return response


def current_review(therapist, author) -> Review:
    return Review.objects.get(therapist=therapist, author=author, is_current=True)


def test_rewriting_keeps_the_response_marked_as_answering_an_earlier_version(
    client, therapist, author, answered
):
    rewrite(client, author, therapist)

    new = current_review(therapist, author)
    assert new.pk != answered.pk
    response = ReviewResponse.objects.get()
    assert (response.review, response.body) == (new, ANSWER)
    assert response.answers_earlier_version is True
    page = page_text(client.get(therapist.get_absolute_url()))
    assert "Better after six sessions" in page
    assert ANSWER in page
    assert EARLIER in page


def test_the_therapist_is_emailed_once_with_a_link_to_update(
    client, therapist, author, answered
):
    rewrite(client, author, therapist)

    new = current_review(therapist, author)
    (email,) = mail.outbox
    assert email.to == [therapist.user.email]
    assert email.subject == "Imani B. changed a review you responded to"
    assert f"http://testserver{respond_url(new)}" in email.body
    assert EARLIER in email.body
    assert "Better after six sessions" in email.body


def test_a_rewrite_without_a_response_emails_nobody(client, therapist, author):
    factories.make_review(therapist, author=author)
    rewrite(client, author, therapist)
    assert mail.outbox == []
    assert not ReviewResponse.objects.exists()


def test_a_first_review_emails_nobody(client, therapist, author):
    rewrite(client, author, therapist)
    assert mail.outbox == []


def test_updating_the_response_clears_the_mark(client, therapist, author, answered):
    rewrite(client, author, therapist)
    new = current_review(therapist, author)
    client.force_login(therapist.user)

    form = page_text(client.get(respond_url(new)))
    assert "Imani B. changed this review after you responded." in form
    assert ANSWER in form  # the response to edit, filled in
    client.post(respond_url(new), {"body": "Glad six sessions did it, Imani."})

    response = ReviewResponse.objects.get()
    assert response.answers_earlier_version is False
    assert response.body == "Glad six sessions did it, Imani."
    page = page_text(client.get(therapist.get_absolute_url()))
    assert EARLIER not in page
    assert "Glad six sessions did it, Imani." in page


def test_owner_is_offered_to_update_a_marked_response(
    client, therapist, author, answered
):
    rewrite(client, author, therapist)
    client.force_login(therapist.user)
    page = page_text(client.get(therapist.get_absolute_url()))
    assert "Update your response to Better after six sessions" in page


def test_rewriting_twice_keeps_one_response_on_the_latest_version(
    client, therapist, author, answered
):
    rewrite(client, author, therapist)
    rewrite(
        client,
        author,
        therapist,
        body="Even better now: I sleep through the night again.",
    )

    latest = current_review(therapist, author)
    response = ReviewResponse.objects.get()
    assert response.review == latest
    assert response.answers_earlier_version is True
    assert len(mail.outbox) == 2


def test_a_response_left_on_an_older_version_is_not_pulled_forward(
    client, therapist, author, answered
):
    """Only the replaced version's response moves: one left on an older version
    (before responses moved) stays with the history it answered."""
    factories.make_review(therapist, author=author, title="Second version")
    rewrite(client, author, therapist)
    assert ReviewResponse.objects.get().review == answered
    assert mail.outbox == []


@pytest.mark.parametrize(
    "who", ["anonymous", "the_author", "another_client", "other_therapist", "staff"]
)
def test_only_the_reviewed_therapist_may_update_a_marked_response(
    client, therapist, other_therapist, author, answered, who
):
    rewrite(client, author, therapist)
    client.logout()
    new = current_review(therapist, author)
    people = {
        "anonymous": None,
        "the_author": author,
        "another_client": factories.make_user(),
        "other_therapist": other_therapist.user,
        "staff": factories.make_staff_user(permissions=["reviews.moderate_review"]),
    }
    if people[who] is not None:
        client.force_login(people[who])
    mail.outbox.clear()

    response = client.post(respond_url(new), {"body": "Someone else's words here."})

    assert response.status_code in (302, 403)
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 403
    saved = ReviewResponse.objects.get()
    assert (saved.body, saved.answers_earlier_version) == (ANSWER, True)
    assert mail.outbox == []


def test_a_too_short_update_keeps_the_mark_and_says_why(
    client, therapist, author, answered
):
    rewrite(client, author, therapist)
    new = current_review(therapist, author)
    client.force_login(therapist.user)
    mail.outbox.clear()

    response = client.post(respond_url(new), {"body": " ok "})

    assert response.status_code == 200
    assert "Write at least 10 characters." in page_text(response)
    saved = ReviewResponse.objects.get()
    assert (saved.body, saved.answers_earlier_version) == (ANSWER, True)
    assert mail.outbox == []


# --- a rewrite held for moderation --------------------------------------------------


def test_a_held_rewrite_tells_the_therapist_only_once_published(
    client, therapist, author, answered
):
    rewrite(
        client,
        author,
        therapist,
        body="Call me on 212 555 0100 to hear more about my sessions.",
    )
    held = current_review(therapist, author)
    assert held.status == Review.Status.HELD
    assert mail.outbox == []
    assert ReviewResponse.objects.get().review == held

    moderator = factories.make_staff_user(permissions=["reviews.moderate_review"])
    client.force_login(moderator)
    client.post(
        QUEUE,
        {
            "review": held.pk,
            f"r{held.pk}-action": "publish",
            f"r{held.pk}-reason": "The number is the clinic's.",
        },
    )

    (email,) = mail.outbox
    assert email.to == [therapist.user.email]
    assert f"http://testserver{respond_url(held)}" in email.body


def test_a_held_rewrite_that_is_removed_tells_nobody(
    client, therapist, author, answered
):
    rewrite(
        client,
        author,
        therapist,
        body="Call me on 212 555 0100 to hear more about my sessions.",
    )
    held = current_review(therapist, author)
    client.force_login(
        factories.make_staff_user(permissions=["reviews.moderate_review"])
    )
    client.post(
        QUEUE,
        {
            "review": held.pk,
            f"r{held.pk}-action": "remove",
            f"r{held.pk}-reason": "Advertising.",
        },
    )
    assert mail.outbox == []
