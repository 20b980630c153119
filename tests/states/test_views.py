"""The state pages: who regulates massage therapists in each state, the
board's licence lookup and complaint process, the therapists listed there and
what the badge means there; one query a page."""

import html
import re

import pytest
from django.urls import reverse

from tests import factories
from verification import jurisdictions
from verification.jurisdictions import Regulation

pytestmark = pytest.mark.django_db

LIST_URL = reverse("states:index")


def raw(response) -> str:
    """The page's HTML, on one line."""
    return " ".join(html.unescape(response.content.decode()).split())


def text(response) -> str:
    """What the page says, without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", raw(response)).split())


def state_url(code: str) -> str:
    return reverse("states:detail", args=[code.lower()])


@pytest.mark.parametrize("code", list(jurisdictions.STATES))
def test_every_state_page_renders_with_its_board_and_links(client, code):
    state = jurisdictions.STATES[code]

    response = client.get(state_url(code))

    assert response.status_code == 200
    page, markup = text(response), raw(response)
    assert f"Massage therapy in {state.name}" in page
    assert f"What our Verified badge means in {state.name}" in page
    for url in (state.board_url, state.lookup_url, state.complaint_url):
        if url:
            assert f'href="{url}"' in markup
    if state.board:
        assert state.board in page
        assert "Make a complaint" in page
    if not state.lookup_url and state.regulation != Regulation.NONE:
        assert f"Search for “{state.lookup_words}” on {state.site_owner}'s site" in page
    if state.note:
        assert state.note in page
    # The search form starts near a place in the state.
    assert f'name="near" value="{state.city}"' in markup


def test_a_licensing_state_says_a_certification_alone_does_not_earn_the_badge(client):
    response = client.get(state_url("CO"))
    page = text(response)

    assert "requires massage therapists to hold a state licence" in page
    assert "Colorado Office of Massage Therapy Licensure" in page
    assert (
        'href="https://apps.colorado.gov/dora/licensing/Lookup/LicenseLookup.aspx"'
        in raw(response)
    )
    assert "A national board certification alone does not earn it here" in page


def test_vermont_says_registration_is_not_a_licence(client):
    response = client.get(state_url("VT"))
    page = text(response)

    assert "register with the Vermont Office of Professional Regulation" in page
    assert "Registration is not a licence" in page
    assert "current Vermont registration" in page
    complaints = 'href="https://sos.vermont.gov/opr/complaints-conduct-discipline/"'
    assert complaints in raw(response)


@pytest.mark.parametrize("code", ["KS", "MN", "WY"])
def test_a_state_without_a_licence_points_to_board_certification(client, code):
    response = client.get(state_url(code))
    page = text(response)

    assert "has no state licence for massage therapists" in page
    assert jurisdictions.STATES[code].note in page  # where to turn instead
    assert "Make a complaint" not in page
    assert "current national board certification" in page
    assert f'href="{jurisdictions.NCBTMB_URL}"' in raw(response)


def test_california_explains_the_voluntary_certification(client):
    page = text(client.get(state_url("CA")))

    assert "California Massage Therapy Council (CAMTC) offers a voluntary" in page
    assert "does not earn the badge on its own" in page


def test_a_board_we_have_no_address_for_is_named_without_a_guessed_link(client):
    response = client.get(state_url("LA"))
    page = text(response)

    assert "Louisiana Board of Massage Therapy" in page
    assert "we link no address we are not sure of" in page
    assert f'href="{jurisdictions.FSMTB_BOARDS_URL}"' in raw(response)


@pytest.mark.parametrize("code", ["zz", "us", "colorado", "c"])
def test_unknown_codes_are_404(client, code):
    assert client.get(f"/states/{code}/").status_code == 404


def test_a_code_in_capitals_redirects_to_the_page(client):
    response = client.get("/states/CO/")

    assert response.status_code == 301
    assert response.url == "/states/co/"


def test_state_page_counts_listed_therapists_and_badges_there(client):
    verified = factories.make_therapist()
    factories.make_location(verified, "80202")
    factories.make_location(verified, "80302")  # two locations, one therapist
    factories.make_credential(verified, jurisdiction="CO", issuer="Colorado board")
    unverified = factories.make_therapist()
    factories.make_location(unverified, "80202")
    draft = factories.make_therapist(is_published=False)
    factories.make_location(draft, "80202")
    elsewhere = factories.make_therapist()
    factories.make_location(elsewhere, "10001")

    page = text(client.get(state_url("CO")))

    assert (
        "We list 2 therapists practising in Colorado; 1 of them holds the "
        "Verified badge." in page
    )


def test_a_state_with_nobody_listed_says_so(client):
    assert "We list no therapists practising in Wyoming yet." in text(
        client.get(state_url("WY"))
    )


def test_the_search_form_searches_the_therapist_list(client):
    page = client.get(state_url("CO")).content.decode()

    form = re.search(r'<form method="get" action="([^"]+)"', page)
    assert form.group(1) == reverse("therapists:list")
    assert (
        client.get(form.group(1), {"near": "Denver, CO", "radius": 50}).status_code
        == 200
    )


def test_state_page_runs_one_query(client, django_assert_num_queries):
    for zip_code in ("80202", "80302", "10001"):
        therapist = factories.make_therapist()
        factories.make_location(therapist, zip_code)

    with django_assert_num_queries(1):
        assert client.get(state_url("CO")).status_code == 200


def test_state_list_links_every_state_with_its_counts_in_one_query(
    client, django_assert_num_queries
):
    for zip_code in ("80202", "80302", "10001", "66044"):
        therapist = factories.make_therapist()
        factories.make_location(therapist, zip_code)

    with django_assert_num_queries(1):
        response = client.get(LIST_URL)

    page = raw(response)
    for state in jurisdictions.STATES.values():
        assert f'<a href="{state_url(state.code)}">{state.name}</a>' in page
    row = re.search(r">Colorado</a></th> <td>([^<]*)</td> <td>(\d+)", page)
    assert row.groups() == ("Licence required", "2")
    assert re.search(r">Vermont</a></th> <td>Registration required</td>", page)
    assert re.search(r">Kansas</a></th> <td>No state licence</td> <td>1 ", page)


def test_footer_and_how_we_rank_link_the_state_pages(client):
    assert f'href="{LIST_URL}"' in client.get("/").content.decode()
    assert f'href="{LIST_URL}"' in client.get(reverse("how-we-rank")).content.decode()


def test_profile_links_the_state_page_of_each_practice_state(client):
    therapist = factories.make_therapist(display_name="Dana Owner")
    factories.make_location(therapist, "80202")
    factories.make_location(therapist, "66044")
    factories.make_location(therapist, "80302")

    page = raw(client.get(therapist.get_absolute_url()))

    links = re.findall(r'href="(/states/[a-z]{2}/)">(\w+)</a>', page)
    assert links == [("/states/co/", "Colorado"), ("/states/ks/", "Kansas")]
