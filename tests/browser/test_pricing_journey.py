"""Sessions, prices and payment in a real browser: a therapist prices a
90-minute session (half an assessment refused next to its field), ticks
HSA/FSA and accepts a plan; a visitor finds them near
a ZIP with length=90 and payment=hsa-fsa, sees the card's 90-minute price, the
profile's prices and payment (what to check with a plan, when it was
confirmed) and the comparison's rows. Every page passes axe."""

import importlib
import re

from django.apps import apps
from playwright.sync_api import expect

from tests.browser import helpers
from therapists import payment
from therapists.models import InsurancePlan, Therapist

PASSWORD = "ninety-minutes-please-42"


def log_in(page, email: str) -> None:
    helpers.log_in(page, email, PASSWORD)


def demo_therapist() -> Therapist:
    """A published demo therapist near 10001 with no 90-minute price, nothing
    stated about payment and no plans."""
    if not InsurancePlan.objects.exists():  # transactional tests empty tables
        migration = importlib.import_module(
            "therapists.migrations.0017_sessions_and_payment"
        )
        migration.add_plans(apps, None)
    therapist = (
        Therapist.objects.published()
        .filter(locations__postal_code__startswith="100")
        .first()
        or Therapist.objects.published().filter(locations__isnull=False).first()
    )
    Therapist.objects.filter(pk=therapist.pk).update(
        price_90=None, payment_bits=0, assessment_minutes=None, assessment_price=None
    )
    therapist.accepted_plans.all().delete()
    user = therapist.user
    user.email = user.username = "pricing-therapist@example.org"
    user.set_password(PASSWORD)
    user.save()
    return therapist


def test_a_therapist_prices_90_minutes_and_a_visitor_finds_them(
    browser, demo_site, audit, screenshot
):
    therapist = demo_therapist()
    context = browser.new_context(
        base_url=demo_site.url,
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    log_in(page, "pricing-therapist@example.org")

    page.goto("/dashboard/")
    page.locator("#prices").get_by_role("link", name="Edit prices").click()
    expect(page.get_by_role("heading", name="Your prices", level=1)).to_be_visible()
    audit(page, "dashboard prices")

    # Half an assessment is refused next to its field; nothing is stored.
    page.get_by_label("90 minutes ($)").fill("95")
    page.get_by_label("Length (minutes)").fill("75")
    page.get_by_role("button", name="Save prices").click()
    expect(page.get_by_text("Give the assessment's price too")).to_be_visible()
    audit(page, "dashboard prices refused")
    screenshot(page, "prices-refused")
    therapist.refresh_from_db()
    assert therapist.price_90 is None

    page.get_by_label("Price ($)", exact=True).fill("110")
    page.get_by_label("Notice needed (hours)").fill("24")
    page.get_by_label("Fee for a late cancellation ($, optional)").fill("40")
    page.locator("#id_packages-0-sessions").fill("5")
    page.locator("#id_packages-0-minutes").select_option("90")
    page.locator("#id_packages-0-price").fill("450")
    page.get_by_role("button", name="Save prices").click()
    expect(page.get_by_text("Your prices are saved.")).to_be_visible()
    expect(page.locator("#prices")).to_contain_text("$95 · 90 min")

    page.locator("#payment").get_by_role("link", name="Edit payment and plans").click()
    page.get_by_label("Itemised receipt for HSA/FSA").check()
    page.get_by_label("Aetna").check()
    audit(page, "dashboard payment")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("How clients can pay is saved.")).to_be_visible()
    screenshot(page, "dashboard-home")
    page.goto("/dashboard/payment/")
    expect(page.get_by_text(re.compile(r"Aetna, confirmed"))).to_be_visible()
    screenshot(page, "payment-form")
    page.goto("/dashboard/prices/")
    screenshot(page, "prices-form")
    context.close()

    therapist.refresh_from_db()
    assert therapist.payment_codes == ["hsa-fsa", "insurance"]

    # A visitor, with JavaScript: only those offering 90 minutes with receipts.
    visitor = browser.new_context(
        base_url=demo_site.url, viewport={"width": 1280, "height": 900}
    )
    page = visitor.new_page()
    page.goto("/therapists/?near=10001&radius=50&length=90&payment=hsa-fsa")
    cards = page.locator("article.result")
    expect(cards.first).to_be_visible()
    for name in cards.locator(".result__name").all_inner_texts():
        found = Therapist.objects.get(display_name=name.strip())
        assert found.price_90 is not None, name
        assert "hsa-fsa" in found.payment_codes, name
    card = page.locator("article.result", has_text=therapist.display_name)
    expect(card).to_contain_text("$95 · 90 min")
    audit(page, "search length and payment")
    screenshot(page, "search")

    page.goto(therapist.get_absolute_url())
    prices = page.locator("section", has=page.locator("h2#prices-heading"))
    expect(prices).to_contain_text("$95 · 90 minutes")
    expect(prices).to_contain_text("5 sessions of 90 min for $450 ($90 each)")
    expect(prices).to_contain_text("Cancel at least 24 hours ahead or pay $40.")
    paying = page.locator("section", has=page.locator("h2#payment-heading"))
    expect(paying).to_contain_text(payment.INSURANCE.check)
    expect(paying).to_contain_text("Aetna, confirmed")
    audit(page, "profile prices and payment")
    screenshot(page, "profile")

    other = (
        Therapist.objects.published().exclude(pk=therapist.pk).order_by("pk").first()
    )
    page.goto(f"/compare/?t={therapist.slug}&t={other.slug}&near=10001")
    expect(
        page.get_by_role("rowheader", name=re.compile("^Cancellation"))
    ).to_be_visible()
    audit(page, "compare prices and payment")
    screenshot(page, "compare")
    visitor.close()
