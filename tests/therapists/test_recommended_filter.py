"""The `recommended=on` search filter: therapists whom at least one verified
clinician recommends, alone, with other filters and near a place; its chip;
the card's "Recommended by N clinicians"; and what it costs."""

import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from recommendations import writing
from tests import factories
from therapists.filters import TherapistFilter
from therapists.models import Therapist
from verification import badges

pytestmark = pytest.mark.django_db

LIST_URL = reverse("therapists:list")


def found(query: str) -> list[str]:
    filterset = TherapistFilter(
        QueryDict(query), queryset=Therapist.objects.published()
    )
    assert filterset.is_valid()
    return sorted(t.slug for t in filterset.qs)


@pytest.fixture
def people():
    """Two recommended therapists (one in Manhattan, one in Los Angeles), one
    whose only recommendation was withdrawn, one never recommended."""
    made = {}
    for slug, zip_code in [
        ("nyc-recommended", "10001"),
        ("la-recommended", "90012"),
        ("withdrawn", "10001"),
        ("nobody", "10001"),
    ]:
        made[slug] = factories.make_therapist(slug=slug, display_name=slug.title())
        factories.make_location(made[slug], zip_code)
    clinician = factories.make_clinician()
    factories.make_recommendation(clinician, made["nyc-recommended"])
    factories.make_recommendation(clinician, made["la-recommended"])
    factories.make_recommendation(
        factories.make_clinician(display_name="Sam Ortiz, DPT"),
        made["nyc-recommended"],
    )
    writing.withdraw(
        recommendation=factories.make_recommendation(clinician, made["withdrawn"])
    )
    return made


def test_recommended_finds_only_therapists_a_verified_clinician_recommends(people):
    assert found("recommended=on") == ["la-recommended", "nyc-recommended"]
    assert found("") == sorted(people)


def test_recommended_works_with_near_and_other_filters(people):
    assert found("recommended=on&near=10001&radius=25") == ["nyc-recommended"]
    assert found("recommended=on&near=10001&radius=25&sort=distance") == [
        "nyc-recommended"
    ]
    assert found("recommended=on&q=la") == ["la-recommended"]


def test_a_lapsed_clinician_no_longer_makes_a_therapist_recommended(people):
    lone = factories.make_clinician(display_name="Dr. Lone")
    nobody = people["nobody"]
    factories.make_recommendation(lone, nobody)
    assert "nobody" in found("recommended=on")
    licence = lone.credentials.get()
    licence.status = licence.Status.EXPIRED
    licence.save()
    badges.clinicians_changed([lone.pk])
    assert "nobody" not in found("recommended=on")


def test_recommended_has_a_chip_that_removes_it(people):
    filterset = TherapistFilter(
        QueryDict("recommended=on&near=10001"), queryset=Therapist.objects.all()
    )
    assert filterset.is_valid()
    chips = [(chip.label, chip.query) for chip in filterset.active_filters()]
    assert chips == [("Recommended by a clinician", "?near=10001")]


def test_the_card_says_how_many_clinicians_recommend(client, people):
    response = client.get(LIST_URL, {"recommended": "on", "near": "10001"})
    html = response.content.decode()
    card = re.search(r'<article class="card result".*?</article>', html, re.S)
    assert "Recommended by 2 clinicians" in card.group(0)
    assert re.search(r'<input[^>]*name="recommended"[^>]*checked', html)
    la = client.get(LIST_URL, {"q": "La-Recommended"}).content.decode()
    assert "Recommended by 1 clinician<" in la
    nobody = client.get(LIST_URL, {"q": "Nobody"}).content.decode()
    assert "Recommended by 1 clinician" not in nobody
    assert 'class="facts__recommended"' not in nobody


def test_the_recommended_search_costs_no_more_queries_than_another_flag(
    client, people, django_assert_num_queries, django_assert_max_num_queries
):
    client.get(LIST_URL, {"near": "10001"})  # warm the ZIP index
    with django_assert_max_num_queries(5) as accepting:
        client.get(LIST_URL, {"near": "10001", "accepting": "on"})
    with django_assert_num_queries(len(accepting.captured_queries)):
        response = client.get(LIST_URL, {"near": "10001", "recommended": "on"})
    assert [t.slug for t in response.context["page_obj"].object_list] == [
        "nyc-recommended"
    ]
