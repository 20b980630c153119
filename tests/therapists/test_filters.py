import pytest
from django.http import QueryDict

from tests import factories
from therapists.filters import TherapistFilter
from therapists.models import Therapist

pytestmark = pytest.mark.django_db


def run(query: str):
    filterset = TherapistFilter(
        QueryDict(query), queryset=Therapist.objects.published()
    )
    return filterset, ([t.slug for t in filterset.qs] if filterset.is_valid() else None)


@pytest.fixture
def people():
    """Three therapists who differ in every filterable way."""
    ana = factories.make_therapist(
        slug="ana",
        display_name="Ana Ruiz",
        gender="woman",
        session_price=90,
        offers_mobile_visits=True,
        wheelchair_accessible=True,
    )
    factories.add_technique(ana, "deep-tissue")
    factories.add_language(ana, "es")
    ana.conditions.add(factories.condition("sciatica"))
    factories.make_location(ana, "10001")
    factories.make_credential(ana)
    for rating in (5, 5, 4):
        factories.make_review(ana, rating=rating)

    ben = factories.make_therapist(
        slug="ben",
        display_name="Ben Cole",
        gender="man",
        session_price=160,
        accepting_new_clients=False,
    )
    factories.add_technique(ben, "trigger-point")
    ben.conditions.add(factories.condition("neck-pain"))
    factories.make_location(ben, "11201")
    factories.make_review(ben, rating=3)

    cy = factories.make_therapist(slug="cy", display_name="Cy Park", session_price=120)
    factories.add_technique(cy, "swedish")
    factories.make_location(cy, "90012")
    return ana, ben, cy


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"ana", "ben", "cy"}),
        ("q=ruiz", {"ana"}),
        ("near=10001", {"ana", "ben"}),
        ("near=10001&radius=1", {"ana"}),
        ("near=Los+Angeles,+CA", {"cy"}),
        ("technique=deep-tissue", {"ana"}),
        ("technique=deep-tissue&technique=trigger-point", {"ana", "ben"}),
        ("condition=neck-pain", {"ben"}),
        ("verified=on", {"ana"}),
        ("min_rating=4", {"ana"}),
        ("min_reviews=1", {"ana", "ben"}),
        ("min_reviews=2", {"ana"}),
        ("accepting=on", {"ana", "cy"}),
        ("max_price=120", {"ana", "cy"}),
        ("gender=man", {"ben"}),
        ("language=es", {"ana"}),
        ("mobile=on", {"ana"}),
        ("accessible=on", {"ana"}),
        ("near=10001&technique=deep-tissue&verified=on&accepting=on", {"ana"}),
        ("near=10001&technique=trigger-point&verified=on", set()),
    ],
)
def test_each_filter_narrows_the_results(people, query, expected):
    _, found = run(query)
    assert set(found) == expected


@pytest.mark.parametrize(
    ("query", "sort_first"),
    [
        ("sort=best", "ana"),
        ("sort=rating", "ana"),
        ("sort=reviews", "ana"),
        ("sort=price", "ana"),
        ("sort=experience", None),
        ("near=11201&radius=10&sort=distance", "ben"),
    ],
)
def test_sort_parameter_orders_results(people, query, sort_first):
    _, found = run(query)
    if sort_first:
        assert found[0] == sort_first
    assert len(found) == len(set(found))


def test_unchecked_checkbox_does_not_filter(people):
    _, found = run("verified=&accepting=")
    assert set(found) == {"ana", "ben", "cy"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("near=00000", "near", "We could not find “00000”"),
        ("near=Atlantis,+ZZ", "near", "We could not find"),
        ("radius=-3", "radius", "greater than or equal to 1"),
        ("radius=abc", "radius", "Enter a whole number"),
        ("radius=100000", "radius", "less than or equal to 250"),
        ("min_rating=abc", "min_rating", "Enter a number"),
        ("min_rating=9", "min_rating", "less than or equal to 5"),
        ("min_reviews=-1", "min_reviews", "greater than or equal to 0"),
        ("max_price=0", "max_price", "greater than or equal to 1"),
        ("technique=not-a-technique", "technique", "not one of the available choices"),
        ("condition=flu", "condition", "not one of the available choices"),
        ("gender=robot", "gender", "not one of the available choices"),
        ("language=xx", "language", "not one of the available choices"),
        ("sort=cheapest", "sort", "not one of the available choices"),
        ("sort=distance", "sort", "to sort by distance"),
        ("q=" + "x" * 101, "q", "at most 100 characters"),
    ],
)
def test_bad_input_is_a_form_error_on_its_field(people, query, field, message):
    filterset, found = run(query)
    assert found is None
    assert message in " ".join(filterset.form.errors[field])


def test_taxonomy_choices_cost_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        filterset = TherapistFilter(QueryDict(""), queryset=Therapist.objects.none())
        form = filterset.form
        assert ("deep-tissue", "Deep tissue massage") in form.fields[
            "technique"
        ].choices
        assert ("sciatica", "Sciatica") in form.fields["condition"].choices
