"""The accessibility checklist in a real browser: a visitor ticks two items in
the filter panel, finds only therapists stating both, and reads the profile's
Access section (what holds, and "not stated" for the rest)."""

from pathlib import Path

from playwright.sync_api import expect

from therapists import accessibility
from therapists.models import Therapist

SHOTS = Path("/tmp/shots-G")  # noqa: S108 - screenshots for a person to look at


def shoot(page, screenshot, name: str) -> None:
    """The suite's screenshots, and a copy for the review of this part."""
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size(original)


def test_a_visitor_filters_by_access_and_reads_it_on_the_profile(
    page, audit, screenshot
):
    wanted = ["step-free", "adjustable-table"]
    matching = set(
        Therapist.objects.published()
        .accessible_by(wanted)
        .values_list("display_name", flat=True)
    )
    assert matching, "the demo data states these items for someone"

    page.goto("/therapists/")
    panel = page.get_by_role("group", name="Accessibility (all ticked must hold)")
    panel.get_by_label("Step-free entrance").check()
    panel.get_by_text("Show all 9 accessibility items").click()
    panel.get_by_label("Height-adjustable table").check()
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_load_state()

    expect(page.get_by_role("link", name="Height-adjustable table")).to_be_visible()
    names = page.locator(".result__name a").all_inner_texts()
    assert names and set(names) <= matching
    audit(page, "search-access")
    shoot(page, screenshot, "search-access")

    page.locator(".result__name a").first.click()
    page.wait_for_load_state()
    access = page.locator("#access + *")
    expect(page.get_by_role("heading", name="Access")).to_be_visible()
    expect(access).to_contain_text(accessibility.BY_CODE["step-free"].label)
    expect(access).to_contain_text(accessibility.BY_CODE["adjustable-table"].label)
    audit(page, "profile-access")
    shoot(page, screenshot, "profile-access")
