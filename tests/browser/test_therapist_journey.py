"""A therapist signs up, builds a profile and is found in search, in a real browser."""

import io
import re

from django.core import mail
from PIL import Image
from playwright.sync_api import expect


def jpeg_file(tmp_path):
    path = tmp_path / "portrait.jpg"
    image = Image.new("RGB", (1200, 900), (180, 120, 90))
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # camera model: must not survive
    image.save(path, "JPEG", exif=exif)
    return path


def pdf_file(tmp_path):
    path = tmp_path / "licence.pdf"
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, "PDF")
    path.write_bytes(buffer.getvalue())
    return path


def test_therapist_signs_up_builds_a_profile_and_is_found(
    page, audit, screenshot, tmp_path
):
    page.goto("/")
    page.get_by_role("link", name="List your practice").click()
    expect(
        page.get_by_label("I'm a massage therapist and want to be listed")
    ).to_be_checked()
    page.get_by_label("First name").fill("Imani")
    page.get_by_label("Last name").fill("Okafor-Reyes")
    page.get_by_label("Email").fill("imani@example.org")
    page.get_by_label("Password", exact=True).fill("sturdy-lumbar-9431")
    page.get_by_label("Password again").fill("sturdy-lumbar-9431")
    audit(page, "sign up")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    link = re.search(r"http://\S+/accounts/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    expect(page.get_by_role("heading", name="Imani Okafor-Reyes")).to_be_visible()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    audit(page, "dashboard (new draft)")

    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Headline (one line about how you help with back pain)").fill(
        "Trigger point and myofascial work for stubborn low back pain"
    )
    page.get_by_label("About you and your approach").fill(
        "I have treated back pain for nine years, often alongside physiotherapists."
    )
    page.get_by_label("Years in practice").fill("12")
    page.get_by_label("Years treating back pain").fill("9")
    page.get_by_label("Low back pain").check()
    page.get_by_label("English").check()
    audit(page, "profile editor")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    # Prices have their own page.
    page.get_by_role("link", name="Edit prices").click()
    page.get_by_label("60 minutes ($)").fill("125")
    page.get_by_role("button", name="Save prices").click()
    expect(page.get_by_text("Your prices are saved.")).to_be_visible()

    page.get_by_role("link", name="Upload a photo").click()
    page.get_by_label("Photo (JPEG, PNG or WebP, up to 5 MB)").set_input_files(
        jpeg_file(tmp_path)
    )
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_text("Your photo is updated.")).to_be_visible()
    expect(page.get_by_role("img", name="Your current photo")).to_be_visible()

    page.get_by_role("link", name="Edit techniques").click()
    page.locator("#id_technique_links-0-technique").select_option(
        label="Trigger point therapy"
    )
    page.locator("#id_technique_links-0-years").fill("8")
    page.get_by_role("button", name="Save techniques").click()
    expect(page.get_by_text("Your techniques are saved.")).to_be_visible()

    page.get_by_role("link", name="Add a location").click()
    page.get_by_label("ZIP code").fill("11215")
    page.get_by_label("I work from home: show only my city, never my street").check()
    audit(page, "location form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The location is added.")).to_be_visible()

    page.get_by_role("link", name="Add a credential").click()
    page.get_by_label("Kind").select_option(label="State licence")
    page.get_by_label("Issuing body").fill("New York State Education Department")
    page.get_by_label("Licence or certificate number").fill("MT-771203")
    page.get_by_label("Jurisdiction (two-letter state, or US if national)").fill("ny")
    page.get_by_label("Expires on").fill("2028-06-30")
    page.get_by_label(re.compile("^Evidence")).set_input_files(pdf_file(tmp_path))
    audit(page, "credential form")
    page.get_by_role("button", name="Submit for verification").click()
    expect(page.get_by_text("our staff will check it")).to_be_visible()
    expect(page.get_by_text("Pending verification")).to_be_visible()
    screenshot(page, "dashboard")
    audit(page, "dashboard (complete)")

    page.get_by_role("button", name="Publish profile").click()
    expect(page.get_by_text("Your profile is published")).to_be_visible()

    page.goto("/therapists/?q=okafor&near=11215")
    result = page.get_by_role("link", name="Imani Okafor-Reyes")
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_text("Brooklyn, NY")).to_be_visible()
    expect(page.get_by_text("Pending verification")).to_be_visible()
    audit(page, "own published profile")
