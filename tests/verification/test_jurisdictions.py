"""Where the state issues no massage licence, the profile says certification
matters more."""

import html

import pytest

from tests import factories
from verification import jurisdictions


@pytest.mark.parametrize(
    ("state", "licensed"),
    [("KS", False), ("NY", True), ("ca", False), ("CO", True), ("wy", False)],
)
def test_licenses_massage_knows_which_states_issue_licences(state, licensed):
    assert jurisdictions.licenses_massage(state) is licensed


def test_licence_note_is_empty_where_the_state_licenses():
    assert jurisdictions.licence_note("ny") == ""


def profile_text(client, therapist) -> str:
    return html.unescape(client.get(therapist.get_absolute_url()).content.decode())


@pytest.mark.django_db
def test_kansas_profile_says_certification_matters_more(client, therapist):
    factories.make_location(therapist, zip_code="66044")

    page = profile_text(client, therapist)

    assert "Kansas does not license massage therapists" in page
    assert "Look for board certification (NCBTMB)" in page


@pytest.mark.django_db
def test_california_profile_says_board_certification_counts_for_more(client, therapist):
    factories.make_location(therapist, zip_code="90210")

    page = profile_text(client, therapist)

    assert "California has no state licence" in page
    assert "Board certification (NCBTMB) counts for more here." in page


@pytest.mark.django_db
def test_new_york_profile_has_no_licence_note(client, therapist):
    factories.make_location(therapist, zip_code="10001")

    page = profile_text(client, therapist)

    assert "Dana Owner" in page
    assert "does not license massage therapists" not in page
    assert "NCBTMB" not in page


@pytest.mark.django_db
def test_therapist_in_new_york_and_kansas_gets_the_kansas_note_once(client, therapist):
    factories.make_location(therapist, zip_code="10001")
    factories.make_location(therapist, zip_code="66044")
    factories.make_location(therapist, zip_code="67202")

    page = profile_text(client, therapist)

    assert page.count("Kansas does not license massage therapists") == 1
