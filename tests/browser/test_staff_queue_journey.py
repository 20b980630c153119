"""Staff find a new credential in a long queue by its number and approve it; the
therapist hears about it by email. In a real browser, at desktop and phone width."""

import datetime
import re

from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from therapists.models import Therapist
from verification.models import Credential

PASSWORD = "checks-every-licence-42"
NEW_NUMBER = "MT-909090"


def long_queue() -> Therapist:
    """Enough pending credentials, all older, for three pages of the queue, and
    one new one of a published demo therapist's; that therapist."""
    therapists = list(Therapist.objects.order_by("pk")[:100])
    a_month_ago = timezone.now() - datetime.timedelta(days=30)
    Credential.objects.bulk_create(
        Credential(
            therapist=therapist,
            kind=Credential.Kind.TECHNIQUE_CERTIFICATE,
            issuer="Institute of Myofascial Release",
            number=f"TC-OLD-{n:03d}",
            jurisdiction="US",
            status=Credential.Status.PENDING,
        )
        for n, therapist in enumerate(therapists)
    )
    Credential.objects.filter(number__startswith="TC-OLD-").update(
        created_at=a_month_ago
    )
    owner = Therapist.objects.filter(is_published=True).order_by("-pk").first()
    Credential.objects.create(
        therapist=owner,
        kind=Credential.Kind.STATE_LICENCE,
        issuer="New York State Education Department",
        number=NEW_NUMBER,
        jurisdiction="NY",
        expires_on=timezone.localdate() + datetime.timedelta(days=700),
        status=Credential.Status.PENDING,
    )
    return owner


def log_in_as_verifier(page) -> None:
    staff = factories.make_user(username="verifier@example.org", is_staff=True)
    staff.set_password(PASSWORD)
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="verify_credential"))
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("verifier@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_staff_find_a_new_credential_by_its_number_and_approve_it(
    page, audit, screenshot
):
    owner = long_queue()
    log_in_as_verifier(page)

    page.goto("/staff/credentials/")
    expect(page.get_by_role("heading", name="Credentials to verify")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Page 1 of 3$"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(NEW_NUMBER))).to_have_count(0)
    audit(page, "staff queue")
    screenshot(page, "staff-queue")

    search = page.get_by_role("search", name="Search the queue")
    search.get_by_label("Name or credential number").fill("909090")
    search.get_by_role("button", name="Search").click()

    expect(page.get_by_text("1 credential matches your search")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(NEW_NUMBER))
    expect(row).to_contain_text(owner.display_name)
    expect(row).to_contain_text("today")
    expect(page.get_by_text(re.compile(r"^Page \d"))).to_have_count(0)
    audit(page, "staff queue, searched")
    screenshot(page, "staff-queue-search")

    row.get_by_role("link", name=re.compile("State licence")).click()
    expect(
        page.get_by_role("heading", name=f"State licence of {owner.display_name}")
    ).to_be_visible()
    page.get_by_label("Approve: the credential is genuine and current").check()
    page.get_by_label("How you checked it").select_option(
        label="check on the board's website"
    )
    page.get_by_label(re.compile("^Reason")).fill("Active on the board's lookup.")
    page.get_by_role("button", name="Record decision").click()

    # Back on the queue with the same search, which now finds nothing waiting.
    expect(page.get_by_text(f"State licence {NEW_NUMBER}")).to_contain_text("approved.")
    expect(page).to_have_url(re.compile(r"/staff/credentials/\?q=909090&sort=oldest$"))
    expect(
        page.get_by_text("No credential waiting matches this search.")
    ).to_be_visible()
    assert Credential.objects.get(number=NEW_NUMBER).status == "verified"
    (message,) = [m for m in mail.outbox if m.to == [owner.user.email]]
    assert message.subject == "Your state licence is verified"
    assert NEW_NUMBER in message.body


def test_staff_narrow_the_queue_by_state_kind_and_waiting_time(page, audit, screenshot):
    long_queue()
    log_in_as_verifier(page)
    page.goto("/staff/credentials/")

    search = page.get_by_role("search", name="Search the queue")
    search.get_by_label("Kind").select_option(label="State licence")
    search.get_by_label("State").select_option(label="New York")
    search.get_by_label("Order").select_option(label="Newest first")
    search.get_by_role("button", name="Search").click()

    rows = page.locator(".queue-table tbody tr")
    expect(rows.first).to_contain_text(NEW_NUMBER)
    expect(rows.first).to_contain_text("State licence")
    count = rows.count()
    for index in range(count):
        expect(rows.nth(index).get_by_text("NY", exact=True)).to_be_visible()

    search.get_by_label("Waiting").select_option(label="Over 3 days")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row", name=re.compile(NEW_NUMBER))).to_have_count(0)
    expect(search.get_by_label("State")).to_have_value("NY")

    # A changed address: the message says what to fix, next to the field.
    page.goto("/staff/credentials/?waiting=30&state=NY")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The queue could not be searched.")
    alert.get_by_role("link", name=re.compile("^Waiting")).click()
    expect(search.get_by_label("Waiting")).to_be_focused()
    expect(
        page.get_by_text("Choose how long they have waited from the list.").last
    ).to_be_visible()
    audit(page, "staff queue, bad filter")
    screenshot(page, "staff-queue-error")


def test_demo_profiles_show_their_generated_photos(page, audit, screenshot):
    # Not a staff page, but the demo the staff queue is tried on: every demo
    # therapist has a photo (demo.photos), served like an uploaded one.
    page.goto("/therapists/?near=10001")
    thumbnails = page.locator(".result__photo img")
    expect(thumbnails.first).to_be_visible()
    assert thumbnails.count() == page.locator(".result__photo").count()
    thumbnails.first.scroll_into_view_if_needed()
    expect(thumbnails.first).to_have_js_property("naturalWidth", 160)

    page.locator(".result__name a").first.click()
    photo = page.get_by_role("img", name=re.compile("^Photo of "))
    expect(photo).to_be_visible()
    expect(photo).to_have_js_property("naturalWidth", 240)
    audit(page, "demo profile with its photo")
    screenshot(page, "demo-profile-photo")


def test_a_staff_nav_stays_one_row_behind_menu_at_any_width(page):
    # Staff have the longest nav (Verify, Staff, Conversations, Account...):
    # wider than the page's 1180 px column, so it folds behind "Menu".
    log_in_as_verifier(page)
    header = page.locator(".site-header")
    menu = page.locator(".site-nav summary")
    verify = page.get_by_role("link", name="Verify", exact=True)
    for width in (390, 1280, 1600):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/staff/credentials/")
        assert header.bounding_box()["height"] < 90, f"one row at {width} px"
        expect(menu).to_be_visible()
        expect(verify).to_be_hidden()
        menu.click()
        expect(verify).to_be_visible()
