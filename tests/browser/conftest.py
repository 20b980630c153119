"""Fixtures for real-browser journeys: Debian's Chromium driven by Playwright.

Run with `make test-browser`. The browser is the system one (CHROMIUM, default
/usr/bin/chromium); Playwright never downloads its own.
"""

import base64
import importlib
import json
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from tests.browser.helpers import WIDTHS, desktop_page
from therapists.models import Technique

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def plain_http_live_server():
    """The live server speaks plain HTTP on localhost. Its middleware is built once
    per session, before function-scoped settings overrides, so switch the HTTPS
    redirect off here, first."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False


# The search page's map asks OpenStreetMap for tiles: no journey may reach the
# network, so every context gets a blank tile (a 1x1 PNG) instead.
TILES = "https://tile.openstreetmap.org/**"
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


def serve_blank_tile(route) -> None:
    route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        new_context = browser.new_context

        def new_context_without_tiles(**options):
            context = new_context(**options)
            context.route(TILES, serve_blank_tile)
            return context

        browser.new_context = new_context_without_tiles
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The live server with deterministic demo data (taxonomies restored first:
    transactional tests empty every table between tests)."""
    if not Technique.objects.exists():
        migration = importlib.import_module(
            "therapists.migrations.0002_techniques_and_conditions"
        )
        migration.add_taxonomies(apps, None)
    call_command("seed_demo", therapists=120, reviews_per_therapist=5, verbosity=0)
    return live_server


@pytest.fixture
def page(browser, demo_site):
    with desktop_page(browser, demo_site.url) as page:
        yield page


@pytest.fixture(scope="session")
def axe_log():
    """Every audit's result, written to test-artifacts/axe.json at the end."""
    log = []
    yield log
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(log, indent=2))


@pytest.fixture
def audit(axe_log):
    """Run axe-core on the page; fail on a violation of any impact."""
    axe = Axe()

    def run(page, name: str):
        results = axe.run(page)
        violations = results.response["violations"]
        axe_log.append(
            {
                "page": name,
                "url": page.url,
                "violations": len(violations),
                "impacts": sorted({v["impact"] or "unknown" for v in violations}),
                "ids": sorted(v["id"] for v in violations),
            }
        )
        assert not violations, results.generate_report()
        return violations

    return run


@pytest.fixture
def screenshot():
    """Save full-page screenshots at desktop and phone widths."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str):
        original = page.viewport_size
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        page.set_viewport_size(original)

    return shoot
