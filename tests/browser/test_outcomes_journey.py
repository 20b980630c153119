"""A client says how their back pain changed in a review; the profile shows
the median change among reviewers, and the therapist's course of care."""

from playwright.sync_api import expect

from tests import factories

PASSWORD = "gentle-but-firm-pressure-7"


def test_a_client_reports_their_pain_and_the_profile_shows_the_median(
    page, audit, screenshot
):
    therapist = factories.make_therapist(display_name="Ines Ortiz", slug="ines-ortiz")
    factories.make_location(therapist, "10001")
    therapist.sessions_before_reassessing = 4
    therapist.save()
    for before, after in [(8, 3), (7, 5)]:
        factories.make_review(
            therapist,
            pain_before=before,
            pain_after=after,
            condition=factories.condition("sciatica"),
        )
    client = factories.make_user(username="lee@example.org", first_name="Lee")
    client.set_password(PASSWORD)
    client.save()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(client.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(therapist.get_absolute_url())
    expect(page.get_by_text("Typically reassesses after 4 sessions")).to_be_visible()
    expect(page.get_by_text("How reviewers’ back pain changed")).to_have_count(0)
    page.get_by_role("link", name="Write a review").click()

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
    page.get_by_label("What you came for").select_option(label="Low back pain")
    page.get_by_label("Number of sessions").fill("5")
    page.get_by_label("I would recommend this therapist to a friend").check()
    page.get_by_label("Title").fill("I can garden again")
    page.get_by_label("Your review", exact=True).fill(
        "Ines explained each step and kept the pressure gentle where it hurt most."
    )
    changed = page.get_by_role("group", name="How has your back pain changed?")
    changed.get_by_label("Your back pain before your first session").fill("9")
    # Half the PEG: the form says what is missing, next to it.
    changed.get_by_label("In the past week, your pain on average").fill("3")
    page.get_by_role("button", name="Publish review").click()

    expect(page.get_by_text("give your pain now too")).to_be_visible()
    expect(page.get_by_text("Answer all three past-week questions")).to_have_count(2)
    audit(page, "review form with outcome errors")
    screenshot(page, "review-form-outcomes")
    changed.get_by_label("Your back pain now").fill("2")
    changed.get_by_label("enjoyment of life").fill("2")
    changed.get_by_label("general activity").fill("4")
    page.get_by_role("button", name="Publish review").click()

    expect(page.get_by_text("Thank you: your review is published.")).to_be_visible()
    expect(
        page.get_by_text("Pain eased by a median of 5 points out of 10")
    ).to_be_visible()
    expect(page.get_by_text("among 3 reviewers who gave both")).to_be_visible()
    expect(
        page.get_by_text("Self-reported by reviewers, not a clinical trial")
    ).to_be_visible()
    # One PEG answer is not enough for a median.
    expect(page.get_by_text("Median PEG score")).to_have_count(0)
    audit(page, "profile with outcomes")
    screenshot(page, "profile-outcomes")
