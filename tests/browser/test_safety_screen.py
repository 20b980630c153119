"""Safety first before "Ask before booking", in a real browser (issue 15, item 1):
a client who answers yes to a red flag is stopped with the advice and its
sources, and nothing is sent; a client with a clean screen sends a request with
health notes they agreed to pass on, and the therapist reads them."""

import re

from playwright.sync_api import expect

from interviews.models import InterviewRequest
from tests import factories
from tests.browser import helpers

PASSWORD = "safety-first-before-booking-3"


def person(email, **fields):
    user = factories.make_user(username=email, email=email, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page, user):
    helpers.log_in(page, user.username, PASSWORD, fresh=True)


def answer(page, question: str, choice: str):
    group = page.get_by_role("group", name=re.compile(re.escape(question)))
    group.get_by_role("radio", name=choice, exact=True).check()


def answer_no_to_everything_but(page, *yes: str):
    for question in page.locator("fieldset.screen__question").all():
        legend = question.locator("legend").inner_text()
        choice = "Yes" if any(part in legend for part in yes) else "No"
        question.get_by_role("radio", name=choice, exact=True).check()


def therapist_named(name: str, slug: str):
    user = person(f"{slug}@example.org", first_name=name.split()[0])
    therapist = factories.make_therapist(display_name=name, slug=slug, user=user)
    factories.make_location(therapist, "10001")
    return therapist


def test_a_red_flag_stops_the_request_with_the_advice(page, audit, screenshot):
    ada = therapist_named("Ada Moreno", "ada-moreno")
    lee = person("lee@example.org", first_name="Lee")
    log_in(page, lee)
    page.goto(ada.get_absolute_url())
    page.get_by_role("link", name="Ask before booking").click()
    expect(page.get_by_text("Step 1 of 2: a safety check")).to_be_visible()
    audit(page, "safety screen")
    screenshot(page, "safety-screen")

    # Nothing answered: the summary takes focus and lists every question.
    page.get_by_role("button", name="Continue").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(7)
    expect(page.get_by_text("Answer yes or no.").first).to_be_visible()
    audit(page, "safety screen, unanswered")
    screenshot(page, "safety-screen-errors")

    # Numbness in the saddle area: emergency care now.
    answer_no_to_everything_but(page, "the area a saddle would touch")
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Get emergency care now, not a massage")
    ).to_be_visible()
    expect(
        page.get_by_text("Call 911 or go to the nearest emergency department now.")
    ).to_be_visible()
    expect(page.locator(".safety-stop__flags")).to_have_text(
        "Numbness in the saddle area"
    )
    source = page.get_by_role("link", name="NHS: Cauda equina syndrome")
    expect(source).to_have_attribute(
        "href", "https://www.nhs.uk/conditions/cauda-equina-syndrome/"
    )
    expect(
        page.get_by_role("link", name="What massage can and cannot do for back pain")
    ).to_have_attribute("href", "/what-massage-can-do/#first")
    audit(page, "safety stop, emergency")
    screenshot(page, "safety-stop-emergency")
    assert not InterviewRequest.objects.filter(client=lee).exists()

    # Back to the questions: a fever means a doctor first.
    page.get_by_role(
        "link", name="I answered by mistake: back to the questions"
    ).click()
    answer_no_to_everything_but(page, "fever")
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role(
            "heading", name="Please see a doctor before you book a massage"
        )
    ).to_be_visible()
    expect(
        page.get_by_text("Make an appointment with your doctor in the next few days.")
    ).to_be_visible()
    audit(page, "safety stop, doctor first")
    screenshot(page, "safety-stop-doctor")
    page.get_by_role("link", name="Back to the profile").click()
    expect(page.get_by_role("heading", name="Ada Moreno", level=1)).to_be_visible()
    assert not InterviewRequest.objects.filter(client=lee).exists()


def test_a_clean_screen_sends_consented_notes_the_therapist_reads(
    page, audit, screenshot
):
    ada = therapist_named("Ada Moreno", "ada-moreno")
    lee = person("lee@example.org", first_name="Lee")
    log_in(page, lee)
    page.goto(ada.get_absolute_url())
    page.get_by_role("link", name="Ask before booking").click()
    answer_no_to_everything_but(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 2 of 2: your questions")).to_be_visible()
    expect(
        page.get_by_text("You answered no to every safety question.")
    ).to_be_visible()

    page.get_by_label("Question 6").fill("")
    page.get_by_label("Where does it hurt?").fill("Lower back, left side")
    page.get_by_label("Since when?").fill("Since March")
    notes = page.get_by_role("group", name=re.compile("Things a therapist must know"))
    notes.get_by_label("Blood thinners (anticoagulants)").check()
    notes.get_by_label("Pregnancy").check()
    answer(page, "How should the therapist contact you?", "Email")
    audit(page, "interview request with health notes")
    screenshot(page, "interview-request-step-2")

    # Ticked, but not yet agreed to pass on: refused, and said why.
    page.get_by_role("button", name="Send my questions").click()
    consent = page.get_by_label("Pass these on to Ada Moreno")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#id_share_health_notes_error")).to_contain_text(
        "tick “Pass these on to Ada Moreno” to send them"
    )
    expect(notes.get_by_label("Pregnancy")).to_be_checked()
    expect(page.get_by_label("Where does it hurt?")).to_have_value(
        "Lower back, left side"
    )
    audit(page, "interview request, notes without consent")
    screenshot(page, "interview-request-consent-error")
    assert not InterviewRequest.objects.filter(client=lee).exists()

    consent.check()
    page.get_by_role("button", name="Send my questions").click()
    expect(page.get_by_text("Your questions are sent.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Health notes you passed on")
    ).to_be_visible()
    interview = InterviewRequest.objects.get(client=lee)
    assert interview.health_notes == ["blood_thinners", "pregnancy"]

    # Ada reads them in the conversation.
    log_in(page, ada.user)
    page.goto("/interviews/")
    page.get_by_role("link", name=re.compile("Lee: Lower back")).click()
    shared = page.locator(".health-notes-shared")
    expect(
        shared.get_by_role("heading", name="Health notes Lee passed on to you")
    ).to_be_visible()
    expect(shared.get_by_text("Blood thinners (anticoagulants)")).to_be_visible()
    expect(shared.get_by_text("Pregnancy")).to_be_visible()
    audit(page, "conversation with health notes")
    screenshot(page, "conversation-health-notes")
