"""shortlist.comparison: which therapists a comparison holds, and the place."""

import pytest
from django.contrib.auth.models import AnonymousUser

from shortlist.comparison import (
    chosen_slugs,
    compare_therapists,
    find_place,
    shortlisted_slugs,
)
from tests import factories
from therapists.geocoding import PlaceNotFound


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("10001", "10001"),
        ("10001-4567", "10001"),
        ("brooklyn, ny", "Brooklyn, NY"),
        ("  New   York ,  NY ", "New York, NY"),
    ],
)
def test_find_place_names_it_no_finer_than_a_zip_code(typed, named):
    point, name = find_place(typed)
    assert name == named
    assert 40 < point.latitude < 41


@pytest.mark.parametrize("typed", ["", "   ", "Atlantis", "00000", "1" * 61])
def test_find_place_refuses_what_it_cannot_find(typed):
    with pytest.raises(PlaceNotFound):
        find_place(typed)


def test_chosen_slugs_are_stripped_and_unique_in_the_order_given():
    assert chosen_slugs([" b ", "a", "", "b", "  ", "c"]) == ["b", "a", "c"]


def test_chosen_slugs_drop_what_cannot_be_a_slug():
    junk = ["a\x00b", "../etc", "<b>", "ü", "x" * 141, "1 OR 1=1"]
    assert chosen_slugs([*junk, "dana-owner_2"]) == ["dana-owner_2"]


@pytest.mark.django_db
def test_shortlisted_slugs_keep_the_shortlist_order_and_skip_drafts():
    therapists = [factories.make_therapist(slug=f"s{n}") for n in range(6)]
    draft = factories.make_therapist(slug="draft", is_published=False)
    ids = [therapists[3].pk, draft.pk, *(t.pk for t in therapists[:3]), 99999]
    assert shortlisted_slugs(ids) == ["s3", "s0", "s1", "s2"]


@pytest.mark.django_db
def test_comparison_names_counts_and_share_query():
    for name in ("Ann", "Bo", "Cy"):
        factories.make_therapist(display_name=name, slug=name.lower())
    slugs = ["cy", "gone", "ann", "bo", "cy", "extra"]
    comparison = compare_therapists(slugs, "10001-4567", AnonymousUser())
    assert comparison.names == "Cy, Ann and Bo"
    assert comparison.asked == 5  # "cy" once
    assert comparison.over_limit == 1
    assert comparison.missing == 1  # "gone"
    assert comparison.place == "10001"
    assert comparison.share_query == "t=cy&t=ann&t=bo&near=10001"
