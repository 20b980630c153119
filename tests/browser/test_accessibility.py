"""The accessibility checklist in a real browser: a visitor ticks two items in
the filter panel, finds only therapists stating both, and reads the profile's
Access section (what holds, and "not stated" for the rest)."""

from playwright.sync_api import expect

from therapists import accessibility
from therapists.models import Therapist


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
    screenshot(page, "search-access")

    page.locator(".result__name a").first.click()
    page.wait_for_load_state()
    access = page.locator("#access + *")
    expect(page.get_by_role("heading", name="Access")).to_be_visible()
    expect(access).to_contain_text(accessibility.BY_CODE["step-free"].label)
    expect(access).to_contain_text(accessibility.BY_CODE["adjustable-table"].label)
    audit(page, "profile-access")
    screenshot(page, "profile-access")
