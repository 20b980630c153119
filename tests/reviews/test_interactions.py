"""What people do with a published review: report it, vote it helpful, respond
to it; and that none of those pages lets a review's text run as HTML."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from reviews.models import HelpfulVote, Review, ReviewReport, ReviewResponse
from tests import factories
from tests.accounts.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    """What a reader sees: the page without tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def choice_error(response, name: str) -> str:
    """The error shown inside the fieldset of a radio-button field, or ""."""
    page = response.content.decode()
    for fieldset in re.findall(r"<fieldset.*?</fieldset>", page, re.DOTALL):
        if f'name="{name}"' in fieldset:
            found = re.search(r'class="field__error">(.*?)</p>', fieldset, re.DOTALL)
            return html.unescape(found.group(1)) if found else ""
    raise AssertionError(f"no fieldset for {name}")


def report_url(review):
    return reverse("reviews:report", kwargs={"pk": review.pk})


def helpful_url(review):
    return reverse("reviews:helpful", kwargs={"pk": review.pk})


def respond_url(review):
    return reverse("reviews:respond", kwargs={"pk": review.pk})


@pytest.fixture
def review(therapist):
    author = factories.make_user(
        first_name="Imani", last_name="Brooks", email="imani@example.org"
    )
    return factories.make_review(therapist, author=author, title="Sciatica eased")


@pytest.fixture
def logged_in(client, client_user):
    client.force_login(client_user)
    return client


# --- reports ---------------------------------------------------------------------


def test_anonymous_visitor_must_log_in_to_report(client, review):
    assert client.get(report_url(review)).url == (
        f"/accounts/login/?next={report_url(review)}"
    )
    response = client.post(report_url(review), {"reason": "fake"})

    assert response.url.startswith("/accounts/login/")
    assert not ReviewReport.objects.exists()


def test_logged_in_user_sees_the_review_they_are_reporting(logged_in, review):
    response = logged_in.get(report_url(review))

    assert response.status_code == 200
    page = page_text(response)
    assert "Report a review" in page
    assert "Sciatica eased (5 stars) about Dana Owner" in page
    assert "Not a real client experience" in page


def test_logged_in_user_reports_a_review_with_a_reason(logged_in, client_user, review):
    response = logged_in.post(
        report_url(review),
        {"reason": "personal", "details": "Names my employer."},
        follow=True,
    )

    report = ReviewReport.objects.get()
    assert (report.review, report.reporter) == (review, client_user)
    assert report.reason == ReviewReport.Reason.PERSONAL
    assert report.details == "Names my employer."
    assert report.resolved_at is None
    assert response.redirect_chain[0][0] == review.get_absolute_url()
    assert "Thank you: our staff will look at this review." in page_text(response)


def test_therapist_can_report_a_review_of_themselves(client, therapist, review):
    client.force_login(therapist.user)

    client.post(report_url(review), {"reason": "fake"})

    assert ReviewReport.objects.get().reporter == therapist.user


def test_reporting_twice_keeps_one_open_report(logged_in, review):
    logged_in.post(report_url(review), {"reason": "fake"})
    response = logged_in.post(
        report_url(review), {"reason": "spam", "details": "Again"}, follow=True
    )

    assert "Thank you: our staff will look at this review." in page_text(response)
    report = ReviewReport.objects.get()
    assert report.reason == ReviewReport.Reason.FAKE


def test_reports_by_different_people_are_kept_apart(logged_in, client, review):
    logged_in.post(report_url(review), {"reason": "fake"})
    client.force_login(factories.make_user())
    client.post(report_url(review), {"reason": "offensive"})

    assert ReviewReport.objects.filter(review=review).count() == 2


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "This field is required."),
        ("rude", "Select a valid choice. rude is not one of the available choices."),
    ],
)
def test_report_without_a_valid_reason_is_an_error(logged_in, review, reason, message):
    response = logged_in.post(
        report_url(review), {"reason": reason, "details": "Looks fake"}
    )

    assert response.status_code == 200
    assert choice_error(response, "reason") == message
    assert "Looks fake" in response.content.decode()
    assert not ReviewReport.objects.exists()


def test_unpublished_review_cannot_be_reported(logged_in, therapist):
    held = factories.make_review(therapist, is_published=False)

    assert logged_in.get(report_url(held)).status_code == 404
    assert logged_in.post(report_url(held), {"reason": "fake"}).status_code == 404
    assert not ReviewReport.objects.exists()


# --- helpful votes ------------------------------------------------------------------


def votes_match(review) -> bool:
    review.refresh_from_db()
    return review.helpful_count == HelpfulVote.objects.filter(review=review).count()


def test_helpful_vote_must_be_posted(logged_in, review):
    assert logged_in.get(helpful_url(review)).status_code == 405
    assert not HelpfulVote.objects.exists()


def test_anonymous_visitor_must_log_in_to_vote(client, review):
    response = client.post(helpful_url(review))

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not HelpfulVote.objects.exists()


def test_helpful_vote_is_counted_and_shown(logged_in, client_user, review):
    response = logged_in.post(helpful_url(review), follow=True)

    assert HelpfulVote.objects.get().user == client_user
    assert votes_match(review)
    assert review.helpful_count == 1
    assert "1 found this helpful" in page_text(response)


def test_voting_twice_takes_the_vote_back(logged_in, review):
    logged_in.post(helpful_url(review))
    response = logged_in.post(helpful_url(review), follow=True)

    assert not HelpfulVote.objects.exists()
    assert votes_match(review)
    assert review.helpful_count == 0
    assert "found this helpful" not in page_text(response)


def test_author_cannot_vote_on_their_own_review(client, review):
    client.force_login(review.author)

    response = client.post(helpful_url(review))

    assert response.status_code == 403
    assert not HelpfulVote.objects.exists()
    assert votes_match(review)


def test_helpful_count_equals_the_votes_after_many_votes(client, review):
    voters = [factories.make_user() for _ in range(4)]
    for voter in voters:
        client.force_login(voter)
        client.post(helpful_url(review))
    client.force_login(voters[1])
    client.post(helpful_url(review))
    client.force_login(voters[2])
    client.post(helpful_url(review))
    client.post(helpful_url(review))

    assert votes_match(review)
    assert review.helpful_count == 3


def test_unpublished_review_cannot_be_voted_on(logged_in, therapist):
    held = factories.make_review(therapist, is_published=False)

    assert logged_in.post(helpful_url(held)).status_code == 404
    assert not HelpfulVote.objects.exists()


def test_most_helpful_sort_follows_the_votes(client, therapist):
    reviews = {
        title: factories.make_review(therapist, title=title)
        for title in ("Least liked", "Most liked", "Middle one")
    }
    for votes, title in ((3, "Most liked"), (1, "Middle one")):
        for _ in range(votes):
            client.force_login(factories.make_user())
            client.post(helpful_url(reviews[title]))

    page = page_text(client.get(therapist.get_absolute_url(), {"sort": "helpful"}))

    positions = [page.index(title) for title in ("Most liked", "Middle one")]
    assert positions == sorted(positions)
    assert page.index("Middle one") < page.index("Least liked")
    assert "3 found this helpful" in page


def test_helpful_count_drops_when_a_voter_deletes_their_account(client, review):
    voter = factories.make_user()
    client.force_login(voter)
    client.post(helpful_url(review))

    client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})

    assert not HelpfulVote.objects.exists()
    assert votes_match(review)


def test_rewritten_review_starts_without_helpful_votes(client, therapist, review):
    client.force_login(factories.make_user())
    client.post(helpful_url(review))
    client.force_login(review.author)

    client.post(
        reverse("reviews:write", kwargs={"slug": therapist.slug}),
        factories.make_review_form_data(),
    )

    replacement = Review.objects.get(is_current=True)
    assert replacement.pk != review.pk
    assert votes_match(replacement)


# --- responses ----------------------------------------------------------------------


def test_anonymous_visitor_must_log_in_to_respond(client, review):
    response = client.get(respond_url(review))

    assert response.url == f"/accounts/login/?next={respond_url(review)}"
    client.post(respond_url(review), {"body": "Thank you for coming in."})
    assert not ReviewResponse.objects.exists()


@pytest.mark.parametrize("who", ["client", "author", "other therapist", "staff"])
def test_only_the_reviewed_therapist_may_respond(
    client, other_therapist, staff_user, review, who
):
    user = {
        "client": lambda: factories.make_user(),
        "author": lambda: review.author,
        "other therapist": lambda: other_therapist.user,
        "staff": lambda: staff_user,
    }[who]()
    client.force_login(user)

    assert client.get(respond_url(review)).status_code == 403
    response = client.post(respond_url(review), {"body": "Thank you for coming in."})

    assert response.status_code == 403
    assert not ReviewResponse.objects.exists()
    assert mail.outbox == []


def test_therapist_responds_and_the_client_is_emailed(client, therapist, review):
    client.force_login(therapist.user)
    form = client.get(respond_url(review))

    response = client.post(
        respond_url(review),
        {"body": "Thank you, Imani. Keep up the stretches!"},
        follow=True,
    )

    assert "Respond to this review" in page_text(form)
    saved = ReviewResponse.objects.get()
    assert saved.review == review
    assert saved.body == "Thank you, Imani. Keep up the stretches!"
    (email,) = mail.outbox
    assert email.to == ["imani@example.org"]
    assert email.subject == "Dana Owner responded to your review"
    assert "Thank you, Imani. Keep up the stretches!" in email.body
    assert f"http://testserver/therapists/dana-owner/#review-{review.pk}" in email.body
    page = page_text(response)
    assert "Your response is published." in page
    assert "Response from Dana Owner" in page
    assert "Thank you, Imani. Keep up the stretches!" in page


def test_response_shows_on_the_profile_for_visitors(client, therapist, review):
    ReviewResponse.objects.create(review=review, body="Glad the sessions helped.")

    page = page_text(client.get(therapist.get_absolute_url()))

    assert "Response from Dana Owner" in page
    assert "Glad the sessions helped." in page


def test_responding_again_edits_the_one_response(client, therapist, review):
    client.force_login(therapist.user)
    client.post(respond_url(review), {"body": "First version of my answer."})
    first = ReviewResponse.objects.get()

    form = client.get(respond_url(review))
    client.post(respond_url(review), {"body": "Second, kinder version."})

    assert "Edit your response" in page_text(form)
    assert "First version of my answer." in page_text(form)
    saved = ReviewResponse.objects.get()
    assert saved.pk == first.pk
    assert saved.body == "Second, kinder version."
    assert len(mail.outbox) == 2
    page = page_text(client.get(therapist.get_absolute_url()))
    assert "Second, kinder version." in page
    assert "First version of my answer." not in page


def test_short_response_is_an_error_and_sends_nothing(client, therapist, review):
    client.force_login(therapist.user)

    response = client.post(respond_url(review), {"body": "  Thanks  "})

    assert "Write at least 10 characters." in page_text(response)
    assert not ReviewResponse.objects.exists()
    assert mail.outbox == []


def test_response_to_an_unpublished_review_is_not_found(client, therapist):
    held = factories.make_review(therapist, is_published=False)
    client.force_login(therapist.user)

    assert client.get(respond_url(held)).status_code == 404
    assert not ReviewResponse.objects.exists()


# --- escaping -----------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
)


def assert_escaped(response):
    page = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in page
    assert IMG not in page
    for escaped in ESCAPED:
        assert escaped in page


@pytest.fixture
def hostile_review(therapist):
    author = factories.make_user(first_name=IMG, last_name=SCRIPT)
    review = factories.make_review(
        therapist,
        author=author,
        title=f"{SCRIPT} {IMG}",
        body=f"Good work.\n{SCRIPT}\n{IMG}\nReally.",
    )
    factories.make_report(review, details=f"{SCRIPT} {IMG}")
    ReviewResponse.objects.create(review=review, body=f"Thanks {SCRIPT} {IMG}")
    return review


def test_profile_escapes_review_and_response_text(client, therapist, hostile_review):
    assert_escaped(client.get(therapist.get_absolute_url()))


def test_moderation_queue_escapes_review_text(client, hostile_review):
    client.force_login(
        factories.make_staff_user(permissions=["reviews.moderate_review"])
    )

    assert_escaped(client.get("/staff/reviews/"))


def test_moderation_queue_escapes_held_review_and_its_decision(client, therapist):
    held = factories.make_review(
        therapist,
        title=f"{SCRIPT} {IMG}",
        body=f"{SCRIPT} {IMG}",
        is_published=False,
        hold_reasons=f"Contains a link: {SCRIPT} {IMG}",
    )
    client.force_login(
        factories.make_staff_user(permissions=["reviews.moderate_review"])
    )
    assert_escaped(client.get("/staff/reviews/"))

    response = client.post(
        "/staff/reviews/",
        {
            "review": held.pk,
            f"r{held.pk}-action": "publish",
            f"r{held.pk}-reason": "ok",
        },
        follow=True,
    )

    assert_escaped(response)


def test_report_page_escapes_review_text(logged_in, hostile_review):
    assert_escaped(logged_in.get(report_url(hostile_review)))


def test_response_page_escapes_review_and_response_text(
    client, therapist, hostile_review
):
    client.force_login(therapist.user)

    assert_escaped(client.get(respond_url(hostile_review)))


def test_account_page_escapes_review_title_and_staff_note(client, hostile_review):
    Review.objects.filter(pk=hostile_review.pk).update(moderation_note=IMG)
    client.force_login(hostile_review.author)

    assert_escaped(client.get(reverse("accounts:me")))


def test_review_form_escapes_the_review_being_replaced(client, hostile_review):
    client.force_login(hostile_review.author)
    url = reverse("reviews:write", kwargs={"slug": hostile_review.therapist.slug})

    assert_escaped(client.get(url))
