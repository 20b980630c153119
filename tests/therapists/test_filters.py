import pytest
from django import forms
from django.http import QueryDict

from core.memo import Memo
from tests import factories
from therapists import filters
from therapists.filters import TherapistFilter
from therapists.models import Technique, Therapist

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
        ("near=" + "x" * 61, "near", "Enter a 5-digit ZIP code or a city and state"),
        ("radius=-3", "radius", "Enter a radius between 1 and 250 miles."),
        ("radius=abc", "radius", "Enter a radius between 1 and 250 miles."),
        ("radius=2.5", "radius", "Enter a radius between 1 and 250 miles."),
        ("radius=100000", "radius", "Enter a radius between 1 and 250 miles."),
        ("min_rating=abc", "min_rating", "Enter a rating between 1 and 5 stars."),
        ("min_rating=9", "min_rating", "Enter a rating between 1 and 5 stars."),
        ("min_rating=0", "min_rating", "Enter a rating between 1 and 5 stars."),
        ("min_reviews=-1", "min_reviews", "Enter a whole number of reviews"),
        ("min_reviews=1.5", "min_reviews", "Enter a whole number of reviews"),
        ("max_price=0", "max_price", "Enter a price in dollars between 1 and"),
        ("max_price=lots", "max_price", "Enter a price in dollars between 1 and"),
        ("technique=not-a-technique", "technique", "Choose techniques from the list."),
        ("condition=flu", "condition", "Choose what hurts from the list."),
        ("gender=robot", "gender", "Choose a gender from the list, or Any."),
        ("language=xx", "language", "Choose a language from the list, or Any."),
        ("sort=cheapest", "sort", "Choose an order from the list."),
        ("sort=distance", "sort", "to sort by distance"),
        ("q=" + "x" * 101, "q", "Use 100 characters or fewer (this has 101)."),
    ],
)
def test_bad_input_is_a_form_error_on_its_field(people, query, field, message):
    filterset, found = run(query)
    assert found is None
    assert message in " ".join(filterset.form.errors[field])


@pytest.mark.parametrize(
    "query",
    [
        "radius=-3",
        "radius=abc",
        "min_rating=abc",
        "min_rating=9",
        "min_reviews=-1",
        "min_reviews=1.5",
        "max_price=0",
        "max_price=99999999999",
        "technique=flu",
        "condition=flu",
        "gender=robot",
        "language=xx",
        "sort=cheapest",
        "q=" + "x" * 101,
        "near=" + "x" * 61,
    ],
)
def test_no_message_is_djangos_stock_wording(people, query):
    filterset, _ = run(query)
    messages = " ".join(m for ms in filterset.form.errors.values() for m in ms)
    assert messages
    for stock in ("Ensure ", "Select a valid choice", "Enter a number", "Enter a list"):
        assert stock not in messages


def test_fields_are_in_the_order_of_the_page():
    filterset = TherapistFilter(QueryDict(""), queryset=Therapist.objects.none())
    assert list(filterset.form.fields) == [
        "q",
        "near",
        "radius",
        "condition",
        "technique",
        "verified",
        "recommended",
        "accepting",
        "mobile",
        "accessible",
        "access",
        "hours",
        "gentle",
        "min_rating",
        "min_verified_rating",
        "min_reviews",
        "length",
        "max_price",
        "payment",
        "gender",
        "language",
        "sort",
    ]


def test_taxonomy_choices_cost_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        filterset = TherapistFilter(QueryDict(""), queryset=Therapist.objects.none())
        form = filterset.form
        assert ("deep-tissue", "Deep tissue massage") in form.fields[
            "technique"
        ].choices
        assert ("sciatica", "Sciatica") in form.fields["condition"].choices


def chips(query: str):
    filterset, _ = run(query)
    return filterset.active_filters()


def test_active_filters_name_each_value_in_the_panels_order(people):
    query = (
        "q=ruiz&near=10001&radius=&technique=trigger-point&technique=deep-tissue"
        "&verified=on&accepting=on&mobile=on&accessible=on&min_rating=4.50"
        "&min_reviews=1&max_price=120&gender=non_binary&language=es"
        "&condition=sciatica&sort=price&page=3"
    )
    assert [chip.label for chip in chips(query)] == [
        "“ruiz”",
        "Sciatica",
        "Trigger point therapy",
        "Deep tissue massage",
        "Verified licence",
        "Accepting new clients",
        "Home visits",
        "Step-free entrance",
        "Rated 4.5 or more",
        "At least 1 review",
        "Up to $120",
        "Non-binary therapist",
        "Speaks Spanish",
    ]


def test_an_active_filter_links_to_the_same_search_without_it(people):
    query = (
        "near=10001&radius=&technique=deep-tissue&technique=trigger-point"
        "&verified=on&sort=rating&page=2"
    )
    found = {chip.label: QueryDict(chip.query.lstrip("?")) for chip in chips(query)}
    without_deep_tissue = found["Deep tissue massage"]
    assert without_deep_tissue.getlist("technique") == ["trigger-point"]
    assert without_deep_tissue["verified"] == "on"
    assert without_deep_tissue["near"] == "10001"
    assert without_deep_tissue["sort"] == "rating"
    # From the first page, and empty fields stay out of the link.
    assert "page" not in without_deep_tissue
    assert "radius" not in without_deep_tissue
    without_verified = found["Verified licence"]
    assert "verified" not in without_verified
    assert without_verified.getlist("technique") == ["deep-tissue", "trigger-point"]


def test_the_last_filter_removed_leaves_the_place_and_the_sort(people):
    (chip,) = chips("near=10001&verified=on&sort=distance")
    assert chip.query == "?near=10001&sort=distance"
    (chip,) = chips("verified=on")
    assert chip.query == ""


@pytest.mark.parametrize("query", ["", "near=10001", "sort=price&radius=30&page=2"])
def test_a_search_without_filters_has_no_chips(people, query):
    assert chips(query) == []


def suggestions(query: str):
    filterset, found = run(query)
    assert found == [], "a suggestion is only for a search that found nobody"
    return filterset.suggestions()


def test_suggestions_widen_the_radius_and_drop_a_filter_with_real_counts(people):
    # Ben (trigger point) practises in Brooklyn, about 4 miles from 10001.
    offered = suggestions("near=10001&radius=1&technique=trigger-point&sort=rating")
    assert [(s.label, s.count_label) for s in offered] == [
        ("Widen to 10 miles", "1 therapist"),
        ("Without “Trigger point therapy”", "1 therapist"),
    ]
    widen, without = (QueryDict(s.query.lstrip("?")) for s in offered)
    assert widen["radius"] == "10" and widen["technique"] == "trigger-point"
    assert widen["sort"] == "rating"
    assert "technique" not in without and without["radius"] == "1"
    # Following a suggestion finds what it said.
    assert run(offered[0].query.lstrip("?"))[1] == ["ben"]
    assert run(offered[1].query.lstrip("?"))[1] == ["ana"]


def test_a_filter_with_several_values_is_dropped_whole(people):
    offered = suggestions(
        "near=10001&radius=1&technique=trigger-point&technique=swedish&verified=on"
    )
    # Nobody verified offers them within 25 miles either: no wider radius.
    assert [(s.label, s.count_label) for s in offered] == [
        ("Any technique", "1 therapist")
    ]


def test_each_filter_is_tried_without_the_others_being_dropped(people):
    # Ben is a man without a verified licence; Ana is verified.
    offered = suggestions("near=10001&radius=10&gender=man&verified=on")
    assert [s.label for s in offered] == [
        "Without “Verified licence”",
        "Without “Man therapist”",
    ]


def test_no_suggestion_finds_nobody(people):
    # Cy, alone in Los Angeles, offers neither deep tissue nor a verified licence.
    assert suggestions("near=90012&radius=1&technique=deep-tissue&verified=on") == []


def test_suggestions_cost_a_bounded_number_of_queries(
    people, django_assert_max_num_queries
):
    filterset, found = run(
        "q=nobody&near=10001&radius=1&technique=swedish&condition=neck-pain"
        "&verified=on&accepting=on&mobile=on&accessible=on&min_rating=5"
        "&min_reviews=9&max_price=10&gender=man&language=fr"
    )
    assert found == []
    limit = filters.RADII_TRIED + filters.FILTERS_TRIED
    with django_assert_max_num_queries(limit):
        filterset.suggestions()


def test_searched_says_what_the_cards_mark(people):
    filterset, _ = run(
        "near=Brooklyn,++NY&technique=deep-tissue&condition=sciatica"
        "&condition=neck-pain"
    )
    searched = filterset.searched()
    assert searched.techniques == {"deep-tissue"}
    assert searched.conditions == ("Neck pain", "Sciatica")
    assert searched.place == "Brooklyn, NY"
    assert searched.profile_query == "?near=Brooklyn%2C+NY"
    assert run("technique=swedish")[0].searched().profile_query == ""


def test_the_radius_widens_until_someone_is_found(people):
    far = factories.make_therapist(slug="far")
    factories.add_technique(far, "prenatal")
    factories.make_location(far, "07081")  # Springfield, NJ: about 17 miles
    offered = suggestions("near=10001&radius=5&technique=prenatal")
    assert [(s.label, s.count_label) for s in offered][0] == (
        "Widen to 25 miles",
        "1 therapist",
    )


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "1 therapist"), (2, "2 therapists"), (1000, "1,000 therapists")],
)
def test_counts_in_words_stop_at_the_cap(count, words):
    assert filters.therapists_found(count) == words
    assert filters.therapists_found(1001) == "1,000+ therapists"


# --- what is built once per process -------------------------------------------


def test_a_technique_added_later_is_offered_and_accepted_at_once():
    assert not TherapistFilter(QueryDict("technique=cupping")).is_valid()

    Technique.objects.create(name="Cupping", slug="cupping")

    filterset = TherapistFilter(QueryDict("technique=cupping"))
    assert filterset.is_valid()
    assert "Cupping" in filterset.form.filter_fields
    assert "cupping" in filterset.technique_ids


def test_forms_share_their_fields_but_not_their_values_or_errors():
    first = TherapistFilter(QueryDict("radius=10&gender=woman"))
    second = TherapistFilter(QueryDict("radius=-3&gender=man"))
    assert first.is_valid() and not second.is_valid()
    assert first.form.fields["radius"] is second.form.fields["radius"]

    mine, theirs = first.form.main_fields, second.form.main_fields
    assert 'value="10"' in mine and 'aria-invalid="true"' not in mine
    assert 'value="-3"' in theirs and 'aria-invalid="true"' in theirs
    assert '<option value="woman" selected>' in first.form.filter_fields
    assert '<option value="man" selected>' in second.form.filter_fields
    # The first form, rendered again after the second, is unchanged.
    assert first.form.main_fields == mine


def test_a_remembered_widget_is_the_widget_django_renders():
    form = TherapistFilter(QueryDict("near=Austin,+TX&radius=30&language=es")).form
    form.is_valid()
    for name in ("q", "near", "radius", "language", "verified", "sort"):
        bound = form[name]
        expected = forms.BoundField.as_widget(bound)
        assert str(bound) == expected, name
        assert str(bound) == expected, name  # and again, remembered


PARTS = {
    "main_fields": "therapists/search/main.html",
    "filter_fields": "therapists/search/filters.html",
    "sort_field": "therapists/search/sort.html",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        None,
        "near=10001&technique=deep-tissue&access=parking&hours=evenings",
        "condition=sciatica&min_rating=4&length=90&payment=cash&language=es",
        "min_rating=abc&technique=flu&radius=-3&sort=cheapest",  # errors
        "accessible=on&gentle=on&verified=on",
    ],
)
def test_a_remembered_part_of_the_form_is_the_part_rendered_now(query, monkeypatch):
    def form():
        filterset = TherapistFilter(QueryDict(query) if query else None)
        filterset.is_valid() if filterset.is_bound else None
        return filterset.form

    monkeypatch.setattr(filters, "_PARTS", Memo(at_most=200))
    first = {part: getattr(form(), part) for part in PARTS}
    for part, template in PARTS.items():
        fresh = form()
        assert getattr(fresh, part) == first[part]
        assert fresh.render(template, {"form": fresh}) == first[part]
    assert len(filters._PARTS) == len(PARTS)


@pytest.mark.django_db
def test_each_state_of_the_form_has_its_own_markup(monkeypatch):
    monkeypatch.setattr(filters, "_PARTS", Memo(at_most=200))
    panels = set()
    for query in ("technique=deep-tissue", "technique=swedish", "min_rating=abc"):
        filterset = TherapistFilter(QueryDict(query))
        filterset.is_valid()
        panels.add(filterset.form.filter_fields)
    assert len(panels) == 3


@pytest.mark.django_db
def test_the_remembered_parts_are_bounded(monkeypatch):
    monkeypatch.setattr(filters, "_PARTS", Memo(at_most=5))
    for n in range(12):
        filterset = TherapistFilter(QueryDict(f"q=word{n}"))
        filterset.is_valid()
        assert f"word{n}" in filterset.form.main_fields
    assert len(filters._PARTS) <= 5
