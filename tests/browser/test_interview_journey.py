"""A client shortlists, compares and interviews therapists, in a real browser."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser import helpers

PASSWORD = "ask-before-you-book-5"


def log_in(page, user):
    helpers.log_in(page, user.username, PASSWORD)


def person(username, **fields):
    user = factories.make_user(username=username, email=username, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_client_shortlists_compares_and_reads_answers(page, audit, screenshot):
    names = ["Ada Moreno", "Ben Okoro", "Cleo Nash"]
    therapists = []
    for name in names:
        user = person(f"{name.split()[0].lower()}@example.org")
        therapist = factories.make_therapist(
            display_name=name, slug=name.lower().replace(" ", "-"), user=user
        )
        factories.add_technique(therapist, "deep-tissue")
        factories.make_location(therapist, "10001")
        factories.make_credential(therapist)
        therapists.append(therapist)
    client = person("lee@example.org", first_name="Lee", last_name="Park")

    # A visitor shortlists three therapists, then logs in: the shortlist follows.
    for therapist in therapists:
        page.goto(therapist.get_absolute_url())
        page.get_by_role("button", name="Add to shortlist").click()
        expect(
            page.get_by_text(f"{therapist.display_name} is on your shortlist")
        ).to_be_visible()
    log_in(page, client)
    page.get_by_role("link", name="Shortlist").click()
    for name in names:
        expect(page.get_by_role("link", name=name).first).to_be_visible()
    page.get_by_label("Compare Ada Moreno").check()
    page.get_by_label("Compare Ben Okoro").check()
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("heading", name="Compare therapists")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Ada Moreno")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Ben Okoro")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Cleo Nash")).to_have_count(0)
    audit(page, "compare")

    # Ask Ada before booking.
    page.get_by_role("link", name="Ask Ada Moreno").click()
    # First the safety check (issue 15): "no" to every red flag.
    for answer in page.get_by_role("radio", name="No", exact=True).all():
        answer.check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Question 6").fill("")
    page.get_by_label("Where does it hurt?").fill("Lower back, left side")
    page.get_by_label("Since when?").fill("Since March")
    page.get_by_label("What have you tried so far?").fill("Physiotherapy exercises")
    page.get_by_label("Email").check()
    audit(page, "interview request")
    page.get_by_role("button", name="Send my questions").click()
    expect(page.get_by_text("Your questions are sent.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # Ada answers and accepts.
    log_in(page, therapists[0].user)
    page.get_by_role("link", name="Conversations").click()
    expect(page.get_by_text("1 unread")).to_be_visible()
    page.get_by_role("link", name=re.compile("Lee: Lower back")).click()
    expect(
        page.get_by_text("contact details appear here once you accept")
    ).to_be_visible()
    page.get_by_label("What experience do you have with my kind of back pain?").fill(
        "Twelve years, mostly chronic low back pain in desk workers."
    )
    for label in [
        "Which techniques would you use for me, and why?",
        "What does a first session with you look like?",
        "How will we judge whether it is working?",
        "When would you refer me to a doctor or physiotherapist instead?",
    ]:
        page.get_by_label(label).fill("We would agree this together at the start.")
    page.get_by_label(
        "Accept: share contact details so we can arrange a session"
    ).check()
    audit(page, "answer form")
    page.get_by_role("button", name="Send answers").click()
    expect(
        page.get_by_text("Contact Lee Park by email: lee@example.org")
    ).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # Lee reads the answer beside the other therapist on the compare page.
    log_in(page, client)
    page.goto("/compare/?t=ada-moreno&t=ben-okoro&near=10001")
    expect(page.get_by_role("columnheader").first).to_contain_text("Ada Moreno")

    def ada(row):  # Ada's cell in a row of the comparison: the first column
        header = page.get_by_role("rowheader", name=row)
        return page.get_by_role("row").filter(has=header).get_by_role("cell").first

    expect(ada("Answers to your questions")).to_contain_text(
        "Twelve years, mostly chronic low back pain"
    )
    expect(ada("Distance")).to_contain_text("miles from 10001")
    screenshot(page, "compare")
    audit(page, "compare with answers")
