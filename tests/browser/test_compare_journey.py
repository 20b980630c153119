"""A person with back pain shortlists therapists from a search, chooses whom to
compare, reads them side by side and shares the comparison, in a real browser."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, WIDTHS

SEARCH = "/therapists/?near=10001&technique=deep-tissue"


def shortlist_from_search(page, how_many: int) -> list[str]:
    """Open the first results one by one and add each to the shortlist."""
    names = []
    for index in range(how_many):
        page.goto(SEARCH)
        link = page.locator(".result-list article").nth(index).get_by_role("heading")
        name = link.inner_text().strip()
        link.get_by_role("link").click()
        page.get_by_role("button", name="Add to shortlist").click()
        expect(page.get_by_text(f"{name} is on your shortlist")).to_be_visible()
        names.append(name)
    return names


def heading_levels(page) -> list[int]:
    return page.locator("main :is(h1, h2, h3, h4, h5, h6)").evaluate_all(
        "headings => headings.map(h => Number(h.tagName[1]))"
    )


def row_tops(page) -> list[list[float]]:
    """The top edge of every cell, row by row, in the comparison table."""
    return page.locator(".compare-table tr").evaluate_all(
        """rows => rows.map(row => Array.from(row.cells,
             cell => Math.round(cell.getBoundingClientRect().top)))"""
    )


def test_shortlist_choose_compare_and_share(page, audit, screenshot):
    names = shortlist_from_search(page, 3)

    # The shortlist: nothing ticked, while it asks for two to four.
    page.goto("/shortlist/")
    choice = page.get_by_role("group", name="Tick two to four therapists to compare")
    expect(choice).to_be_visible()
    boxes = choice.get_by_role("checkbox")
    expect(boxes).to_have_count(3)
    for index in range(3):
        expect(boxes.nth(index)).not_to_be_checked()
    levels = heading_levels(page)
    assert levels[:3] == [1, 2, 3]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    audit(page, "shortlist")
    screenshot(page, "compare-journey-shortlist")

    # Comparing one is refused, next to the choice, and keeps the tick.
    page.get_by_label(f"Compare {names[0]}").check()
    page.get_by_role("button", name="Compare", exact=True).click()
    error = page.locator("#compare-choice-error")
    expect(error).to_have_text(
        "Tick at least two therapists to compare (you ticked one)."
    )
    expect(choice).to_have_accessible_description(re.compile("you ticked one"))
    expect(page.get_by_label(f"Compare {names[0]}")).to_be_checked()
    expect(page.get_by_label(f"Compare {names[1]}")).not_to_be_checked()
    expect(page.get_by_role("alert")).to_contain_text("We could not compare")
    assert "/shortlist/" in page.url
    audit(page, "shortlist with a wrong choice")
    screenshot(page, "compare-journey-shortlist-error")

    # The summary's link takes the keyboard to the choice.
    page.get_by_role("link", name=re.compile("Tick at least two")).click()
    expect(choice).to_be_focused()

    # Three, near a ZIP code: the comparison.
    page.get_by_label(f"Compare {names[1]}").check()
    page.get_by_label(f"Compare {names[2]}").check()
    page.get_by_label("Near (optional, to show distances)").fill("10001")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(r"/compare/\?t=.*&t=.*&t=.*&near=10001$"))
    expect(
        page.get_by_role("heading", level=1, name="Compare therapists")
    ).to_be_visible()
    table = page.get_by_role("table")
    headers = table.get_by_role("columnheader")
    expect(headers).to_have_count(3)
    for index, name in enumerate(names):
        expect(headers.nth(index)).to_contain_text(name)
    for label in (
        "Accepting new clients",
        "Distance",
        "Home visits",
        "Languages",
        "Average rating",
        "Rated 4 or 5 stars",
        "Would recommend",
    ):
        row = table.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=label)
        )
        expect(row.get_by_role("cell")).to_have_count(3)
    distance = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Distance")
    )
    expect(distance.get_by_role("cell").first).to_contain_text("miles from 10001")

    # At 1280 px the cells of each row start at the same height.
    for tops in row_tops(page):
        assert len(tops) == 4
        assert max(tops) - min(tops) <= 1, tops
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["desktop"]
    audit(page, "compare")
    screenshot(page, "compare-journey-compare")

    # Copy link: copies the address in the field and says so.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    share = page.get_by_label("Link to this comparison")
    expect(share).to_have_attribute("readonly", "")
    link = share.input_value()
    assert re.search(r"/compare/\?t=[\w-]+&t=[\w-]+&t=[\w-]+&near=10001$", link)
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text(
        "Link copied. You can paste it into a message or an email."
    )
    assert page.evaluate("navigator.clipboard.readText()") == link

    # On a phone the table scrolls sideways; the row headers stay put, and the
    # cells of a row still line up.
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    expect(page.get_by_text("swipe the table sideways")).to_be_visible()
    scroller = page.locator(".compare-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth + 200")
    price = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Price")
    )
    header = price.get_by_role("rowheader")
    first_cell = price.get_by_role("cell").first
    before = header.bounding_box()["x"], first_cell.bounding_box()["x"]
    scroller.evaluate("el => { el.scrollLeft = 300; }")
    page.wait_for_timeout(100)
    after = header.bounding_box()["x"], first_cell.bounding_box()["x"]
    assert abs(after[0] - before[0]) < 1, "the first column stays in place"
    assert before[1] - after[1] > 250, "the therapists' columns move under it"
    for tops in row_tops(page):
        assert max(tops) - min(tops) <= 1, tops
    page.screenshot(path=SCREENSHOTS / "compare-journey-compare-phone-scrolled.png")
    audit(page, "compare on a phone")

    # The same link in a fresh browser without JavaScript: the link sits in a
    # read-only field to copy by hand, and the comparison is the same.
    bare = page.context.browser.new_context(
        java_script_enabled=False, viewport={"width": WIDTHS["phone"], "height": 844}
    )
    try:
        other = bare.new_page()
        other.goto(link)
        expect(other.get_by_role("columnheader")).to_have_count(3)
        expect(other.get_by_role("button", name="Copy link")).to_be_hidden()
        field = other.get_by_label("Link to this comparison")
        expect(field).to_be_visible()
        expect(field).to_have_value(link)
        expect(other.get_by_text("No answers yet")).to_have_count(0)
    finally:
        bare.close()
