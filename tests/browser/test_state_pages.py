"""A client reads a licence's board status on a profile, follows it to the
state's page, and finds who licenses massage there, how to check a licence and
where to complain; every page passes axe at phone and desktop widths."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from verification.models import Credential


def checked_licence(name, slug, board_status, **fields):
    therapist = factories.make_therapist(display_name=name, slug=slug)
    factories.add_technique(therapist, "deep-tissue")
    factories.make_location(therapist, "80202")
    return factories.make_credential(
        therapist,
        issuer="Colorado Office of Massage Therapy Licensure",
        jurisdiction="CO",
        number=f"MT.{slug[:4].upper()}1",
        expires_on=timezone.localdate() + datetime.timedelta(days=400),
        board_status=board_status,
        board_source="Colorado roster (DORA open data)",
        board_checked_on=datetime.date(2026, 11, 20),
        **fields,
    )


def test_a_client_reads_the_board_status_and_the_colorado_page(page, audit, screenshot):
    active = checked_licence(
        "Rosa Active", "rosa-active", Credential.BoardStatus.ACTIVE
    )

    page.goto(active.therapist.get_absolute_url())

    expect(
        page.get_by_text(
            "Active, no public discipline, per the Colorado roster (DORA open "
            "data), checked Nov 20, 2026."
        )
    ).to_be_visible()
    expect(page.locator(".profile-hero .badge--verified")).to_be_visible()
    audit(page, "profile with board status")
    page.get_by_role("link", name="Colorado", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Massage therapy in Colorado"
    )
    expect(
        page.get_by_role("link", name="Look up a Colorado licence")
    ).to_have_attribute(
        "href", "https://apps.colorado.gov/dora/licensing/Lookup/LicenseLookup.aspx"
    )
    # The demo data lists others in Colorado too.
    expect(
        page.get_by_text(re.compile(r"We list \d+ therapists practising in Colorado"))
    ).to_be_visible()
    audit(page, "state page")
    screenshot(page, "state-co")

    page.get_by_role("button", name="Search within 50 miles").click()
    expect(page.get_by_role("link", name="Rosa Active")).to_be_visible()


def test_a_disciplined_licence_loses_the_badge_on_the_profile(page, audit, screenshot):
    disciplined = checked_licence(
        "Tom Probation",
        "tom-probation",
        Credential.BoardStatus.DISCIPLINED,
        roster_flag="Colorado roster: disciplinary action on record (Probation)",
    )

    page.goto(disciplined.therapist.get_absolute_url())

    expect(
        page.get_by_text("Public discipline on record: the Colorado")
    ).to_be_visible()
    expect(page.get_by_text("unless our staff review it")).to_be_visible()
    expect(page.locator(".profile-hero .badge--verified")).to_have_count(0)
    audit(page, "profile with public discipline")
    screenshot(page, "profile-discipline")


def test_the_state_index_and_the_states_without_a_licence(page, audit, screenshot):
    page.goto("/")
    page.get_by_role("link", name="Massage licensing by state").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Massage therapy licensing by state"
    )
    expect(page.get_by_role("row")).to_have_count(52)
    audit(page, "state index")
    screenshot(page, "states")

    for code, name in [("vt", "Vermont"), ("ks", "Kansas"), ("ca", "California")]:
        page.goto(f"/states/{code}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Massage therapy in {name}"
        )
        audit(page, f"state page {code}")
        screenshot(page, f"state-{code}")
