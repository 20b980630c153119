"""A clinician signs up, confirms their email, submits their licence; staff
verify it in the queue; the clinician recommends a therapist, and the profile
shows it apart from the reviews, with the stars unchanged. In a real browser."""

import io
import re
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from tests import factories
from tests.browser import helpers

PASSWORD = "spine-ledger-5521"
STATEMENT = (
    "I refer patients with chronic low back pain to Quinn, and they come back "
    "moving better."
)


def licence_pdf(tmp_path) -> Path:
    path = tmp_path / "licence.pdf"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, "PDF")
    path.write_bytes(buffer.getvalue())
    return path


def log_in(page, email: str) -> None:
    helpers.log_in(page, email, PASSWORD)


def log_out(page) -> None:
    menu = page.locator(".site-nav summary")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name="Log out").click()


def stars_on(page) -> list[str]:
    """What the profile says about the stars: each star row's label, the
    review summary's average and the Rating fact."""
    labels = page.locator(".stars").evaluate_all(
        "rows => rows.map(row => row.getAttribute('aria-label'))"
    )
    return [
        *labels,
        page.locator(".review-summary .big-number").inner_text(),
        page.locator(".profile-hero__facts").inner_text(),
    ]


def test_a_clinician_is_verified_and_recommends_a_therapist(
    page, audit, tmp_path, screenshot
):
    therapist = factories.make_therapist(
        display_name="Quinn Alvarez", slug="quinn-alvarez"
    )
    factories.add_technique(therapist, "deep-tissue")
    factories.make_location(therapist, "10001")
    factories.make_reviews(therapist, [5, 4, 3])
    staff = factories.make_user(username="verifier@example.org", is_staff=True)
    staff.set_password(PASSWORD)
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="verify_credential"))

    # Sign up as a clinician, from the ordinary sign-up page.
    page.goto("/accounts/signup/")
    page.get_by_role("link", name="Sign up as a clinician").click()
    expect(page.get_by_role("heading", name="Sign up as a clinician")).to_be_visible()
    screenshot(page, "clinician-signup")
    page.get_by_role("button", name="Create clinician account").click()
    expect(page.get_by_text("Choose your profession.")).to_be_visible()
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Chen")
    page.get_by_label("Your name as patients know you").fill("Dr. Maya Chen")
    page.get_by_label("Profession").select_option(label="Physician (MD or DO)")
    page.get_by_label("Practice or clinic").fill("Lakeside Spine Clinic")
    page.get_by_label("City").fill("Denver")
    page.get_by_label("State").select_option(label="Colorado")
    page.get_by_label("Email").fill("maya.chen@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    audit(page, "clinician sign-up")
    page.get_by_role("button", name="Create clinician account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    link = re.search(r"http://\S+/accounts/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    expect(page.get_by_role("heading", name="Dr. Maya Chen")).to_be_visible()
    expect(page.get_by_text("Submit your licence to practise first.")).to_be_visible()
    audit(page, "clinician page (new)")
    screenshot(page, "clinician-home-new")

    # Submit the licence: a wrong date is explained next to the field.
    page.get_by_role("link", name="Submit your licence").click()
    page.get_by_label("Licensing board (e.g. New York State Board of Medicine)").fill(
        "Colorado Medical Board"
    )
    page.get_by_label("Licence number").fill("DR-0067890")
    page.get_by_label("State that issued it").select_option(label="Colorado")
    page.get_by_label("Issued on (optional)").fill("2031-01-01")
    page.get_by_label("Expires on").fill("2030-06-30")
    page.get_by_label(re.compile("^Evidence")).set_input_files(licence_pdf(tmp_path))
    page.get_by_role("button", name="Submit for verification").click()
    expect(
        page.get_by_text("The expiry date is before the issue date.")
    ).to_be_visible()
    audit(page, "licence form with an error")
    screenshot(page, "licence-form")
    page.get_by_label("Issued on (optional)").fill("2015-01-01")
    page.get_by_label(re.compile("^Evidence")).set_input_files(licence_pdf(tmp_path))
    page.get_by_role("button", name="Submit for verification").click()
    expect(page.get_by_text("Your licence is submitted")).to_be_visible()
    expect(page.get_by_text("Pending verification")).to_be_visible()

    # Not verified yet: the profile says so instead of offering to recommend.
    page.goto(therapist.get_absolute_url())
    section = page.locator("#recommendations")
    expect(
        section.get_by_text("once our staff have verified your licence")
    ).to_be_visible()
    expect(section.get_by_role("link", name=re.compile("^Recommend"))).to_have_count(0)
    stars_before = stars_on(page)
    log_out(page)

    # Staff verify it in the queue.
    log_in(page, "verifier@example.org")
    page.locator(".site-nav summary").click()
    page.get_by_role("link", name="Verify").click()
    row = page.get_by_role("row", name=re.compile("Dr. Maya Chen"))
    expect(row.get_by_text("(clinician: Physician (MD or DO))")).to_be_visible()
    audit(page, "queue with a clinician's licence")
    row.get_by_role("link").click()
    expect(
        page.get_by_role("heading", name="State licence of Dr. Maya Chen")
    ).to_be_visible()
    expect(page.get_by_text("Lakeside Spine Clinic, Denver, CO")).to_be_visible()
    audit(page, "review of a clinician's licence")
    screenshot(page, "licence-review")
    page.get_by_label("Approve: the credential is genuine and current").check()
    page.get_by_label("How you checked it").select_option(
        label="check on the board's website"
    )
    page.get_by_label(re.compile("^Reason")).fill("Active on the board's lookup.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("approved.")).to_be_visible()
    log_out(page)

    # The clinician recommends the therapist.
    log_in(page, "maya.chen@example.org")
    expect(
        page.get_by_text("Your licence is verified until Jun 30, 2030.")
    ).to_be_visible()
    page.goto(therapist.get_absolute_url())
    page.locator("#recommendations").get_by_role(
        "link", name=re.compile("^Recommend")
    ).click()
    expect(page.get_by_role("heading", name="Recommend Quinn Alvarez")).to_be_visible()
    page.get_by_role("button", name="Publish recommendation").click()
    expect(page.get_by_text("Say how you know their work.")).to_be_visible()
    audit(page, "recommendation form with an error")
    screenshot(page, "recommend-form")
    page.get_by_label("How you know their work").fill(STATEMENT)
    page.get_by_role("button", name="Publish recommendation").click()
    expect(page.get_by_text("your recommendation of Quinn Alvarez")).to_be_visible()

    # The profile shows it in its own section, apart from the reviews, and
    # the stars have not moved.
    section = page.locator("#recommendations")
    expect(section.get_by_text(STATEMENT)).to_be_visible()
    expect(section.get_by_text("Dr. Maya Chen")).to_be_visible()
    expect(section.get_by_text("Licence verified in CO")).to_be_visible()
    reviews = page.get_by_role("region", name="Reviews")
    expect(reviews.get_by_text(STATEMENT)).to_have_count(0)
    expect(reviews.get_by_text("Dr. Maya Chen")).to_have_count(0)
    assert stars_on(page) == stars_before
    audit(page, "profile with a recommendation")
    screenshot(page, "profile-recommendation")

    # The search card says it, and the filter finds the therapist.
    page.goto("/therapists/?recommended=on&near=10001")
    card = page.locator("article", has_text="Quinn Alvarez")
    expect(card.get_by_text("Recommended by 1 clinician")).to_be_visible()
    expect(page.get_by_role("link", name="Recommended by a clinician")).to_be_visible()
    audit(page, "search: recommended")
    screenshot(page, "search-recommended")

    # The clinician's page lists it, withdrawable.
    page.goto("/clinicians/")
    expect(page.get_by_text(STATEMENT)).to_be_visible()
    audit(page, "clinician page (verified)")
    screenshot(page, "clinician-home-verified")
    page.get_by_role("button", name=re.compile("^Withdraw")).click()
    expect(page.get_by_text("is withdrawn")).to_be_visible()
    page.goto(therapist.get_absolute_url())
    expect(page.locator("#recommendations").get_by_text(STATEMENT)).to_have_count(0)
    assert stars_on(page) == stars_before
