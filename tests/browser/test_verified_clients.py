"""A client records a session, the therapist confirms it, and the client's
review shows "Verified client"; the profile lists verified clients' reviews on
their own, and the search filters on their average. In a real browser."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser import helpers

PASSWORD = "gentle-but-firm-pressure-7"


def log_in(page, user):
    helpers.log_in(page, user.username, PASSWORD)


def account(user, email):
    user.username = email
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_session_both_record_makes_the_review_verified(page, audit, screenshot):
    therapist = factories.make_therapist(display_name="Noor Haddad", slug="noor-haddad")
    factories.make_location(therapist, "10001")
    account(therapist.user, "noor@example.org")
    client = account(
        factories.make_user(first_name="Sam", last_name="Rivera"), "sam@example.org"
    )
    conversation = factories.make_interview(
        therapist=therapist,
        client=client,
        status="accepted",
        answered_at=timezone.now(),
    )
    session_day = timezone.localdate() - datetime.timedelta(days=3)

    # The client reviews, then records the session from the conversation page.
    log_in(page, client)
    page.goto(therapist.get_absolute_url())
    page.get_by_role("link", name="Write a review").click()
    expect(page.get_by_text("Had a session with Noor Haddad?")).to_be_visible()
    for group in (
        "Overall",
        "Pain relief",
        "Listening and communication",
        "Pressure and technique",
        "Professionalism",
    ):
        page.get_by_role("group", name=group, exact=True).get_by_label(
            "5 stars"
        ).check()
    page.get_by_label("What you came for").select_option(label="Sciatica")
    page.get_by_label("Number of sessions").fill("3")
    page.get_by_label("Title").fill("Careful and clear")
    page.get_by_label("Your review").fill(
        "Noor explained each step and checked the pressure. My back is better."
    )
    page.get_by_role("button", name="Publish review").click()
    review = page.get_by_role("article", name="Review: Careful and clear")
    expect(review.get_by_text("Verified client")).to_have_count(0)

    page.goto(conversation.get_absolute_url())
    page.get_by_role("link", name="Record it").click()
    expect(
        page.get_by_role("heading", name="Your sessions with Noor Haddad")
    ).to_be_visible()
    page.get_by_label("Date of the session").fill(session_day.isoformat())
    audit(page, "client's sessions")
    page.get_by_role("button", name="Record this session").click()
    expect(page.get_by_text("We asked Noor Haddad to confirm it.")).to_be_visible()
    expect(page.get_by_text("Waiting for Noor Haddad to confirm")).to_be_visible()
    audit(page, "client's sessions, one waiting")
    screenshot(page, "client-sessions")
    page.get_by_role("button", name="Log out").click()

    # The therapist confirms it from the dashboard.
    log_in(page, therapist.user)
    page.goto("/dashboard/")
    page.get_by_role("link", name="sessions with your clients").click()
    expect(page.get_by_text("Sam Rivera recorded a session with you")).to_be_visible()
    audit(page, "therapist's sessions")
    screenshot(page, "therapist-sessions")
    page.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(
        page.get_by_text("Confirmed: you and Sam Rivera both recorded the session")
    ).to_be_visible()
    screenshot(page, "therapist-sessions-confirmed")

    # The review now shows it, and the switch lists it on its own.
    page.goto(therapist.get_absolute_url())
    review = page.get_by_role("article", name="Review: Careful and clear")
    expect(review.get_by_text("Verified client")).to_be_visible()
    expect(
        page.get_by_text("1 of 1 review from verified clients, who rate 5.0")
    ).to_be_visible()
    page.get_by_text("What “verified client” means").click()
    expect(page.get_by_text("both recorded a session together")).to_be_visible()
    page.get_by_role("link", name="Verified clients only (1)").click()
    expect(page).to_have_url(re.compile(r"reviews=verified"))
    expect(
        page.get_by_role("article", name="Review: Careful and clear")
    ).to_be_visible()
    audit(page, "profile, verified clients only")
    page.locator("#reviews").scroll_into_view_if_needed()
    screenshot(page, "profile-verified-only")


def test_search_by_the_rating_of_verified_clients(page, audit, screenshot):
    page.goto("/therapists/?min_verified_rating=4.5&sort=rating")

    expect(
        page.get_by_role("link", name=re.compile("Verified clients rate 4.5"))
    ).to_be_visible()
    cards = page.locator("article.result")
    expect(cards.first).to_be_visible()
    expect(
        cards.first.get_by_text(re.compile(r"of \d+ from verified clients"))
    ).to_be_visible()
    audit(page, "search by verified clients' rating")
    screenshot(page, "search-verified-rating")
