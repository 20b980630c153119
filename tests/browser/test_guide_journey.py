"""Safety first: the page on what massage can and cannot do for back pain."""

from playwright.sync_api import expect


def test_from_the_home_page_to_what_massage_can_and_cannot_do(page, audit, screenshot):
    page.goto("/")
    page.get_by_role(
        "link", name="what massage can and cannot do for back pain"
    ).click()
    expect(
        page.get_by_role("heading", level=1, name="What massage can and cannot do")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="See a doctor first if…")).to_be_visible()
    audit(page, "what massage can and cannot do")
    screenshot(page, "massage-evidence")
