"""Comfort and consent in a real browser: a therapist states a gentle-to-firm
range (a reversed range refused next to its field), the stop
statement and a draping policy; their trauma-informed care training is verified
by staff; a visitor finds them with gentle=on, sees the card's mention, the
profile's section and the comparison's rows. Every page passes axe."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import helpers
from therapists import comfort
from therapists.models import Therapist
from verification import badges
from verification.models import Credential

PASSWORD = "gentle-pressure-please-42"


def log_in(page, email: str) -> None:
    helpers.log_in(page, email, PASSWORD)


def demo_therapist() -> Therapist:
    """A published demo therapist near 10001 who states nothing about comfort."""
    therapist = (
        Therapist.objects.published()
        .filter(locations__postal_code__startswith="100")
        .first()
        or Therapist.objects.published().filter(locations__isnull=False).first()
    )
    Therapist.objects.filter(pk=therapist.pk).update(
        pressure_lightest=None, pressure_firmest=None, comfort_bits=0, draping_policy=""
    )
    therapist.credentials.filter(kind=Credential.Kind.TRAUMA_INFORMED).delete()
    user = therapist.user
    user.email = user.username = "comfort-therapist@example.org"
    user.set_password(PASSWORD)
    user.save()
    return therapist


def test_a_therapist_states_gentle_pressure_and_a_visitor_finds_them(
    browser, demo_site, audit, screenshot
):
    therapist = demo_therapist()
    context = browser.new_context(
        base_url=demo_site.url,
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    log_in(page, "comfort-therapist@example.org")

    page.goto("/dashboard/")
    card = page.locator("#comfort")
    expect(card.locator("dd").first).to_have_text("Not stated")
    card.get_by_role("link", name="Edit comfort and consent").click()
    expect(
        page.get_by_role("heading", name="Comfort and consent", level=1)
    ).to_be_visible()
    audit(page, "dashboard comfort")
    screenshot(page, "comfort-form")

    # Firm to gentle is refused next to the field, and nothing is stored.
    page.get_by_label("Lightest pressure you offer").select_option("4")
    page.get_by_label("Firmest pressure you offer").select_option("1")
    page.get_by_role("button", name="Save comfort and consent").click()
    expect(
        page.get_by_text("The firmest pressure cannot be lighter than the lightest")
    ).to_be_visible()
    audit(page, "dashboard comfort refused")
    screenshot(page, "comfort-refused")
    therapist.refresh_from_db()
    assert therapist.pressure_lightest is None

    page.get_by_label("Lightest pressure you offer").select_option("1")
    page.get_by_label("Firmest pressure you offer").select_option("4")
    page.get_by_label("Clothed massage offered").check()
    page.get_by_label("A companion is welcome in the room").check()
    page.get_by_label("I tell every client").check()
    page.get_by_label("Your draping policy (optional)").fill(
        "Underwear stays on. I leave the room while you undress."
    )
    page.get_by_role("button", name="Save comfort and consent").click()
    expect(
        page.get_by_text("Your comfort and consent details are saved.")
    ).to_be_visible()
    expect(page.locator("#comfort dd").first).to_have_text("Gentle to firm")
    screenshot(page, "comfort-dashboard-card")
    context.close()

    # Staff verified their training (the queue's decision, as a fixture).
    Credential.objects.create(
        therapist=therapist,
        kind=Credential.Kind.TRAUMA_INFORMED,
        issuer="Trauma-Informed Bodywork Institute",
        number="TI-BROWSER-1",
        jurisdiction="US",
        status=Credential.Status.VERIFIED,
        verification_method=Credential.Method.DOCUMENT_REVIEW,
        verified_at=timezone.now() - datetime.timedelta(days=2),
    )
    badges.credentials_changed([therapist.pk])

    # A visitor, with JavaScript: only therapists offering gentle pressure.
    visitor = browser.new_context(
        base_url=demo_site.url, viewport={"width": 1280, "height": 900}
    )
    page = visitor.new_page()
    page.goto("/therapists/?near=10001&radius=50&gentle=on")
    cards = page.locator("article.result")
    expect(cards.first).to_be_visible()
    for name in cards.locator(".result__name").all_inner_texts():
        found = Therapist.objects.get(display_name=name.strip())
        assert found.pressure_lightest == comfort.GENTLE, name
    card = page.locator("article.result", has_text=therapist.display_name)
    expect(card).to_contain_text("Gentle pressure")
    expect(page.get_by_role("link", name="Gentle pressure offered")).to_be_visible()
    audit(page, "search gentle")
    screenshot(page, "comfort-search")

    page.goto(therapist.get_absolute_url())
    section = page.locator("section", has=page.locator("h2#comfort"))
    expect(section).to_contain_text("Gentle to firm")
    expect(section).to_contain_text(comfort.STOP_STATEMENT)
    expect(section).to_contain_text("not a guarantee from us")
    expect(section).to_contain_text("Trauma-informed care training")
    expect(section).to_contain_text("Verified by our staff on")
    audit(page, "profile comfort")
    screenshot(page, "comfort-profile")

    other = Therapist.objects.published().exclude(pk=therapist.pk).first()
    page.goto(f"/compare/?t={therapist.slug}&t={other.slug}")
    expect(page.locator("th", has_text="Pressure offered")).to_be_visible()
    expect(page.locator("th", has_text="Trauma-informed care training")).to_be_visible()
    audit(page, "compare comfort")
    screenshot(page, "comfort-compare")
    visitor.close()
