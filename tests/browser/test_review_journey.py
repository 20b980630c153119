"""A client reviews a therapist and the therapist responds, in a real browser."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser import helpers

PASSWORD = "gentle-but-firm-pressure-7"


def log_in(page, user):
    helpers.log_in(page, user.username, PASSWORD)


def test_client_reviews_and_the_therapist_responds(page, audit, screenshot):
    therapist = factories.make_therapist(display_name="Noor Haddad", slug="noor-haddad")
    factories.make_location(therapist, "10001")
    therapist.user.username = "noor@example.org"
    therapist.user.set_password(PASSWORD)
    therapist.user.save()
    client = factories.make_user(
        username="sam@example.org", first_name="Sam", last_name="Rivera"
    )
    client.set_password(PASSWORD)
    client.save()

    log_in(page, client)
    page.goto(therapist.get_absolute_url())
    page.get_by_role("link", name="Write a review").click()
    expect(page.get_by_role("heading", name="Review Noor Haddad")).to_be_visible()
    for group, stars in [
        ("Overall", "5 stars"),
        ("Pain relief", "4 stars"),
        ("Listening and communication", "5 stars"),
        ("Pressure and technique", "4 stars"),
        ("Professionalism", "5 stars"),
    ]:
        page.get_by_role("group", name=group, exact=True).get_by_label(stars).check()
    page.get_by_label("What you came for").select_option(label="Sciatica")
    page.get_by_label("Number of sessions").fill("4")
    page.get_by_label("I would recommend this therapist to a friend").check()
    page.get_by_label("Title").fill("My sciatica finally eased")
    page.get_by_label("Your review").fill(
        "Noor asked about my history first, explained what she would do and checked "
        "the pressure often. After four sessions I can sit at my desk again."
    )
    audit(page, "review form")
    screenshot(page, "review-form")
    page.get_by_role("button", name="Publish review").click()

    expect(page.get_by_text("Thank you: your review is published.")).to_be_visible()
    review = page.get_by_role("article", name="Review: My sciatica finally eased")
    expect(review).to_be_visible()
    expect(
        review.get_by_text("Came for sciatica · 4 sessions · Would recommend")
    ).to_be_visible()
    expect(page.get_by_text("100% would recommend")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, therapist.user)
    page.goto(therapist.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Respond")).click()
    page.get_by_label("Your public response").fill(
        "Thank you, Sam. Keep up the stretches between sessions!"
    )
    audit(page, "response form")
    page.get_by_role("button", name="Publish response").click()
    review = page.get_by_role("article", name="Review: My sciatica finally eased")
    expect(review.get_by_text("Response from Noor Haddad")).to_be_visible()
    expect(review.get_by_text("Keep up the stretches")).to_be_visible()
    audit(page, "profile with reviews")
