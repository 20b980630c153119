"""Staff import a board's roster from the queue's pages: a wrong file is refused
at once, the right one is imported by the task (run at once here) and reported;
a running import's page follows it and shows the report when it is done. In a
real browser, at desktop and phone width."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import desktop_page
from tests.verification.test_import_roster import ISSUER, SAMPLE, colorado_licence
from tests.verification.test_roster_import import SAMPLE_COUNTS, make_import
from verification.models import Credential, RosterImport

PASSWORD = "checks-every-roster-42"


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A page on the live server, without the demo data: the roster needs only
    its own licences."""
    with desktop_page(browser, live_server.url) as page:
        yield page


def log_in_as_verifier(page) -> None:
    staff = factories.make_user(
        username="verifier@example.org", first_name="Vera", is_staff=True
    )
    staff.set_password(PASSWORD)
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="verify_credential"))
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("verifier@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def fill_upload(page, path) -> None:
    page.get_by_label("Roster file").set_input_files(str(path))
    page.get_by_label("Board").fill(ISSUER)
    page.get_by_label("State").select_option("CO")
    page.get_by_label("Roster format").select_option("colorado")


def test_staff_upload_a_roster_and_read_its_report(page, audit, screenshot, tmp_path):
    okafor = colorado_licence("Imani", "Okafor", "MT.0012345")
    colorado_licence("Louis", "Fernandez", "MT.0023456")
    log_in_as_verifier(page)

    page.goto("/staff/credentials/")
    page.get_by_role("link", name="Board roster imports").click()
    expect(page.get_by_role("heading", name="Board roster imports")).to_be_visible()
    page.get_by_role("link", name="Import a roster").first.click()

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Name,Number\nImani Okafor,MT.0012345\n", encoding="utf-8")
    fill_upload(page, wrong)
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_text("Nothing was uploaded.")).to_be_visible()
    expect(page.locator("#id_file_error")).to_contain_text("The file has no column")
    assert not RosterImport.objects.exists()
    audit(page, "roster upload with errors")
    screenshot(page, "roster-upload-errors")

    fill_upload(page, SAMPLE)
    page.get_by_role("button", name="Upload and import").click()

    queued = page.get_by_text("colorado_sample.csv is queued for import.")
    expect(queued).to_be_visible()
    expect(page.get_by_role("heading", name="Report")).to_be_visible()
    expect(page.locator(".roster-counts")).to_contain_text("Verified")
    expect(page.get_by_role("link", name="see them in the queue")).to_be_visible()
    expect(page.get_by_role("cell", name="no licence number")).to_be_visible()
    okafor.refresh_from_db()
    assert okafor.status == Credential.Status.VERIFIED
    audit(page, "roster import done")
    screenshot(page, "roster-import-done")

    page.get_by_role("link", name="Board rosters").click()
    expect(page.get_by_role("link", name=ISSUER)).to_be_visible()
    audit(page, "roster imports")
    screenshot(page, "roster-imports")


def test_running_import_page_follows_it_until_the_report(page, audit, screenshot):
    roster = make_import(status=RosterImport.Status.RUNNING, dry_run=False)
    RosterImport.objects.filter(pk=roster.pk).update(
        rows_done=6000, rows_total=14250, updated_at=timezone.now()
    )
    log_in_as_verifier(page)

    page.goto(f"/staff/credentials/rosters/{roster.pk}/")
    expect(page.get_by_text("6000 of 14250 rows")).to_be_visible()
    audit(page, "roster import running")
    screenshot(page, "roster-import-running")

    RosterImport.objects.filter(pk=roster.pk).update(rows_done=12000)
    expect(page.get_by_text("12000 of 14250 rows")).to_be_visible()
    assert page.locator("progress").evaluate("bar => bar.value") == 12000

    RosterImport.objects.filter(pk=roster.pk).update(
        status=RosterImport.Status.DONE,
        rows_done=14250,
        counts=SAMPLE_COUNTS,
        finished_at=timezone.now(),
    )
    expect(page.get_by_role("heading", name="Report")).to_be_visible()
    expect(page.locator(".roster-counts")).to_contain_text(
        re.compile(r"Flagged for staff\s*3")
    )
