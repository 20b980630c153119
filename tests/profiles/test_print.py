"""A profile on paper for a client's doctor (issue 15, item 2): what anyone may
see of a published profile, nothing about the person printing it, and the
public profile's address."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


def print_url(therapist) -> str:
    return reverse("profiles:print", kwargs={"slug": therapist.slug})


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def dana(therapist):
    """Everything a printed profile shows: a practice, a verified licence,
    techniques, a condition and reviews."""
    factories.make_location(therapist, "10001", name="Midtown Back Clinic")
    factories.make_location(therapist, "11201", is_home_based=True)
    factories.add_technique(therapist, "deep-tissue")
    therapist.conditions.add(factories.condition("sciatica"))
    factories.make_credential(therapist, number="MT-424242")
    factories.make_review(therapist, rating=5)
    factories.make_review(therapist, rating=3)
    therapist.refresh_from_db()
    return therapist


def test_a_visitor_can_print_a_published_profile(client, dana):
    response = client.get(print_url(dana))
    html = page(response)
    assert response.status_code == 200
    assert '<h1 id="print-name" class="page-title">Dana Owner' in html
    # The practice at public precision: a street for a clinic, never for a home.
    assert "Midtown Back Clinic, 350 Fifth Avenue, New York, NY 10001" in html
    assert "Brooklyn, NY (home-based" in html
    assert html.count("350 Fifth Avenue") == 1
    # Credentials with how and when they were checked.
    credential = dana.credentials.get()
    assert "number MT-424242: verified" in html
    assert f"{credential.verification_summary}." in html
    assert "Holds our Verified badge" in html
    assert "Deep tissue" in html and "Sciatica" in html
    assert "4.0 out of 5</strong> from 2 reviews" in html
    assert '<th scope="row">3 stars</th><td>1</td><td>50%</td>' in html
    assert "From verified clients:</strong> 0 of 2 reviews (0%)" in html
    # Where to find it, and when it was printed.
    assert "http://testserver/therapists/dana-owner/" in html
    assert timezone.localdate().strftime("%B %-d, %Y") in html


def test_the_profile_links_to_its_page_for_a_doctor(client, dana):
    html = page(client.get(dana.get_absolute_url()))
    assert f'href="{print_url(dana)}">Print for my doctor</a>' in html


def test_the_print_page_has_print_and_copy_buttons_that_need_no_script(client, dana):
    html = page(client.get(print_url(dana)))
    assert (
        '<button type="button" class="button button--primary" data-print hidden>'
        in (html)
    )
    assert "use your browser&#x27;s Print command" in html or (
        "use your browser's Print command" in html
    )
    assert (
        '<input id="share-link" type="text" '
        'value="http://testserver/therapists/dana-owner/" readonly' in html
    )
    assert 'data-copy="share-link"' in html
    assert "js/share.js" in html


@pytest.mark.parametrize("viewer", ["anonymous", "owner", "staff"])
def test_an_unpublished_profile_has_no_print_page(client, viewer):
    draft = factories.make_therapist(is_published=False, slug="drew-draft")
    if viewer == "owner":
        client.force_login(draft.user)
    elif viewer == "staff":
        client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    assert client.get(print_url(draft)).status_code == 404
    # Nor does the draft's own page offer one.
    if viewer != "anonymous":
        assert "Print for my doctor" not in page(client.get(draft.get_absolute_url()))


def test_nothing_about_the_person_printing_reaches_the_page(client, dana):
    lee = factories.make_user(
        username="lee.park@example.org",
        email="lee.park@example.org",
        first_name="Leonora",
        last_name="Parkinson",
    )
    client.force_login(lee)
    client.post(reverse("shortlist:toggle", kwargs={"slug": dana.slug}))
    response = client.get(
        print_url(dana), {"near": "Brooklyn, NY", "condition": "sciatica"}
    )
    html = page(response)
    assert response.status_code == 200
    for personal in ["lee.park", "Leonora", "Parkinson", "near=", "mi from"]:
        assert personal not in html
    # The link is the bare public profile, whatever the address carried.
    assert 'value="http://testserver/therapists/dana-owner/"' in html
    assert "Remove from shortlist" not in html


def test_the_print_page_costs_a_fixed_number_of_queries(
    client, dana, django_assert_max_num_queries
):
    client.get(print_url(dana))  # warm the caches the profile also warms
    # The therapist, locations, techniques, conditions, credentials, and the
    # profile's own look-ups (taxonomies, recent negative reviews).
    with django_assert_max_num_queries(9) as captured:
        assert client.get(print_url(dana)).status_code == 200
    for _ in range(3):
        factories.make_review(dana)
        factories.make_credential(dana)
        factories.make_location(dana, "10001")
    with django_assert_max_num_queries(len(captured.captured_queries)):
        assert client.get(print_url(dana)).status_code == 200
