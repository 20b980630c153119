"""Reviews held for staff when written, and the staff queue at /staff/reviews/."""

import html
import re

import pytest
from django.urls import reverse

from reviews.models import ModerationDecision, Review
from tests import factories
from tests.accounts.helpers import field_error

pytestmark = pytest.mark.django_db

QUEUE = "/staff/reviews/"
HELD_MESSAGE = "Thank you: your review will appear once our staff have checked it."


def write_url(therapist):
    return reverse("reviews:write", kwargs={"slug": therapist.slug})


def page_text(response) -> str:
    """What a reader sees: the page without tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def decide(client, review, action, reason):
    """Post one decision from the queue, as the review's form does."""
    return client.post(
        QUEUE,
        {
            "review": review.pk,
            f"r{review.pk}-action": action,
            f"r{review.pk}-reason": reason,
        },
    )


@pytest.fixture
def moderator(db):
    return factories.make_staff_user(
        permissions=["reviews.moderate_review"], first_name="Mo", last_name="Derator"
    )


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


# --- holding when written ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            "Book with her directly at https://dana-massage.example.com for less.",
            "Contains a link.",
        ),
        (
            "Call her on 212-555-0187 to skip the booking fee, she is great.",
            "Contains a phone number.",
        ),
        (
            "Write to dana.owner@example.org to book outside the site, really.",
            "Contains an email address.",
        ),
        (
            "Great massage but the waiting room had a casino advert on the wall.",
            "Contains blocked words: casino.",
        ),
    ],
    ids=["link", "phone", "email", "blocked-word"],
)
def test_review_with_contact_details_or_blocked_words_is_held(
    client, client_user, therapist, body, reason
):
    client.force_login(client_user)

    response = client.post(
        write_url(therapist),
        factories.make_review_form_data(title="Held one", body=body),
        follow=True,
    )

    review = Review.objects.get()
    assert review.status == Review.Status.HELD
    assert review.hold_reasons == reason
    assert HELD_MESSAGE in page_text(response)
    assert "Held one" not in page_text(response)
    assert not Review.objects.counted().exists()
    therapist.refresh_from_db()
    assert therapist.rating_count == 0
    assert therapist.rating_sum == 0


def test_held_review_is_not_on_the_profile_for_anyone(client, client_user, therapist):
    factories.make_review(therapist, rating=4, title="Visible one")
    client.force_login(client_user)
    client.post(
        write_url(therapist),
        factories.make_review_form_data(
            title="Hidden one",
            body="Great work, more photos of her studio at www.dana-studio.com.",
        ),
    )

    page = page_text(client.get(therapist.get_absolute_url()))

    assert "Visible one" in page
    assert "Hidden one" not in page
    assert "www.dana-studio.com" not in page
    therapist.refresh_from_db()
    assert therapist.rating_count == 1
    assert therapist.rating_average == 4.0


def test_author_sees_their_held_review_as_held_on_their_account(
    client, client_user, therapist
):
    client.force_login(client_user)
    client.post(
        write_url(therapist),
        factories.make_review_form_data(
            title="Waiting one",
            body="Lovely work, text me on 646 555 0134 if you want her number.",
        ),
    )

    page = page_text(client.get(reverse("accounts:me")))

    assert "“Waiting one”" in page
    assert "Held for moderation" in page


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("Steady pressure, clear explanations, and a plan for my back.", "published"),
        ("Steady pressure and clear plan, details on bit.ly/dana-plan too.", "held"),
    ],
)
def test_star_rating_never_changes_the_moderation_decision(client, body, status):
    statuses = {}
    for stars in (1, 5):
        therapist = factories.make_therapist()
        author = factories.make_user()
        client.force_login(author)
        aspects = dict.fromkeys(
            ("pain_relief", "communication", "technique", "professionalism"), stars
        )
        client.post(
            write_url(therapist),
            factories.make_review_form_data(
                rating=stars,
                would_recommend="on" if stars == 5 else None,
                body=body,
                **aspects,
            ),
        )
        review = Review.objects.get(author=author)
        statuses[stars] = (review.status, review.hold_reasons)

    assert statuses[1] == statuses[5]
    assert statuses[1][0] == status


# --- who may open the queue --------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={QUEUE}"


def test_anonymous_post_changes_nothing(client, therapist):
    review = factories.make_review(therapist, is_published=False)

    response = decide(client, review, "publish", "Looks fine")

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.HELD


@pytest.mark.parametrize("who", ["client", "therapist", "staff without permission"])
def test_people_without_the_moderate_permission_are_refused(client, therapist, who):
    user = {
        "client": lambda: factories.make_user(),
        "therapist": lambda: therapist.user,
        "staff without permission": lambda: factories.make_staff_user(
            permissions=["verification.verify_credential"]
        ),
    }[who]()
    review = factories.make_review(therapist, is_published=False)
    client.force_login(user)

    assert client.get(QUEUE).status_code == 403
    assert decide(client, review, "publish", "Looks fine").status_code == 403
    review.refresh_from_db()
    assert review.status == Review.Status.HELD
    assert not ModerationDecision.objects.exists()


def test_queue_lists_held_and_reported_reviews(moderator_client, therapist):
    factories.make_review(therapist, is_published=False, title="Held title")
    reported = factories.make_review(therapist, title="Reported title")
    factories.make_report(reported, reason="offensive", details="Rude about staff")

    response = moderator_client.get(QUEUE)

    assert response.status_code == 200
    page = page_text(response)
    assert "Held title" in page
    assert "Reported title" in page
    assert "Reported: Offensive or abusive: Rude about staff" in page


def test_queue_leaves_out_settled_and_replaced_reviews(moderator_client, therapist):
    settled = factories.make_review(therapist, title="Settled title")
    factories.make_report(settled, resolved_at=settled.created_at)
    replaced = factories.make_review(therapist, is_published=False, title="Old draft")
    factories.make_review(
        therapist, author=replaced.author, title="Newer version", is_published=False
    )
    removed = factories.make_review(therapist, title="Removed title", status="removed")
    factories.make_report(removed)

    page = page_text(moderator_client.get(QUEUE))

    assert "Settled title" not in page
    assert "Old draft" not in page
    assert "Removed title" not in page
    assert "Newer version" in page


def test_published_review_nobody_reported_is_not_in_the_queue(
    moderator_client, therapist
):
    ordinary = factories.make_review(therapist, title="Ordinary title")
    held = factories.make_review(therapist, title="Held title", is_published=False)
    decide(moderator_client, held, "publish", "Fine.")
    moderator_client.get(QUEUE)  # shows, and so consumes, the "published" message

    page = page_text(moderator_client.get(QUEUE))

    assert "Ordinary title" not in page
    assert "Held title" not in page
    assert "Nothing to moderate." in page
    assert decide(moderator_client, ordinary, "remove", "Whim.").status_code == 404


def test_queue_shows_why_a_review_was_held(client, client_user, moderator, therapist):
    client.force_login(client_user)
    client.post(
        write_url(therapist),
        factories.make_review_form_data(
            body="Good work but I found her via www.cheap-massage.com, lol, fine."
        ),
    )
    client.force_login(moderator)

    page = page_text(client.get(QUEUE))

    assert "Held because:" in page
    assert "Contains a link." in page


def test_empty_queue_says_so(moderator_client):
    assert "Nothing to moderate." in page_text(moderator_client.get(QUEUE))


# --- decisions ------------------------------------------------------------------------


def test_publishing_a_held_review_makes_it_count_and_visible(
    moderator_client, moderator, therapist
):
    author = factories.make_user()
    held = factories.make_review(
        therapist, author=author, rating=4, title="Held title", is_published=False
    )

    response = decide(moderator_client, held, "publish", "The link was harmless.")

    assert response.status_code == 302
    assert response.url == QUEUE
    held.refresh_from_db()
    assert held.status == Review.Status.PUBLISHED
    assert held.moderation_note == "The link was harmless."
    assert list(Review.objects.counted()) == [held]
    therapist.refresh_from_db()
    assert therapist.rating_count == 1
    assert therapist.rating_4_count == 1
    assert "Held title" in page_text(moderator_client.get(therapist.get_absolute_url()))
    decision = ModerationDecision.objects.get()
    assert decision.review == held
    assert decision.actor == moderator
    assert decision.action == ModerationDecision.Action.PUBLISH
    assert decision.reason == "The link was harmless."


def test_queue_confirms_the_decision(moderator_client, therapist):
    held = factories.make_review(therapist, title="Held title", is_published=False)

    response = decide(moderator_client, held, "publish", "Fine.")
    page = page_text(moderator_client.get(response.url))

    assert "Review “Held title” published." in page


def test_author_sees_the_moderators_reason_on_their_account(
    client, moderator, therapist
):
    author = factories.make_user()
    held = factories.make_review(
        therapist, author=author, title="Held title", is_published=False
    )
    client.force_login(moderator)
    decide(client, held, "publish", "We checked the link: it is her booking page.")

    client.force_login(author)
    page = page_text(client.get(reverse("accounts:me")))

    assert "“Held title”" in page
    assert "Our staff: We checked the link: it is her booking page." in page


def test_rewritten_review_does_not_carry_the_old_staff_note(
    client, moderator, therapist
):
    author = factories.make_user()
    held = factories.make_review(
        therapist, author=author, title="First go", is_published=False
    )
    client.force_login(moderator)
    decide(client, held, "publish", "The link was harmless.")
    client.force_login(author)

    client.post(
        write_url(therapist), factories.make_review_form_data(title="Second go")
    )

    current = Review.objects.get(is_current=True)
    assert current.title == "Second go"
    assert current.moderation_note == ""
    assert "The link was harmless." not in page_text(client.get(reverse("accounts:me")))


def test_removing_a_reported_review_hides_it_and_recounts(
    moderator_client, moderator, therapist
):
    factories.make_review(therapist, rating=5, title="Kept review")
    reported = factories.make_review(therapist, rating=1, title="Abusive review")
    first = factories.make_report(reported, reason="offensive")
    second = factories.make_report(reported, reason="fake")

    decide(moderator_client, reported, "remove", "Personal attack on the therapist.")

    reported.refresh_from_db()
    assert reported.status == Review.Status.REMOVED
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.resolved_at is not None
    assert second.resolved_at is not None
    therapist.refresh_from_db()
    assert therapist.rating_count == 1
    assert therapist.rating_1_count == 0
    assert therapist.rating_average == 5.0
    queue = moderator_client.get(QUEUE)
    assert "Review “Abusive review” removed." in page_text(queue)
    assert f'id="m-{reported.pk}"' not in queue.content.decode()
    profile = page_text(moderator_client.get(therapist.get_absolute_url()))
    assert "Kept review" in profile
    assert "Abusive review" not in profile
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.actor, decision.reason) == (
        ModerationDecision.Action.REMOVE,
        moderator,
        "Personal attack on the therapist.",
    )


def test_author_sees_why_their_review_was_removed(client, moderator, therapist):
    author = factories.make_user()
    review = factories.make_review(therapist, author=author, title="Gone title")
    factories.make_report(review)
    client.force_login(moderator)
    decide(client, review, "remove", "Not a first-hand experience.")

    client.force_login(author)
    page = page_text(client.get(reverse("accounts:me")))

    assert "Removed" in page
    assert "Our staff: Not a first-hand experience." in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_decision_without_a_reason_is_an_error_and_changes_nothing(
    moderator_client, therapist, reason
):
    held = factories.make_review(therapist, is_published=False)

    response = decide(moderator_client, held, "publish", reason)

    assert response.status_code == 200
    assert field_error(response, f"r{held.pk}-reason") == "This field is required."
    held.refresh_from_db()
    assert held.status == Review.Status.HELD
    assert held.moderation_note == ""
    assert not ModerationDecision.objects.exists()
    therapist.refresh_from_db()
    assert therapist.rating_count == 0


def test_decision_without_an_action_changes_nothing(moderator_client, therapist):
    reported = factories.make_review(therapist)
    report = factories.make_report(reported)

    response = decide(moderator_client, reported, "", "Because.")

    assert response.status_code == 200
    reported.refresh_from_db()
    assert reported.status == Review.Status.PUBLISHED
    report.refresh_from_db()
    assert report.resolved_at is None
    assert not ModerationDecision.objects.exists()


def test_review_outside_the_queue_cannot_be_decided(moderator_client, therapist):
    removed = factories.make_review(therapist, status="removed")

    response = decide(moderator_client, removed, "publish", "Changed my mind.")

    assert response.status_code == 404
    removed.refresh_from_db()
    assert removed.status == Review.Status.REMOVED
    assert not ModerationDecision.objects.exists()


@pytest.mark.parametrize("review_id", ["", "abc"])
def test_garbled_review_id_is_not_found(moderator_client, review_id):
    response = moderator_client.post(QUEUE, {"review": review_id})

    assert response.status_code == 404
