"""Send a profile or a comparison to one's doctor, in a real browser (issue 15,
item 2): a page to print and a link with nothing personal in it."""

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests import factories


def therapist_named(name: str, slug: str):
    therapist = factories.make_therapist(display_name=name, slug=slug)
    factories.add_technique(therapist, "deep-tissue")
    factories.make_location(therapist, "10001")
    factories.make_credential(therapist)
    factories.make_review(therapist, rating=5)
    return therapist


def test_a_client_prints_a_profile_and_a_comparison_for_their_doctor(
    page, audit, screenshot
):
    ada = therapist_named("Ada Moreno", "ada-moreno")
    therapist_named("Ben Okoro", "ben-okoro")

    page.goto(f"{ada.get_absolute_url()}?near=10001")
    page.get_by_role("link", name="Print for my doctor").click()
    expect(page.get_by_role("heading", name="Ada Moreno", level=1)).to_be_visible()
    # With JavaScript the Print button shows, and the no-script hint hides.
    expect(page.get_by_role("button", name="Print for my doctor")).to_be_visible()
    expect(page.get_by_text("use your browser's Print command")).to_be_hidden()
    link = page.get_by_label("Link to Ada Moreno's public profile")
    expect(link).to_have_value(
        f"{page.url.split('/therapists/')[0]}/therapists/ada-moreno/"
    )
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#share-status")).not_to_be_empty()
    audit(page, "profile for a doctor")
    screenshot(page, "print-profile")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print for my doctor")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("heading", name="Ada Moreno", level=1)).to_be_visible()
    screenshot(page, "print-profile-paper")
    page.emulate_media(media="screen")

    page.goto("/compare/?t=ada-moreno&t=ben-okoro&near=10001")
    page.get_by_role("link", name="Print for my doctor").click()
    expect(
        page.get_by_role("heading", name="Ada Moreno and Ben Okoro", level=1)
    ).to_be_visible()
    shared = urlsplit(page.get_by_label("Link to this comparison").input_value())
    assert parse_qs(shared.query) == {"t": ["ada-moreno", "ben-okoro"]}
    audit(page, "comparison for a doctor")
    screenshot(page, "print-compare")
    page.emulate_media(media="print")
    screenshot(page, "print-compare-paper")
