"""A person with back pain finds a therapist, in a real browser."""

import re

from playwright.sync_api import expect


def test_home_search_results_profile(page, audit, screenshot):
    page.goto("/")
    expect(
        page.get_by_role("heading", name="Find a massage therapist who knows back pain")
    ).to_be_visible()
    audit(page, "home")
    screenshot(page, "home")

    search = page.get_by_role("search", name="Find a therapist")
    search.get_by_label("Technique").select_option(label="Deep tissue massage")
    search.get_by_label("Near (ZIP code or City, ST)").fill("10001")
    search.get_by_label("Only therapists with a verified licence").check()
    search.get_by_role("button", name="Search therapists").click()

    expect(page).to_have_url(re.compile(r"technique=deep-tissue"))
    expect(page).to_have_url(re.compile(r"near=10001"))
    expect(page).to_have_url(re.compile(r"verified=on"))
    heading = page.get_by_role(
        "heading", name=re.compile(r"within 25 miles of New York")
    )
    expect(heading).to_be_visible()
    cards = page.locator(".result-list article")
    assert cards.count() > 0
    for index in range(cards.count()):
        card = cards.nth(index)
        expect(card.get_by_text("Verified", exact=True)).to_be_visible()
        expect(card.locator(".chip--searched")).to_have_text(
            "✓ Matches your search: Deep tissue massage"
        )
        expect(card.get_by_text(re.compile(r"\d+\.\d mi"))).to_be_visible()
    expect(page.get_by_role("checkbox", name="Deep tissue massage")).to_be_checked()
    audit(page, "search results")
    screenshot(page, "search-results")

    first = cards.first.get_by_role("heading").get_by_role("link")
    name = first.inner_text()
    first.click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile(re.escape(name)))
    ).to_be_visible()
    credentials = page.get_by_role("region", name="Credentials")
    expect(
        credentials.get_by_text(re.compile(r"Verified on .* by "))
    ).not_to_have_count(0)
    expect(credentials.get_by_text("Issuer").first).to_be_visible()
    reviews = page.get_by_role("region", name="Reviews")
    expect(reviews.get_by_text(re.compile(r"rated 4 or 5 stars"))).to_be_visible()
    expect(
        page.get_by_role("heading", name="Why this therapist ranks here")
    ).to_be_visible()
    audit(page, "profile")
    screenshot(page, "profile")


def test_pagination_keeps_every_filter(page, audit):
    page.goto("/therapists/?technique=deep-tissue&sort=price&max_price=500")
    expect(page.get_by_text(re.compile(r"Page 1 of \d+"))).to_be_visible()
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    for part in ("technique=deep-tissue", "sort=price", "max_price=500"):
        assert part in page.url
    expect(page.get_by_text(re.compile(r"Page 2 of \d+"))).to_be_visible()
    expect(page.get_by_role("checkbox", name="Deep tissue massage")).to_be_checked()
    expect(page.get_by_label("Sort by")).to_have_value("price")
    prices = [
        int(text.strip("$")) for text in page.locator(".price strong").all_inner_texts()
    ]
    assert prices == sorted(prices)
    audit(page, "search page 2")


def test_unknown_zip_shows_its_message_next_to_the_field(page, audit, screenshot):
    page.goto("/therapists/")
    page.get_by_label("Near (ZIP code or City, ST)").fill("00000")
    page.get_by_role("button", name="Search", exact=True).click()
    near = page.get_by_label("Near (ZIP code or City, ST)")
    expect(near).to_have_attribute("aria-invalid", "true")
    message = page.locator(".field--invalid .field__error")
    expect(message).to_contain_text("We could not find “00000”")
    expect(page.get_by_role("alert")).to_contain_text("We could not run this search")
    assert page.locator(".result-list article").count() == 0
    assert "radius=" not in page.url  # empty fields stay out of shared URLs
    audit(page, "search error")
    screenshot(page, "search-error")


def test_search_works_by_keyboard_alone(page):
    page.goto("/therapists/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    def tab_to(locator, limit=40):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"could not reach {locator} with Tab")

    near = page.get_by_label("Near (ZIP code or City, ST)")
    tab_to(near)
    outline = near.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none", "focused fields must show a visible focus ring"
    page.keyboard.type("Brooklyn, NY")
    verified = page.get_by_label("Verified licence or board certification")
    tab_to(verified)
    page.keyboard.press("Space")
    expect(verified).to_be_checked()
    page.keyboard.press("Enter")  # submits the form from a checkbox
    expect(page).to_have_url(re.compile(r"near=Brooklyn"))
    expect(page).to_have_url(re.compile(r"verified=on"))
    expect(
        page.get_by_role("heading", name=re.compile(r"within 25 miles of Brooklyn, NY"))
    ).to_be_visible()


def test_choosing_a_sort_order_and_pressing_sort_reruns_the_search(page):
    page.goto("/therapists/?near=10001")
    page.get_by_label("Sort by").select_option(label="Distance")
    page.get_by_role("button", name="Sort", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=distance"))
    distances = [
        float(re.search(r"([\d.]+) mi", text).group(1))
        for text in page.locator(".result-list article .facts").all_inner_texts()
    ]
    assert distances == sorted(distances)


def test_filters_fold_away_on_a_phone(browser, demo_site):
    context = browser.new_context(
        base_url=demo_site.url, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/therapists/")
    filters_toggle = page.get_by_text("Filters", exact=True)
    verified = page.get_by_label("Verified licence or board certification")
    expect(verified).to_be_hidden()
    filters_toggle.click()
    expect(verified).to_be_visible()
    context.close()


def test_the_accessibility_audit_catches_a_real_violation(browser):
    """Guards the guard: axe runs and reports, so "0 violations" means something."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.set_content(
        '<html lang="en"><body><main><img src="x.png"></main></body></html>'
    )
    violations = Axe().run(page).response["violations"]
    assert "image-alt" in {violation["id"] for violation in violations}
    page.close()
