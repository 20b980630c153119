"""A comparison on paper for a client's doctor (issue 15, item 2): the
therapists' public details, and a link that names the therapists alone: no
place, no shortlist, nothing of the client, not their questions or answers."""

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.shortlist.helpers import page

pytestmark = pytest.mark.django_db

PRINT_URL = reverse("shortlist:compare_print")
COMPARE_URL = reverse("shortlist:compare")


def share_link(response) -> str:
    (value,) = re.findall(
        r'<input id="share-link" type="text" value="([^"]+)"', page(response)
    )
    return html_lib.unescape(value)


def compared(therapist, n):
    factories.make_location(therapist, "10001")
    factories.add_technique(therapist, "deep-tissue", years=n + 2)
    therapist.conditions.add(factories.condition("sciatica"))
    factories.make_credential(therapist, number=f"MT-10{n}")
    factories.make_review(therapist, rating=4)
    therapist.refresh_from_db()
    return therapist


@pytest.fixture
def pair(therapist, other_therapist):
    return [compared(therapist, 1), compared(other_therapist, 2)]


def test_a_visitor_can_print_a_comparison(client, pair):
    response = client.get(PRINT_URL, {"t": ["dana-owner", "olive-other"]})
    html = page(response)
    assert response.status_code == 200
    assert '<h1 id="print-title" class="page-title">Dana Owner and Olive Other' in html
    assert '<th scope="col">Dana Owner</th><th scope="col">Olive Other</th>' in html
    assert "350 Fifth Avenue, New York, NY 10001" in html
    assert "number MT-101" in html and "number MT-102" in html
    assert "Deep tissue massage (3 years)" in html
    assert "Deep tissue massage (4 years)" in html
    assert "4.0 out of 5 from 1 review;" in html
    assert "http://testserver/therapists/dana-owner/" in html
    assert "http://testserver/therapists/olive-other/" in html
    assert timezone.localdate().strftime("%B %-d, %Y") in html


def test_its_link_names_the_therapists_alone(client, client_user, pair):
    client.force_login(client_user)
    response = client.get(
        PRINT_URL, {"t": ["olive-other", "dana-owner"], "near": "10001"}
    )
    link = urlsplit(share_link(response))
    assert link.path == COMPARE_URL
    assert parse_qs(link.query) == {"t": ["olive-other", "dana-owner"]}
    html = page(response)
    assert "10001" not in html.replace("NY 10001", "")  # only the practice's ZIP
    assert "miles" not in html


def test_nothing_of_the_client_reaches_the_page(client, pair):
    lee = factories.make_user(
        username="lee.park@example.org",
        email="lee.park@example.org",
        first_name="Leonora",
        last_name="Parkinson",
    )
    factories.make_interview(
        therapist=pair[0],
        client=lee,
        questions=["Do you treat my sciatica?"],
        answers=["Yes, every week."],
        status="accepted",
        answered_at=timezone.now(),
    )
    client.force_login(lee)
    # On the compare page Lee sees the answer; the page for a doctor does not.
    assert "Yes, every week." in page(
        client.get(COMPARE_URL, {"t": ["dana-owner", "olive-other"]})
    )
    html = page(client.get(PRINT_URL, {"t": ["dana-owner", "olive-other"]}))
    for personal in ["Yes, every week.", "my sciatica", "lee.park", "Leonora"]:
        assert personal not in html


def test_the_compare_page_links_to_it_without_the_place(client, pair):
    html = page(
        client.get(COMPARE_URL, {"t": ["dana-owner", "olive-other"], "near": "10001"})
    )
    assert (
        f'href="{PRINT_URL}?t=dana-owner&amp;t=olive-other">Print for my doctor</a>'
    ) in html


def test_an_unpublished_therapist_is_left_out(client, pair):
    factories.make_therapist(is_published=False, slug="drew-draft")
    html = page(client.get(PRINT_URL, {"t": ["dana-owner", "drew-draft"]}))
    assert "Choose at least two therapists to compare" in html
    assert "drew-draft" not in html
    html = page(
        client.get(PRINT_URL, {"t": ["dana-owner", "drew-draft", "olive-other"]})
    )
    assert "drew-draft" not in html
    assert "Dana Owner and Olive Other" in html


def test_the_print_page_costs_what_a_visitors_comparison_costs(
    client, client_user, pair, django_assert_num_queries
):
    more = [compared(factories.make_therapist(), n) for n in (3, 4)]
    slugs = [t.slug for t in pair + more]
    # The therapists, their locations, techniques, conditions and credentials.
    with django_assert_num_queries(5):
        assert client.get(PRINT_URL, {"t": slugs[:2]}).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(PRINT_URL, {"t": slugs}).status_code == 200
    # A member adds the session, their account and the nav's look-up, never
    # their answers.
    client.force_login(client_user)
    with django_assert_num_queries(8):
        assert client.get(PRINT_URL, {"t": slugs}).status_code == 200
