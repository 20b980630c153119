"""The map of search results (issue 17, item 6): a marker per result card where
the card says it is, a home-based practice drawn as an area, list and map in
step both ways, a "Show map" button on a phone, no map without JavaScript, and
tiles from OpenStreetMap only (stubbed here: no test reaches the network)."""

import math
import re

import pytest
from playwright.sync_api import expect

from tests import factories

PHONE = {"width": 390, "height": 844}
# A 2x2 PNG, distinct from the suite's blank tile, to see these tiles served.
TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000020000000208020000"
    "00fdd49a730000001649444154789c63f8ffff3f0303030303c3ff"
    "ff0c0c00368306fd7d3a0c5d0000000049454e44ae426082"
)
CARDS = ".result-list article.result"
MARKERS = ".results-map .leaflet-marker-icon"
AREAS = ".results-map path.map-area"


@pytest.fixture
def tiles(page):
    """Serve every OpenStreetMap tile from here; count what was asked."""
    asked = []

    def serve(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    page.route("https://tile.openstreetmap.org/**", serve)
    return asked


def search_near(page, place: str) -> None:
    page.goto("/therapists/")
    page.get_by_label("Near (ZIP code or City, ST)").fill(place)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"near="))
    expect(page.locator(CARDS).first).to_be_visible()


def card_points(page) -> dict[str, tuple[float, float, bool]]:
    """Each card's id (t-<pk>) and the point and kind it carries."""
    return page.eval_on_selector_all(
        CARDS,
        """cards => Object.fromEntries(cards.map(card => [
            card.getAttribute("aria-labelledby"),
            [parseFloat(card.dataset.lat), parseFloat(card.dataset.lng),
             card.hasAttribute("data-home-based")]]))""",
    )


def shape_centres(page) -> dict[str, tuple[float, float]]:
    """Where each marker points (its icon's anchor: 12 px right of its left
    edge, at its foot) and each area's centre, by the card it stands for."""
    return page.evaluate(
        """([MARKERS, AREAS]) => {
        const found = {};
        for (const icon of document.querySelectorAll(MARKERS)) {
            const box = icon.getBoundingClientRect();
            found[icon.dataset.result] = [box.left + 12, box.top + 41];
        }
        for (const area of document.querySelectorAll(AREAS)) {
            const box = area.getBoundingClientRect();
            const middle = [box.left + box.width / 2, box.top + box.height / 2];
            found[area.dataset.result] = middle;
        }
        return found;
    }""",
        [MARKERS, AREAS],
    )


def mercator(lat: float, lng: float) -> tuple[float, float]:
    """Web Mercator (what OpenStreetMap tiles use), in units of the world."""
    phi = math.radians(lat)
    return (lng + 180) / 360, (
        1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi
    ) / 2


def fit(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares px = scale * x + offset: the scale and the offset."""
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_p = sum(p for _, p in pairs) / n
    spread = sum((x - mean_x) ** 2 for x, _ in pairs)
    scale = sum((x - mean_x) * (p - mean_p) for x, p in pairs) / spread
    return scale, mean_p - scale * mean_x


def tile_origin(page, zoom: int) -> tuple[float, float]:
    """The screen position of the world's top-left corner at `zoom`, read
    from a tile on the map (OpenStreetMap's numbering)."""
    tiles = page.eval_on_selector_all(
        ".results-map img.leaflet-tile",
        """tiles => tiles.map(tile => {
            const box = tile.getBoundingClientRect();
            return [tile.src, box.left, box.top];
        })""",
    )
    for src, left, top in tiles:
        z, x, y = map(int, re.search(r"/(\d+)/(\d+)/(\d+)\.png$", src).groups())
        if z == zoom:
            return left - 256 * x, top - 256 * y
    raise AssertionError(f"no tile of zoom {zoom} on the map")


def uncovered_marker(page) -> str:
    """A marker no other shape covers at its middle (the pins crowd a city)."""
    return page.evaluate(
        """MARKERS => {
        for (const icon of document.querySelectorAll(MARKERS)) {
            const box = icon.getBoundingClientRect();
            const top = document.elementFromPoint(box.left + 12, box.top + 10);
            if (top === icon) return icon.dataset.result;
        }
        return null;
    }""",
        MARKERS,
    )


def test_the_markers_are_the_result_cards_where_they_say(
    page, tiles, audit, screenshot
):
    search_near(page, "10001")
    cards = card_points(page)
    assert len(cards) == page.locator(CARDS).count() > 1
    pins = {key for key, (_, _, home) in cards.items() if not home}
    areas = {key for key, (_, _, home) in cards.items() if home}
    expect(page.locator(MARKERS)).to_have_count(len(pins))
    expect(page.locator(AREAS)).to_have_count(len(areas))
    centres = shape_centres(page)
    assert set(centres) == set(cards)
    # Every shape sits where its card's point projects: at the map's zoom
    # level (a whole number), one offset fits them all within two pixels.
    projected = {key: mercator(lat, lng) for key, (lat, lng, _) in cards.items()}
    scale, _ = fit([(projected[k][0], centres[k][0]) for k in cards])
    zoom = round(math.log2(scale / 256))
    assert math.log2(scale / 256) == pytest.approx(zoom, abs=0.05)
    scale = 256 * 2**zoom
    # Where the world's corner is on screen, from a tile of that zoom level:
    # tile z/x/y has its corner at (256 x, 256 y) world pixels.
    origin = tile_origin(page, zoom)
    for axis in (0, 1):
        for key in cards:
            expected = origin[axis] + scale * projected[key][axis]
            assert abs(centres[key][axis] - expected) <= 2, (key, axis)
    # The map is not in the way of the keyboard: no marker takes focus.
    tab_stops = page.eval_on_selector_all(
        MARKERS, "icons => icons.map(i => i.tabIndex)"
    )
    assert all(stop < 0 for stop in tab_stops)
    # Tiles came from OpenStreetMap (stubbed), with its attribution.
    assert tiles and all(
        re.fullmatch(r"https://tile\.openstreetmap\.org/\d+/\d+/\d+\.png", url)
        for url in tiles
    )
    expect(page.locator(".leaflet-control-attribution")).to_contain_text(
        "OpenStreetMap"
    )
    audit(page, "search results with the map")
    screenshot(page, "search-map")


def test_list_and_map_light_each_other_up(page, tiles):
    search_near(page, "10001")
    expect(page.locator(MARKERS).first).to_be_visible()
    first = page.locator(CARDS).first
    key = first.get_attribute("aria-labelledby")
    shape = page.locator(f'.results-map [data-result="{key}"]')
    # Hovering a card lights its shape.
    first.locator(".result__headline").hover()
    expect(shape).to_have_class(re.compile(r"map-shape--active"))
    expect(first).to_have_class(re.compile(r"result--on-map"))
    page.mouse.move(5, 5)
    expect(shape).not_to_have_class(re.compile(r"map-shape--active"))
    # Focusing a card's link (the keyboard's way) does too.
    first.get_by_role("link").first.focus()
    expect(shape).to_have_class(re.compile(r"map-shape--active"))
    page.locator("body").focus()
    # Hovering a marker lights its card; clicking it brings the card into
    # view with focus on its link.
    other = uncovered_marker(page)
    assert other
    marker = page.locator(f'{MARKERS}[data-result="{other}"]')
    card = page.locator(f'{CARDS}[aria-labelledby="{other}"]')
    marker.hover()
    expect(card).to_have_class(re.compile(r"result--on-map"))
    expect(marker).to_have_class(re.compile(r"map-shape--active"))
    expect(page.locator(".leaflet-tooltip")).to_have_text(
        card.locator(".result__name a").inner_text()
    )
    marker.click()
    link = card.locator(".result__name a")
    expect(link).to_be_focused()
    expect(card).to_be_in_viewport()
    assert link.get_attribute("href").startswith("/therapists/")


def test_a_home_based_practice_is_an_area_never_a_pin(page, tiles, audit):
    therapist = factories.make_therapist(
        display_name="Zelda Homebody", slug="zelda-homebody"
    )
    factories.make_location(
        therapist,
        "10001",
        street_address="12 Private Lane",
        is_home_based=True,
        latitude=40.75123,
        longitude=-73.99456,
    )
    page.goto("/therapists/?q=Zelda+Homebody&near=10001")
    card = page.locator(CARDS, has_text="Zelda Homebody")
    expect(card).to_have_count(1)
    key = card.get_attribute("aria-labelledby")
    # The card carries the blurred point alone (the model stores no other).
    assert card.get_attribute("data-lat") == "40.75"
    assert card.get_attribute("data-lng") == "-73.99"
    expect(page.locator(f'{AREAS}[data-result="{key}"]')).to_have_count(1)
    expect(page.locator(f'{MARKERS}[data-result="{key}"]')).to_have_count(0)
    assert "Private Lane" not in page.content()
    card.hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(
        "Zelda Homebody (home-based: approximate area)"
    )
    audit(page, "a home-based result on the map")


def test_the_map_follows_new_results_in_the_list(page, tiles):
    search_near(page, "10001")
    expect(page.locator(MARKERS).first).to_be_visible()
    before = set(card_points(page))
    # A live refresh renders another page of results into the list.
    page.evaluate(
        """async () => {
        const url = new URL(location.href);
        url.searchParams.set("page", "2");
        const html = await (await fetch(url)).text();
        const fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelector(".results").innerHTML =
            fresh.querySelector(".results").innerHTML;
    }"""
    )
    after = set(card_points(page))
    assert after and not after & before
    expect(page.locator(f"{MARKERS}, {AREAS}")).to_have_count(len(after))
    page.wait_for_function(
        """keys => [...document.querySelectorAll(".results-map [data-result]")]
            .every(shape => keys.includes(shape.dataset.result))""",
        arg=sorted(after),
    )


def test_on_a_phone_the_map_waits_behind_a_button(page, tiles, audit, screenshot):
    page.set_viewport_size(PHONE)
    search_near(page, "10001")
    toggle = page.get_by_role("button", name="Show map")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    canvas = page.get_by_role("region", name="Map of the therapists listed")
    expect(canvas).to_be_hidden()
    # The first result still starts on the first screen.
    assert page.locator(CARDS).first.bounding_box()["y"] < PHONE["height"] - 100
    toggle.click()
    expect(canvas).to_be_visible()
    hide = page.get_by_role("button", name="Hide map")
    expect(hide).to_have_attribute("aria-expanded", "true")
    expect(page.locator(MARKERS).first).to_be_visible()
    audit(page, "search results with the map open on a phone")
    screenshot(page, "search-map-phone")
    hide.click()
    expect(canvas).to_be_hidden()
    expect(page.get_by_role("button", name="Show map")).to_be_visible()


def test_a_search_that_finds_nobody_shows_no_map(page, tiles):
    page.goto("/therapists/?q=zzqxv&near=10001")
    expect(
        page.get_by_text("No therapists match all of these filters.")
    ).to_be_visible()
    expect(page.locator(".results-map")).to_be_hidden()
    assert tiles == []


def test_without_javascript_there_is_no_map_and_the_list_works(browser, demo_site):
    context = browser.new_context(
        base_url=demo_site.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto("/therapists/?near=10001")
    expect(page.locator(CARDS).first).to_be_visible()
    expect(page.locator(".results-map")).to_be_hidden()
    expect(page.get_by_role("button", name="Show map")).to_be_hidden()
    assert not [url for url in asked if "openstreetmap" in url]
    context.close()
