"""Freshness in a real browser: a visitor sees that a profile's details are not
confirmed and reports what is wrong; staff ask the therapist to fix it; the
therapist confirms everything in one click and the profile says so."""

import datetime
import re

from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from corrections.models import Report, ReportEvent
from tests import factories
from tests.browser import helpers
from therapists import freshness
from therapists.models import Therapist

PASSWORD = "checks-every-report-42"


def log_in(page, email: str) -> None:
    helpers.log_in(page, email, PASSWORD)


def stale_therapist() -> Therapist:
    """A published demo therapist whose details were last confirmed 120 days
    ago, who can log in."""
    therapist = Therapist.objects.published().filter(locations__isnull=False).first()
    therapist.details_confirmed_on = timezone.localdate() - datetime.timedelta(120)
    therapist.save()
    user = therapist.user
    user.email = user.username = "stale-therapist@example.org"
    user.set_password(PASSWORD)
    user.save()
    return therapist


def test_a_report_reaches_staff_and_the_therapist_confirms_in_one_click(
    page, audit, screenshot, live_server
):
    therapist = stale_therapist()
    day = freshness.short_date(therapist.details_confirmed_on)

    # A visitor sees the details are not confirmed, and reports the price.
    page.goto(therapist.get_absolute_url())
    expect(page.get_by_text(f"Not confirmed since {day}").first).to_be_visible()
    audit(page, "stale profile")
    screenshot(page, "freshness-profile-stale")
    page.get_by_role("link", name="Report incorrect information").click()
    expect(
        page.get_by_role("heading", name="Report incorrect information")
    ).to_be_visible()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Choose what is wrong.")).to_be_visible()
    page.get_by_role("radio", name="Something else").check()
    page.get_by_role("button", name="Send report").click()
    expect(
        page.get_by_text("Say what is wrong when you choose “Something else”.")
    ).to_be_visible()
    audit(page, "report form with errors")
    screenshot(page, "freshness-report-form-errors")
    page.get_by_label("The price is wrong").check()
    page.get_by_label(re.compile("^What should it say")).fill(
        "They charge $150 for an hour now."
    )
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you. Our staff will check")).to_be_visible()
    report = Report.objects.get(detail="They charge $150 for an hour now.")
    assert report.therapist == therapist

    # Staff find it in the queue and ask the therapist to fix it.
    staff = factories.make_user(username="checker@example.org", is_staff=True)
    staff.set_password(PASSWORD)
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="review_report"))
    context = page.context
    context.clear_cookies()
    log_in(page, "checker@example.org")
    # The staff nav folds behind "Menu"; the queue is its "Reports" link.
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Reports").click()
    expect(
        page.get_by_role("heading", name="Reports of incorrect information")
    ).to_be_visible()
    audit(page, "report queue")
    screenshot(page, "freshness-report-queue")
    page.get_by_role("row", name=re.compile("They charge \\$150")).get_by_role(
        "link"
    ).click()
    expect(page.get_by_text("They charge $150 for an hour now.")).to_be_visible()
    page.get_by_label("Therapist asked to fix it").check()
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_text("Tell the therapist what to check or fix.")).to_be_visible()
    audit(page, "report decision with errors")
    screenshot(page, "freshness-report-detail")
    page.get_by_label(re.compile("^Note")).fill("Please update your price.")
    page.get_by_role("button", name="Record outcome").click()
    expect(
        page.get_by_text(re.compile("closed: therapist asked to fix it"))
    ).to_be_visible()
    (event,) = ReportEvent.objects.all()
    assert (event.actor, event.outcome) == (staff, "asked")
    assert [m.to for m in mail.outbox] == [[therapist.user.email]]
    link = re.search(r"http://\S+/dashboard/", mail.outbox[0].body).group(0)

    # The therapist follows the email's link and confirms in one click.
    context.clear_cookies()
    log_in(page, "stale-therapist@example.org")
    page.goto(link.replace("http://testserver", live_server.url))
    expect(page.get_by_text("Are your details still right?")).to_be_visible()
    audit(page, "dashboard asking to confirm")
    screenshot(page, "freshness-dashboard")
    page.get_by_role("button", name="Everything is still right").click()
    today = freshness.short_date(timezone.localdate())
    expect(page.get_by_text(f"your details as confirmed on {today}")).to_be_visible()
    page.goto(therapist.get_absolute_url())
    expect(page.get_by_text(f"Confirmed {today}").first).to_be_visible()
    therapist.refresh_from_db()
    assert therapist.details_confirmed_on == timezone.localdate()


def test_cards_and_the_comparison_mark_unconfirmed_details(page, audit, screenshot):
    stale = stale_therapist()
    other = (
        Therapist.objects.published()
        .filter(details_confirmed_on__gte=timezone.localdate() - datetime.timedelta(30))
        .exclude(pk=stale.pk)
        .first()
    )
    day = freshness.short_date(stale.details_confirmed_on)

    page.goto(f"/therapists/?q={stale.display_name.split()[-1]}")
    card = page.locator("article.result", has_text=stale.display_name).first
    expect(card.get_by_text(f"Not confirmed since {day}")).to_be_visible()
    screenshot(page, "freshness-search-cards")

    page.goto(f"/compare/?t={stale.slug}&t={other.slug}")
    row = page.get_by_role("row", name=re.compile("^Details confirmed"))
    expect(row.get_by_text(f"Not confirmed since {day}")).to_be_visible()
    audit(page, "comparison with freshness")
    screenshot(page, "freshness-compare")
