"""The state table: who regulates massage therapists where (FSMTB: licences in
most states, registration in Vermont, a voluntary certification in California,
nothing statewide in Kansas, Minnesota and Wyoming). Where the state issues no
massage licence, the profile says certification matters more."""

import html

import pytest

from tests import factories
from therapists import geocoding
from therapists.models import US_STATES
from verification import jurisdictions
from verification.jurisdictions import Regulation


@pytest.mark.parametrize(
    ("state", "licensed"),
    [
        ("KS", False),
        ("NY", True),
        ("ca", False),
        ("CO", True),
        ("wy", False),
        ("MN", False),
        # Vermont registers massage therapists (26 V.S.A. chapter 105).
        ("VT", True),
        ("vt", True),
        ("US", False),
        ("ZZ", False),
    ],
)
def test_licenses_massage_knows_which_states_issue_licences(state, licensed):
    assert jurisdictions.licenses_massage(state) is licensed


def test_the_table_covers_every_state_and_dc_once():
    assert list(jurisdictions.STATES) == [code for code, _ in US_STATES]
    assert {s.name for s in jurisdictions.STATES.values()} == {
        name for _, name in US_STATES
    }


def test_regulation_follows_fsmtb():
    by_kind = {}
    for state in jurisdictions.STATES.values():
        by_kind.setdefault(state.regulation, set()).add(state.code)
    assert by_kind[Regulation.REGISTRATION] == {"VT"}
    assert by_kind[Regulation.VOLUNTARY_CERTIFICATION] == {"CA"}
    assert by_kind[Regulation.NONE] == {"KS", "MN", "WY"}
    assert len(by_kind[Regulation.LICENCE]) == 46
    assert jurisdictions.NOT_LICENSING == {"CA", "KS", "MN", "WY"}


def test_every_state_with_a_credential_names_who_issues_it():
    for state in jurisdictions.STATES.values():
        assert bool(state.board) == (state.regulation != Regulation.NONE), state
        if state.regulation == Regulation.NONE:
            assert state.note and not state.lookup_url and not state.complaint_url


def test_every_link_is_an_https_address():
    for state in jurisdictions.STATES.values():
        for url in (state.board_url, state.lookup_url, state.complaint_url):
            assert url == "" or url.startswith("https://"), (state.code, url)


def test_every_state_city_is_a_place_the_search_finds_in_that_state():
    for state in jurisdictions.STATES.values():
        assert state.city.endswith(f", {state.code}")
        geocoding.geocode(state.city)


def test_vermont_note_says_registration_is_not_a_licence():
    note = jurisdictions.licence_note("vt")

    assert "Vermont registers massage therapists rather than licensing them" in note
    assert "no set training or exam" in note


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
