"""The search page as a newcomer meets it (issue 14, items 2-8, 16, 20): results on
the first phone screen, a menu button, short cards, filters in reach, sorting
only when asked, help when nobody is found, the place carried to the profile,
bad input explained in order, and one layout on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, demo_site):
    """A page at 390 x 844, failing the test on a console error like `page`."""
    context = browser.new_context(base_url=demo_site.url, viewport=PHONE)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    yield page
    assert errors == [], "the browser console reported errors"
    context.close()


def top_of(locator) -> float:
    return locator.evaluate("element => element.getBoundingClientRect().top")


def test_after_a_search_on_a_phone_the_first_result_is_on_the_first_screen(
    phone, audit, screenshot
):
    phone.goto("/therapists/")
    header = phone.locator(".site-header")
    assert header.bounding_box()["height"] < 80, "the nav fits one row"
    phone.get_by_label("Near (ZIP code or City, ST)").fill("10001")
    phone.get_by_role("button", name="Search", exact=True).click()
    expect(phone).to_have_url(re.compile(r"near=10001"))
    first = phone.locator(".result-list article").first
    expect(first).to_be_visible()
    assert phone.evaluate("window.scrollY") == 0
    assert top_of(first) < PHONE["height"], "the first result starts on screen"
    # Its name, too, not only its top edge.
    assert first.get_by_role("heading").bounding_box()["y"] < PHONE["height"] - 40
    audit(phone, "search results on a phone")
    screenshot(phone, "search-page-results")


def menu_button(page) -> tuple[str, bool]:
    """What Chromium tells assistive technology about the menu button: its role
    (a <summary> is a "DisclosureTriangle", announced as a button) and whether
    it is expanded. Playwright's own role engine does not model <summary>."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    (node,) = [
        node
        for node in nodes
        if node.get("name", {}).get("value") == "Menu"
        and node["role"]["value"] in ("DisclosureTriangle", "button")
    ]
    states = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
    return node["role"]["value"], bool(states.get("expanded"))


def test_the_menu_button_opens_and_closes_the_links_on_a_phone(phone, audit):
    phone.goto("/how-we-rank/")
    menu = phone.locator(".site-nav summary")
    expect(menu).to_have_text("Menu")
    sign_up = phone.get_by_role("link", name="Sign up")
    expect(sign_up).to_be_hidden()
    assert menu_button(phone) == ("DisclosureTriangle", False)
    menu.click()
    expect(sign_up).to_be_visible()
    assert menu_button(phone) == ("DisclosureTriangle", True)
    audit(phone, "menu open on a phone")
    phone.keyboard.press("Escape")
    expect(sign_up).to_be_hidden()
    expect(menu).to_be_focused()
    menu.click()
    sign_up.click()
    expect(phone).to_have_url(re.compile(r"/accounts/signup/\?role=client"))
    expect(phone.get_by_label("I'm looking for a massage therapist")).to_be_checked()


def test_the_menu_works_without_javascript(browser, demo_site):
    context = browser.new_context(
        base_url=demo_site.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/")
    log_in = page.get_by_role("link", name="Log in")
    expect(log_in).to_be_hidden()
    page.locator(".site-nav summary").click()
    log_in.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    context.close()


def test_on_a_wide_screen_the_links_show_without_a_menu_button(page):
    page.goto("/")
    expect(page.locator(".site-nav summary")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Find a therapist", "How we rank", "Shortlist", "Log in", "Sign up"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    box = nav.bounding_box()
    assert box["height"] < 60, "one row"


def test_arrow_down_on_sort_by_does_not_reload_the_sort_button_does(page, audit):
    page.goto("/therapists/?near=10001")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    sort = page.get_by_label("Sort by")
    sort.focus()
    page.keyboard.press("ArrowDown")
    expect(sort).to_have_value("distance")
    page.wait_for_timeout(700)
    assert navigations == [], "changing the sort order alone must not navigate"
    assert "sort=" not in page.url
    button = page.get_by_role("button", name="Sort", exact=True)
    expect(button).to_be_visible()
    button.click()
    expect(page).to_have_url(re.compile(r"sort=distance"))
    distances = [
        float(re.search(r"([\d.]+) mi", text).group(1))
        for text in page.locator(".result-list article .facts").all_inner_texts()
    ]
    assert distances and distances == sorted(distances)
    expect(page.get_by_label("Sort by")).to_have_value("distance")
    audit(page, "sorted by distance")


def test_the_hidden_attribute_always_hides_even_a_button(page):
    page.goto("/therapists/")
    display = page.evaluate(
        """() => {
            const button = document.createElement("button");
            button.className = "button button--quiet";
            button.hidden = true;
            document.body.append(button);
            return getComputedStyle(button).display;
        }"""
    )
    assert display == "none"


def test_cards_are_short_and_mark_what_was_searched(phone, screenshot):
    phone.goto("/therapists/?near=10001&technique=deep-tissue")
    cards = phone.locator(".result-list article")
    expect(cards.first).to_be_visible()
    for index in range(min(cards.count(), 5)):
        card = cards.nth(index)
        chips = card.locator(".chips--card > li")
        assert chips.count() <= 4  # three, and "+N more"
        expect(chips.first).to_have_text("✓ Matches your search: Deep tissue massage")
        expect(card).to_contain_text(
            re.compile(r"(Has treated|Treating) back pain for")
        )
        # About 490 px when every technique was listed and no words were spared,
        # before a card also said how many clinicians recommend, how many
        # reviews come from verified clients and when details were confirmed
        # (a line each, about 25 px, all taller still with every technique).
        assert card.bounding_box()["height"] < 480
    screenshot(phone, "search-page-cards")


def test_filters_start_with_what_hurts_fold_long_lists_and_keep_apply_in_reach(
    page, audit, screenshot
):
    page.goto("/therapists/?technique=lymphatic-drainage")
    legends = page.locator(".filters legend").all_inner_texts()
    assert legends[:2] == ["What hurts", "Techniques"]
    # The twelfth technique is ticked, so it shows although its group is folded.
    lymph = page.get_by_role("checkbox", name="Lymphatic drainage")
    expect(lymph).to_be_visible()
    expect(lymph).to_be_checked()
    shiatsu = page.get_by_role("checkbox", name="Shiatsu")
    expect(shiatsu).to_be_hidden()
    apply = page.get_by_role("button", name="Apply filters")
    # Apply is on the first screen, although the panel runs far below it.
    assert page.locator(".filters").bounding_box()["height"] > 900
    assert apply.bounding_box()["y"] + apply.bounding_box()["height"] <= 900
    page.get_by_text("Show all 12 techniques").click()
    expect(shiatsu).to_be_visible()
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(200)
    box = apply.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 900, "still in reach"
    shiatsu.check()
    apply.click()
    expect(page).to_have_url(re.compile(r"technique=shiatsu"))
    expect(page.get_by_role("checkbox", name="Shiatsu")).to_be_checked()
    audit(page, "search filters")
    screenshot(page, "search-page-filters")


def test_active_filters_show_as_chips_that_remove_themselves(page, audit):
    page.goto("/therapists/?near=10001&technique=deep-tissue&verified=on")
    chips = page.get_by_role("list", name="Active filters")
    expect(chips.get_by_role("link")).to_have_count(2)
    chips.get_by_role("link", name="Remove filter: Deep tissue massage").click()
    expect(page).not_to_have_url(re.compile(r"technique="))
    expect(page).to_have_url(re.compile(r"verified=on"))
    expect(page).to_have_url(re.compile(r"near=10001"))
    deep_tissue = page.get_by_role("checkbox", name="Deep tissue massage")
    expect(deep_tissue).not_to_be_checked()
    expect(
        page.get_by_role("link", name="Remove filter: Deep tissue massage")
    ).to_have_count(0)
    audit(page, "search with one chip")
    page.get_by_role("link", name="Remove filter: Verified licence").click()
    expect(page.get_by_role("list", name="Active filters")).to_have_count(0)
    expect(page.locator(".result-list article").first).to_be_visible()


def test_a_search_that_finds_nobody_offers_one_click_changes(page, audit, screenshot):
    # Anchorage is far from every demo therapist: these two are all there is.
    lymph = factories.make_therapist(display_name="Lena Lymph", slug="lena-lymph")
    factories.add_technique(lymph, "lymphatic-drainage")
    factories.make_location(lymph, "99501")
    deep = factories.make_therapist(display_name="Dev Deep", slug="dev-deep")
    factories.add_technique(deep, "deep-tissue")
    factories.make_location(deep, "99508")  # about 1.7 miles away

    page.goto("/therapists/?near=99501&radius=1&technique=deep-tissue")
    expect(
        page.get_by_text("No therapists match all of these filters.")
    ).to_be_visible()
    widen = page.get_by_role("link", name="Widen to 10 miles 1 therapist")
    without = page.get_by_role("link", name="Without “Deep tissue massage” 1 therapist")
    expect(widen).to_be_visible()
    expect(without).to_be_visible()
    audit(page, "no results with suggestions")
    screenshot(page, "search-page-nobody-found")
    widen.click()
    expect(page).to_have_url(re.compile(r"radius=10"))
    names = page.locator(".result-list article h3").all_inner_texts()
    assert names == ["Dev Deep"]
    page.go_back()
    page.get_by_role("link", name=re.compile("Without “Deep tissue massage”")).click()
    assert page.locator(".result-list article h3").all_inner_texts() == ["Lena Lymph"]


def test_the_profile_shows_the_distance_from_the_searched_place(
    page, audit, screenshot
):
    page.goto("/therapists/?near=10001&sort=distance")
    first = page.locator(".result-list article").first
    shown = re.search(r"([\d.]+) mi", first.locator(".facts").inner_text()).group(1)
    first.get_by_role("heading").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"\?near=10001$"))
    distance = page.locator(".profile-hero__distance")
    expect(distance).to_contain_text(f"{shown} mi from 10001")
    audit(page, "profile with distance")
    screenshot(page, "profile-with-distance")
    page.goto(page.url.replace("near=10001", "near=00000"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(distance).to_have_count(0)


def test_bad_input_is_summarised_at_the_top_in_field_order(page, audit, screenshot):
    page.goto("/therapists/?sort=cheapest&min_rating=abc&radius=-3")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Within (miles): Enter a radius between 1 and 250 miles.",
            "Minimum rating: Enter a rating between 1 and 5 stars.",
            "Sort by: Choose an order from the list.",
        ]
    )
    assert top_of(summary) < top_of(page.get_by_label("Name, technique or keyword"))
    summary.get_by_role("link", name=re.compile("^Minimum rating")).click()
    rating = page.get_by_label("Minimum rating", exact=True)
    expect(rating).to_be_focused()
    expect(rating).to_have_attribute("aria-invalid", "true")
    expect(rating).to_have_accessible_description(
        "Enter a rating between 1 and 5 stars."
    )
    audit(page, "search with bad input")
    screenshot(page, "search-page-bad-input")


PAGES = ["/", "/therapists/", "/how-we-rank/", "/accounts/login/", "/shortlist/"]


def test_every_page_has_one_side_margin_on_a_phone_and_the_footer_at_the_bottom(
    phone, audit, screenshot
):
    margins = set()
    for url in PAGES:
        phone.goto(url)
        for left in phone.locator("main .wrap").evaluate_all(
            "wraps => wraps.map(w => Math.round(w.getBoundingClientRect().left))"
        ):
            margins.add(left)
    assert margins == {16}
    phone.goto("/accounts/login/")
    footer = phone.locator(".site-footer").bounding_box()
    # No gap under the footer: it ends at the bottom of the screen, or of the
    # page when the page is longer than the screen.
    page_height = phone.evaluate("document.documentElement.scrollHeight")
    bottom = max(PHONE["height"], page_height)
    assert abs(footer["y"] + footer["height"] - bottom) < 1
    audit(phone, "log in on a phone")
    screenshot(phone, "log-in-short-page")
