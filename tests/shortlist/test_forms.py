"""CompareForm: two to four of the person's own shortlist, and a known place."""

import pytest

from shortlist.forms import CompareForm
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortlist():
    return [factories.make_therapist(slug=f"p{n}") for n in range(5)]


def form(shortlist, slugs, near=""):
    return CompareForm({"t": slugs, "near": near}, therapists=shortlist)


@pytest.mark.parametrize(
    ("slugs", "code"),
    [
        ([], "required"),
        (["p0"], "too_few"),
        (["p0", "p0"], "too_few"),
        (["p0", "p1", "p2", "p3", "p4"], "too_many"),
        (["p0", "stranger"], "invalid_choice"),
    ],
)
def test_wrong_choices_are_refused_with_their_reason(shortlist, slugs, code):
    compare = form(shortlist, slugs)
    assert not compare.is_valid()
    assert compare.has_error("t", code)


def test_a_good_choice_gives_the_comparison_query(shortlist):
    compare = form(shortlist, ["p3", "p1", "p3"], near="brooklyn, ny")
    assert compare.is_valid(), compare.errors
    assert compare.query() == "t=p3&t=p1&near=Brooklyn%2C+NY"


@pytest.mark.parametrize(
    ("near", "code"),
    [
        ("Atlantis", "unknown_place"),
        ("1" * 61, "max_length"),
        ("100\x0001", "null_characters_not_allowed"),
    ],
)
def test_an_unknown_place_is_refused_in_plain_words(shortlist, near, code):
    compare = form(shortlist, ["p0", "p1"], near=near)
    assert not compare.is_valid()
    assert compare.has_error("near", code)
    assert "ZIP code" in compare.errors["near"][0]


def test_a_nul_character_in_a_choice_is_just_not_on_the_shortlist(shortlist):
    compare = form(shortlist, ["p0", "p1\x00"])
    assert compare.has_error("t", "invalid_choice")


def test_picks_pair_each_checkbox_with_its_therapist(shortlist):
    picks = CompareForm(therapists=shortlist).picks()
    assert [(c.data["value"], t.slug) for c, t in picks] == [
        (t.slug, t.slug) for t in shortlist
    ]
