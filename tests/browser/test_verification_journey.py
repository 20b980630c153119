"""Staff verify a credential; the badge follows everywhere, in a real browser."""

import datetime
import io
import re

from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests import factories
from verification.models import Credential

PASSWORD = "checks-every-licence-42"


def licence_scan() -> bytes:
    image = Image.new("RGB", (640, 400), "white")
    ImageDraw.Draw(image).text(
        (40, 180), "LICENSED MASSAGE THERAPIST MT-445566", fill="black"
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_staff_approve_a_licence_and_the_badge_appears(page, audit, screenshot):
    therapist = factories.make_therapist(
        display_name="Quinn Alvarez",
        slug="quinn-alvarez",
        headline="Low back specialist",
    )
    factories.add_technique(therapist, "deep-tissue")
    factories.make_location(therapist, "10001")
    credential = factories.make_credential(
        therapist,
        status=Credential.Status.PENDING,
        number="MT-445566",
        expires_on=timezone.localdate() + datetime.timedelta(days=400),
    )
    credential.evidence.save("scan.png", ContentFile(licence_scan()))
    therapist.user.set_password(PASSWORD)
    therapist.user.save()
    staff = factories.make_user(username="verifier@example.org", is_staff=True)
    staff.set_password(PASSWORD)
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="verify_credential"))

    page.goto(therapist.get_absolute_url())
    expect(page.get_by_text("Verified", exact=True)).to_have_count(0)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("verifier@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # A staff member's nav sits behind "Menu" at every width.
    page.locator(".site-nav summary").click()
    page.get_by_role("link", name="Verify").click()
    expect(page.get_by_role("heading", name="Credentials to verify")).to_be_visible()
    audit(page, "verification queue")
    page.get_by_role("row", name=re.compile("Quinn Alvarez")).get_by_role(
        "link"
    ).click()

    expect(
        page.get_by_role("heading", name="State licence of Quinn Alvarez")
    ).to_be_visible()
    evidence = page.get_by_role("img", name="Evidence document for MT-445566")
    expect(evidence).to_be_visible()
    # Rendered on the server as a PNG (verification/evidence.py): wait for it.
    expect(evidence).to_have_js_property("naturalWidth", 640)
    audit(page, "credential review")
    screenshot(page, "credential-review")

    page.get_by_label("Approve: the credential is genuine and current").check()
    page.get_by_role("button", name="Record decision").click()
    expect(
        page.get_by_text("Say how you verified it before approving.")
    ).to_be_visible()
    page.get_by_label("Approve: the credential is genuine and current").check()
    page.get_by_label("How you checked it").select_option(label="document review")
    page.get_by_label(re.compile("^Reason")).fill("Licence document matches the claim.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("approved.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Quinn Alvarez"))).to_have_count(0)

    page.goto(therapist.get_absolute_url())
    expect(
        page.locator(".profile-hero").get_by_text("Verified", exact=True)
    ).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Verified on .* by document review"))
    ).to_be_visible()

    page.goto("/therapists/?q=alvarez&verified=on")
    card = page.locator("article", has_text="Quinn Alvarez")
    expect(card.get_by_text("Verified", exact=True)).to_be_visible()

    page.locator(".site-nav summary").click()
    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(therapist.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    credentials = page.get_by_role("region", name="Credentials")
    expect(credentials.get_by_text("Verified", exact=True)).to_be_visible()
    expect(
        credentials.get_by_text(re.compile(r"Verified on .* by document review"))
    ).to_be_visible()
