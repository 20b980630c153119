"""A conversation that ends in contact, in a real browser: the client asks
(choosing one of two contact methods), the therapist decides first and accepts,
the client sees how to reach the therapist, both write in the thread, and a
rewritten review keeps the therapist's response, marked (issue 14: 10-14)."""

import re

from playwright.sync_api import expect

from dashboard import publication
from tests import factories
from tests.browser import helpers

PASSWORD = "talk-before-you-book-9"
PHONE = "+1 212 555 0142"


def person(email, **fields):
    user = factories.make_user(username=email, email=email, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page, user):
    helpers.log_in(page, user.username, PASSWORD, fresh=True)


def test_a_conversation_ends_in_contact(page, audit, screenshot):
    ada = factories.make_publishable_draft(
        display_name="Ada Moreno",
        slug="ada-moreno",
        user=person("ada@example.org", first_name="Ada", last_name="Moreno"),
    )
    factories.add_language(ada, "en")
    publication.set_published(ada, True)
    lee = person("lee@example.org", first_name="Lee", last_name="Park")

    # Ada chooses how accepted clients reach her; the dashboard says who sees it.
    log_in(page, ada.user)
    page.goto("/dashboard/")
    card = page.locator("#client-contact")
    expect(card.get_by_text("Email: ada@example.org")).to_be_visible()
    expect(page.get_by_role("heading", name="Your profile checklist")).to_be_visible()
    page.get_by_role("link", name="Change how clients reach you").click()
    page.get_by_role("radio", name="Phone", exact=True).check()
    page.get_by_label("Phone number for clients").fill(PHONE)
    page.get_by_role("button", name="Save").click()
    expect(card.get_by_text(f"Phone: {PHONE}")).to_be_visible()
    audit(page, "dashboard with client contact")
    screenshot(page, "conversation-dashboard")

    # Item 10: Lee's contact question has two choices, none chosen for him.
    log_in(page, lee)
    page.goto(ada.get_absolute_url())
    page.get_by_role("link", name="Ask before booking").click()
    # First the safety check (issue 15): "no" to every red flag.
    for answer in page.get_by_role("radio", name="No", exact=True).all():
        answer.check()
    page.get_by_role("button", name="Continue").click()
    contact = page.get_by_role("group", name="How should the therapist contact you?")
    expect(contact.get_by_role("radio")).to_have_count(2)
    expect(contact.get_by_role("radio", checked=True)).to_have_count(0)
    expect(page.get_by_text("Select an option")).to_have_count(0)
    page.get_by_label("Question 6").fill("")
    page.get_by_label("Where does it hurt?").fill("Lower back, left side")
    page.get_by_label("Since when?").fill("Since March")
    page.get_by_role("button", name="Send my questions").click()
    expect(
        contact.get_by_text("Choose email or phone, so the therapist knows")
    ).to_be_visible()
    audit(page, "interview request with a missing contact method")
    screenshot(page, "conversation-request-error")
    contact.get_by_role("radio", name="Email").check()
    page.get_by_role("button", name="Send my questions").click()
    expect(page.get_by_text("Your questions are sent.")).to_be_visible()
    expect(page.get_by_role("heading", name="Questions for Ada Moreno")).to_be_visible()
    conversation_url = page.url

    # Item 13: Ada reads "Questions from Lee" and decides before answering.
    log_in(page, ada.user)
    page.goto("/interviews/")
    expect(page.get_by_text("1 unread")).to_be_visible()
    page.get_by_role("link", name=re.compile("Lee: Lower back")).click()
    expect(
        page.get_by_role("heading", name="Questions from Lee", level=1)
    ).to_be_visible()
    headings = page.locator("form h2").all_inner_texts()
    assert headings == ["Your decision", "Your answers"]
    expect(
        page.get_by_text(f"If you accept, Lee sees how to reach you: Phone: {PHONE}")
    ).to_be_visible()
    expect(page.get_by_text("Send your decision and answers first")).to_be_visible()
    page.get_by_label("Accept: share contact details").check()
    page.get_by_label("Message to the client").fill("Happy to help, Lee.")
    for answer in page.locator("textarea[name^=answer_]").all():
        answer.fill("We would agree this together at the start.")
    audit(page, "therapist's decision and answers")
    screenshot(page, "conversation-therapist-answers")
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_text("Your answers are sent to the client.")).to_be_visible()
    expect(
        page.get_by_text("Contact Lee Park by email: lee@example.org")
    ).to_be_visible()

    # Item 11: Lee sees how to reach Ada; item 12: he writes in the thread.
    log_in(page, lee)
    page.goto(conversation_url)
    reach = page.get_by_role("region", name="How to reach Ada Moreno")
    expect(reach.get_by_role("link", name=PHONE)).to_have_attribute(
        "href", "tel:+12125550142"
    )
    page.get_by_label("Your message").fill("")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Write a message before sending.")).to_be_visible()
    page.get_by_label("Your message").fill("Could we meet on Thursday morning?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message is sent.")).to_be_visible()
    thread = page.get_by_role("region", name="Messages")
    expect(thread.get_by_text("Could we meet on Thursday morning?")).to_be_visible()
    audit(page, "client's conversation with contact and thread")

    log_in(page, ada.user)
    page.goto("/interviews/")
    expect(page.get_by_text("1 unread")).to_be_visible()
    expect(page.get_by_text("You have not asked anyone yet")).to_have_count(0)
    audit(page, "therapist's inbox")
    page.goto(conversation_url)
    page.get_by_label("Your message").fill("Thursday at 10 works. See you then!")
    page.get_by_role("button", name="Send message").click()
    expect(thread.get_by_text("Thursday at 10 works.")).to_be_visible()

    log_in(page, lee)
    page.goto("/interviews/")
    expect(page.get_by_text("1 unread")).to_be_visible()
    audit(page, "client's inbox with an unread reply")
    screenshot(page, "conversation-inbox")
    page.goto(conversation_url)
    expect(thread.get_by_text("Could we meet on Thursday morning?")).to_be_visible()
    expect(thread.get_by_text("Thursday at 10 works.")).to_be_visible()
    audit(page, "client reads the reply")
    screenshot(page, "conversation-client")

    # Item 14: Lee reviews Ada, she responds, he rewrites: the response stays.
    factories.make_review(
        ada,
        author=lee,
        title="Careful and kind",
        rating=4,
        condition=factories.condition("sciatica"),
    )
    log_in(page, ada.user)
    page.goto(ada.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Respond")).click()
    page.get_by_label("Your public response").fill(
        "Thank you, Lee. Keep up the stretches between sessions!"
    )
    page.get_by_role("button", name="Publish response").click()

    log_in(page, lee)
    page.goto(ada.get_absolute_url())
    page.get_by_role("link", name="Write a review").click()
    page.get_by_label("Title").fill("Better after six sessions")
    page.get_by_label("Your review").fill(
        "Ada checked the pressure often and explained each step. After six "
        "sessions I can sit through a working day again."
    )
    page.get_by_role("button", name="Publish review").click()
    expect(page.get_by_text("Thank you: your review is published.")).to_be_visible()
    review = page.get_by_role("article", name="Review: Better after six sessions")
    expect(review.get_by_text("Response from Ada Moreno")).to_be_visible()
    expect(
        review.get_by_text("Response to an earlier version of this review")
    ).to_be_visible()
    expect(review.get_by_text("Keep up the stretches")).to_be_visible()
    review.scroll_into_view_if_needed()
    audit(page, "profile with a response to an earlier version")
    screenshot(page, "conversation-review-response")

    # Ada updates her response; the mark goes.
    log_in(page, ada.user)
    page.goto(ada.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Update your response")).click()
    expect(
        page.get_by_text("Lee P. changed this review after you responded.")
    ).to_be_visible()
    audit(page, "response form for a changed review")
    screenshot(page, "conversation-response-form")
    page.get_by_label("Your public response").fill(
        "So glad six sessions did it, Lee. Thank you!"
    )
    page.get_by_role("button", name="Publish response").click()
    review = page.get_by_role("article", name="Review: Better after six sessions")
    expect(review.get_by_text("So glad six sessions did it")).to_be_visible()
    expect(review.get_by_text("Response to an earlier version")).to_have_count(0)
