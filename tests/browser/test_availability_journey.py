"""Availability in a real browser: a therapist lists their week without
JavaScript (adding rows, a refused overlap), states and confirms a next
opening; a visitor finds them with hours=evenings, sees the hours on the card,
the profile and the comparison. Every page passes axe."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from interviews.models import InterviewRequest
from tests import factories
from tests.browser import helpers
from therapists.models import OpeningHours, Therapist

PASSWORD = "lists-every-evening-42"


def log_in(page, email: str) -> None:
    helpers.log_in(page, email, PASSWORD)


def demo_therapist() -> Therapist:
    """A published demo therapist near 10001 who can log in, without hours."""
    therapist = (
        Therapist.objects.published()
        .filter(locations__postal_code__startswith="100")
        .first()
        or Therapist.objects.published().filter(locations__isnull=False).first()
    )
    OpeningHours.objects.filter(therapist=therapist).delete()
    user = therapist.user
    user.email = user.username = "hours-therapist@example.org"
    user.set_password(PASSWORD)
    user.save()
    return therapist


def answered_requests(therapist, hours_each) -> None:
    """The therapist's only interview requests: one answered after each of
    `hours_each` (the demo data's own, dated from the day it was seeded, would
    move the median with the calendar)."""
    InterviewRequest.objects.filter(therapist=therapist).delete()
    now = timezone.now()
    for hours in hours_each:
        interview = factories.make_interview(therapist=therapist)
        created = now - datetime.timedelta(days=3)
        InterviewRequest.objects.filter(pk=interview.pk).update(
            created_at=created,
            status="accepted",
            answered_at=created + datetime.timedelta(hours=hours),
        )


def test_a_therapist_lists_evenings_and_a_visitor_finds_them(
    browser, demo_site, audit, screenshot
):
    therapist = demo_therapist()
    answered_requests(therapist, [2, 5, 9, 30])
    context = browser.new_context(
        base_url=demo_site.url,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, "hours-therapist@example.org")

    # JavaScript off: the page must work without it (axe needs it: below).
    page.goto("/dashboard/hours/")
    expect(page.get_by_role("heading", name="Your hours")).to_be_visible()
    screenshot(page, "hours-empty")

    # Two rows to start with; "Add more rows" adds two more, keeping input.
    days = page.get_by_label("Day")
    days.nth(0).select_option("1")
    page.get_by_label("Opens at").nth(0).fill("12:00")
    page.get_by_label("Closes at").nth(0).fill("20:00")
    page.get_by_role("button", name="Add more rows").click()
    expect(page.get_by_label("Day")).to_have_count(4)
    expect(page.get_by_label("Opens at").nth(0)).to_have_value("12:00")

    # An overlap on Tuesday is refused next to the field.
    page.get_by_label("Day").nth(1).select_option("1")
    page.get_by_label("Opens at").nth(1).fill("19:00")
    page.get_by_label("Closes at").nth(1).fill("21:00")
    page.get_by_role("button", name="Save hours").click()
    expect(page.get_by_text("This overlaps Tuesday 12 pm – 8 pm")).to_be_visible()
    screenshot(page, "hours-refused")
    assert not OpeningHours.objects.filter(therapist=therapist).exists()

    # Saturday instead, and a next opening.
    page.get_by_label("Day").nth(1).select_option("5")
    page.get_by_label("Opens at").nth(1).fill("09:00")
    page.get_by_label("Closes at").nth(1).fill("13:00")
    soon = timezone.localdate() + datetime.timedelta(days=3)
    page.get_by_label("Your next opening for a new client").fill(soon.isoformat())
    page.get_by_role("button", name="Save hours").click()
    expect(page.get_by_text("Your hours are saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hours and next opening")).to_be_visible()
    screenshot(page, "hours-dashboard-card")
    context.close()

    # The same pages audited with JavaScript on (axe runs in the page).
    context = browser.new_context(
        base_url=demo_site.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, "hours-therapist@example.org")
    audit(page, "dashboard home with hours")
    page.goto("/dashboard/hours/")
    audit(page, "dashboard hours")
    screenshot(page, "hours-filled")
    page.get_by_label("Day").nth(2).select_option("1")
    page.get_by_label("Opens at").nth(2).fill("13:00")
    page.get_by_label("Closes at").nth(2).fill("15:00")
    page.get_by_role("button", name="Save hours").click()
    expect(page.get_by_text("This overlaps Tuesday 12 pm – 8 pm")).to_be_visible()
    audit(page, "dashboard hours refused")
    page.goto("/dashboard/hours/")
    page.get_by_role("button", name="is still open").click()
    expect(page.get_by_text("Thank you: clients see")).to_be_visible()
    context.close()

    # A visitor, with JavaScript.
    visitor = browser.new_context(
        base_url=demo_site.url, viewport={"width": 1280, "height": 900}
    )
    page = visitor.new_page()
    page.goto("/therapists/?near=10001&radius=50&hours=evenings&hours=weekends")
    card = page.locator("article.result", has_text=therapist.display_name)
    expect(card).to_contain_text("Hours Evenings (after 6 pm) and weekends")
    audit(page, "search hours")
    screenshot(page, "hours-search")

    page.goto(therapist.get_absolute_url())
    section = page.locator("#hours")
    expect(section).to_contain_text("Tuesday")
    expect(section).to_contain_text("12 pm – 8 pm")
    expect(section).to_contain_text("Next opening:")
    expect(section).to_contain_text("Usually answers in about 7 hours")
    audit(page, "profile hours")
    screenshot(page, "hours-profile")

    other = Therapist.objects.published().exclude(pk=therapist.pk).first()
    page.goto(f"/compare/?t={therapist.slug}&t={other.slug}")
    expect(page.locator("th", has_text="Next opening")).to_be_visible()
    audit(page, "compare hours")
    screenshot(page, "hours-compare")
    visitor.close()
