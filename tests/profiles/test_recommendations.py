"""The profile's "Recommended by clinicians" section: apart from the reviews,
who recommends and how they know the work, and the way in for a clinician."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations import writing
from tests import factories
from verification import badges

pytestmark = pytest.mark.django_db


def section(html: str, heading_id: str) -> str:
    """One card section of the profile, by its heading's id."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S
    )
    return match.group(0) if match else ""


def profile(client, therapist) -> str:
    return client.get(therapist.get_absolute_url()).content.decode()


def test_the_section_shows_who_recommends_and_how_they_know_the_work(client, therapist):
    factories.make_reviews(therapist, [5, 3])
    clinician = factories.make_clinician(
        display_name="Sam Ortiz, DPT",
        profession="physical_therapist",
        practice_name="Ortiz Physical Therapy",
        city="Boulder",
    )
    recommendation = factories.make_recommendation(
        clinician, therapist, statement="I send my sciatica patients to Dana."
    )
    html = profile(client, therapist)
    shown = section(html, "recommendations-heading")
    assert "Sam Ortiz, DPT" in shown
    assert "Physical therapist" in shown
    assert "Ortiz Physical Therapy, Boulder, CO" in shown
    assert "Licence verified in CO" in shown
    assert "I send my sciatica patients to Dana." in shown
    # The date in the site's time zone, as the page shows it (not UTC's).
    written_on = timezone.localtime(recommendation.created_at)
    assert written_on.strftime("%b %-d, %Y") in shown
    # Apart from the reviews, which say nothing of it.
    reviews = section(html, "reviews")
    assert reviews and "Sam Ortiz" not in reviews
    assert "stars" not in shown


def test_withdrawn_and_unverified_recommendations_are_not_shown(client, therapist):
    withdrawn = factories.make_recommendation(
        therapist=therapist, statement="Withdrawn words here."
    )
    writing.withdraw(recommendation=withdrawn)
    lapsed = factories.make_clinician(display_name="Dr. Lapsed")
    factories.make_recommendation(lapsed, therapist, statement="Lapsed words here.")
    licence = lapsed.credentials.get()
    licence.status = licence.Status.REJECTED
    licence.verified_at = None
    licence.save()
    badges.clinicians_changed([lapsed.pk])
    shown = section(profile(client, therapist), "recommendations-heading")
    assert "Withdrawn words" not in shown
    assert "Lapsed words" not in shown
    assert "No clinician has recommended Dana Owner yet." in shown


def recommend_link(therapist) -> str:
    return f'href="{reverse("recommendations:recommend", args=[therapist.slug])}"'


@pytest.mark.parametrize("who", ["anonymous", "client", "therapist", "staff"])
def test_only_clinicians_are_offered_to_recommend(client, therapist, who):
    if who == "client":
        client.force_login(factories.make_user())
    elif who == "therapist":
        client.force_login(therapist.user)
    elif who == "staff":
        client.force_login(factories.make_staff_user())
    assert recommend_link(therapist) not in profile(client, therapist)


def test_a_verified_clinician_is_offered_to_recommend(client, therapist):
    client.force_login(factories.make_clinician().user)
    assert recommend_link(therapist) in profile(client, therapist)


def test_an_unverified_clinician_is_told_why_they_cannot_yet(client, therapist):
    client.force_login(factories.make_clinician(verified=False).user)
    html = profile(client, therapist)
    assert recommend_link(therapist) not in html
    assert writing.NOT_VERIFIED in html


def test_a_clinician_who_recommends_is_pointed_to_withdrawing(client, therapist):
    recommendation = factories.make_recommendation(therapist=therapist)
    client.force_login(recommendation.clinician.user)
    html = profile(client, therapist)
    assert recommend_link(therapist) not in html
    assert "You recommend Dana Owner" in html


def test_recommendations_cost_one_query_whatever_their_number(
    client,
    therapist,
    django_assert_num_queries,
    django_assert_max_num_queries,
    page_cache_off,
):
    factories.make_location(therapist, "10001")
    url = therapist.get_absolute_url()
    client.get(url)  # warm the site mean
    # Five, and the page cache's version lookup.
    with django_assert_max_num_queries(6) as none:
        client.get(url)
    without = len(none.captured_queries)
    factories.make_recommendation(therapist=therapist)
    with django_assert_num_queries(without + 1):
        client.get(url)
    for n in range(3):
        factories.make_recommendation(
            factories.make_clinician(display_name=f"Dr. {n}"), therapist
        )
    with django_assert_num_queries(without + 1):
        assert "Dr. 2" in client.get(url).content.decode()


def test_what_a_clinician_is_offered_costs_no_query_more_than_for_a_client(
    client, therapist, django_assert_num_queries, django_assert_max_num_queries
):
    factories.make_location(therapist, "10001")
    url = therapist.get_absolute_url()
    client.force_login(factories.make_user())
    client.get(url)  # warm the site mean
    with django_assert_max_num_queries(9) as for_a_client:
        client.get(url)
    client_queries = len(for_a_client.captured_queries)
    recommendation = factories.make_recommendation(therapist=therapist)
    client.force_login(recommendation.clinician.user)
    client.get(url)
    # One query more for the recommendations now shown, none for the viewer.
    with django_assert_num_queries(client_queries + 1):
        assert "You recommend Dana Owner" in client.get(url).content.decode()
