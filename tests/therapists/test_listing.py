"""The result cards' markup (therapists/templatetags/listing.py) and a page of
them (therapists.cards)."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from tests import factories
from therapists import cards
from therapists.filters import TherapistFilter
from therapists.models import Therapist
from therapists.search import search
from therapists.templatetags import listing

pytestmark = pytest.mark.django_db


def test_the_list_of_cards_is_each_card_in_order():
    for name in ("Ana Ruiz", "Ben Cole"):
        therapist = factories.make_therapist(display_name=name)
        factories.add_technique(therapist, "deep-tissue")
        factories.make_location(therapist, "10001")
        factories.make_review(therapist, rating=4)
    filterset = TherapistFilter(QueryDict("near=10001&technique=deep-tissue"))
    assert filterset.is_valid()
    searched = filterset.searched()
    params = filterset.params()

    with CaptureQueriesContext(connection) as first:
        shown = cards.page_of_cards(search(params, ready=False), searched)
    with CaptureQueriesContext(connection) as again:
        kept = cards.page_of_cards(search(params, ready=False), searched)

    therapists = search(params).page.object_list
    assert len(therapists) == 2
    assert (
        shown
        == kept
        == "".join(f"<li>{listing.result_card(t, searched)}</li>" for t in therapists)
    )
    for therapist in therapists:
        assert f'href="{therapist.get_absolute_url()}?near=10001"' in shown
    # The second time from the cache: no techniques, no locations.
    loads = (
        "FROM therapists_therapisttechnique l",
        "FROM therapists_practicelocation pl",
    )
    for load in loads:
        assert any(load in q["sql"] for q in first.captured_queries)
        assert not any(load in q["sql"] for q in again.captured_queries)


def test_a_profile_link_is_the_reversed_url():
    profile_url = listing.profile_url_maker()
    for slug in ("ana-ruiz", "ana_ruiz-2", "ANA"):
        therapist = Therapist(slug=slug)
        assert profile_url(therapist) == therapist.get_absolute_url()


@pytest.mark.parametrize("average", [0.0, 3.25, 4.449, 4.45, 4.46, 4.5, 4.96, 5.0])
def test_average_stars_are_the_stars_of_the_average(average):
    lit = int(average + 0.5)
    assert listing.average_stars(average) == listing.stars(
        lit, f"Rated {average:.1f} out of 5"
    )
