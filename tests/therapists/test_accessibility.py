"""Accessibility as a checklist (issue 16, item 3): the `access` search
parameter (all ticked items must hold), `accessible=on` (= step-free entrance),
the old flag's migration, the dashboard form and where the checklist shows."""

import datetime
import re
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from tests import budgets, factories
from therapists import accessibility, search
from therapists.accessibility import ITEMS
from therapists.export import profile_data
from therapists.filters import TherapistFilter
from therapists.management.commands.explain_search import (
    SHAPES,
    plan_lines,
    problems_in,
)
from therapists.models import Therapist

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("therapists:list")


def run(query: str):
    filterset = TherapistFilter(
        QueryDict(query), queryset=Therapist.objects.published()
    )
    return filterset, ([t.slug for t in filterset.qs] if filterset.is_valid() else None)


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def places():
    """One therapist per item stating only that item, near 10001; "most"
    states all but the last item, also near 10001; "far" states every item
    in Los Angeles; "none" states nothing."""
    for item in ITEMS:
        therapist = factories.make_therapist(
            slug=f"only-{item.code}", access_bits=item.bit
        )
        factories.make_location(therapist, "10001")
    most = factories.make_therapist(
        slug="most",
        access_bits=accessibility.mask_of(c for c, _ in accessibility.CHOICES[:-1]),
    )
    factories.make_location(most, "10001")
    far = factories.make_therapist(slug="far", access_bits=accessibility.ALL_BITS)
    factories.make_location(far, "90012")
    none = factories.make_therapist(slug="none")
    factories.make_location(none, "10001")


# --- the list ---------------------------------------------------------------------


def test_every_item_has_a_unique_code_bit_and_words():
    assert len({item.code for item in ITEMS}) == len(ITEMS) == 9
    assert len({item.bit for item in ITEMS}) == len(ITEMS)
    assert all(item.bit & (item.bit - 1) == 0 for item in ITEMS)  # one bit each
    assert all(item.label and item.description and item.hsds for item in ITEMS)
    # Frozen in migration 0015, which must not import this module.
    migration = import_module("therapists.migrations.0015_accessibility")
    assert accessibility.BY_CODE["step-free"].bit == migration.STEP_FREE
    assert (
        accessibility.BY_CODE["ground-floor-or-lift"].bit
        == migration.GROUND_FLOOR_OR_LIFT
    )


def test_codes_and_masks_round_trip():
    codes = ["step-free", "scent-free", "service-animals"]
    assert accessibility.codes_of(accessibility.mask_of(codes)) == codes
    assert accessibility.codes_of(0) == []


def test_the_checklist_splits_stated_from_not_stated():
    checklist = accessibility.checklist(accessibility.mask_of(["parking"]))
    assert [item.code for item in checklist.stated] == ["parking"]
    assert len(checklist.not_stated) == 8
    assert checklist.not_stated_words.startswith("step-free entrance, ground floor")
    assert checklist.not_stated_words.endswith(" and service animals welcome")


# --- search ---------------------------------------------------------------------


@pytest.mark.parametrize("code", [item.code for item in ITEMS])
def test_each_code_filters_on_its_item(places, code):
    _, found = run(f"access={code}")
    expected = {f"only-{code}", "far"} | ({"most"} if code != ITEMS[-1].code else set())
    assert set(found) == expected


@pytest.mark.parametrize("code", [item.code for item in ITEMS])
def test_each_code_filters_near_a_place(places, code):
    _, found = run(f"access={code}&near=10001&radius=25")
    expected = {f"only-{code}"} | ({"most"} if code != ITEMS[-1].code else set())
    assert set(found) == expected


def test_several_items_must_all_hold(places):
    _, found = run("access=step-free&access=scent-free&access=adjustable-table")
    assert set(found) == {"most", "far"}
    _, found = run("access=step-free&access=service-animals")
    assert set(found) == {"far"}
    _, found = run("access=step-free&access=service-animals&near=10001")
    assert found == []


@pytest.mark.parametrize("sort", ["best", "rating", "reviews", "price", "distance"])
def test_access_works_with_every_sort(places, sort):
    _, found = run(f"access=parking&access=transit&sort={sort}&near=10001")
    assert set(found) == {"most"}


def test_accessible_on_still_means_a_step_free_entrance(places):
    _, old = run("accessible=on")
    _, new = run("access=step-free")
    assert sorted(old) == sorted(new) == ["far", "most", "only-step-free"]
    _, both = run("accessible=on&access=parking&near=10001")
    assert both == ["most"]


def test_the_queryset_method_reads_the_bits(places):
    found = Therapist.objects.accessible_by(["transit", "parking"])
    assert set(found.values_list("slug", flat=True)) == {"most", "far"}
    assert Therapist.objects.accessible_by([]).count() == Therapist.objects.count()


@pytest.mark.parametrize(
    "query",
    ["access=stairs", "access=step-free&access=nope", "access=", "access=STEP-FREE"],
)
def test_a_bad_value_is_a_plain_error_on_its_field(places, query):
    filterset, found = run(query)
    assert found is None
    assert filterset.form.errors["access"] == [
        "Choose accessibility items from the list."
    ]


def test_a_bad_value_on_the_page_is_shown_next_to_the_field_never_a_500(client, places):
    response = client.get(SEARCH_URL + "?access=lift&access=step-free")
    assert response.status_code == 200
    assert "Choose accessibility items from the list." in text_of(response)
    assert 'id="id_access_error"' in response.content.decode()


def test_one_chip_per_item_each_removing_only_itself(places):
    filterset, _ = run("access=step-free&access=scent-free&mobile=on")
    chips = {chip.label: chip.query for chip in filterset.active_filters()}
    assert list(chips) == ["Home visits", "Step-free entrance", "Scent-free room"]
    without = QueryDict(chips["Step-free entrance"].lstrip("?"))
    assert without.getlist("access") == ["scent-free"]
    assert without["mobile"] == "on"


def test_accessible_on_has_a_step_free_chip(places):
    filterset, _ = run("accessible=on")
    assert [chip.label for chip in filterset.active_filters()] == ["Step-free entrance"]


def test_the_filter_panel_offers_the_checklist_and_keeps_old_links_ticked(
    client, places
):
    page = client.get(SEARCH_URL + "?access=scent-free").content.decode()
    assert "<legend>Accessibility (all ticked must hold)</legend>" in page
    for item in ITEMS:
        assert f'value="{item.code}"' in page
    assert re.search(r'value="scent-free" id="id_access_\d+" checked', page)
    # An old ?accessible=on link shows step-free ticked, so the panel sends it on.
    page = client.get(SEARCH_URL + "?accessible=on").content.decode()
    assert re.search(r'name="access" value="step-free" id="id_access_0" checked', page)


def test_the_search_stays_within_five_queries(
    client, places, django_assert_max_num_queries
):
    client.get(SEARCH_URL)  # warm the caches the page keeps
    for query in (
        "?access=step-free&access=parking",
        "?access=step-free&access=parking&near=10001&radius=25",
        "?accessible=on&near=10001&sort=distance",
    ):
        with django_assert_max_num_queries(budgets.SEARCH_PAGE):
            response = client.get(SEARCH_URL + query)
        assert response.status_code == 200


def test_explain_search_covers_the_parameter():
    assert any("access=" in shape and "near=" in shape for shape in SHAPES)
    assert any("access=" in shape and "near=" not in shape for shape in SHAPES)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite plans")
@pytest.mark.parametrize(
    "query",
    [shape for shape in SHAPES if "access=" in shape]
    + ["access=step-free&sort=best", "accessible=on&sort=price"],
)
def test_the_filter_never_scans_the_table(places, query):
    filterset, _ = run(query)
    assert filterset.is_valid()
    results = search.search(filterset.params(), 1)
    sql, params = results.page.object_list.query.sql_with_params()
    lines = plan_lines(sql, params)
    assert problems_in(lines) == []
    assert any("USING" in line for line in lines)  # an index leads the plan


def test_the_card_names_the_searched_items_first(client, places):
    text = text_of(client.get(SEARCH_URL + "?access=scent-free&access=transit"))
    assert "Access Near public transit, Scent-free room +6 more" in text  # most
    assert "Access Near public transit, Scent-free room +7 more" in text  # far
    text = text_of(client.get(SEARCH_URL + "?accessible=on&access=parking"))
    assert "Access Step-free entrance, Parking within 50 m +6 more" in text


def test_the_card_shows_access_only_when_it_was_searched_for(client, places):
    # The cards stay short on a phone; the profile lists everything stated.
    assert "Access Step-free entrance" not in text_of(client.get(SEARCH_URL))


# --- migration of the old flag --------------------------------------------------


# Naming every app makes the flush after the test cascade, through the search
# table that refers to therapists (as tests/reviews/concurrency.py does).
@pytest.mark.django_db(
    transaction=True,
    available_apps=[config.name for config in apps.get_app_configs()],
)
def test_the_old_flag_migrates_into_the_checklist_and_back():
    step_free = factories.make_therapist(slug="was-accessible", access_bits=1 | 16)
    plain = factories.make_therapist(slug="was-not", access_bits=16)
    executor = MigrationExecutor(connection)
    before = [("therapists", "0014_details_confirmed_on")]
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model(
            "therapists", "Therapist"
        )
        # Reversed: the flag holds where a step-free entrance was stated.
        flags = dict(old.objects.values_list("slug", "wheelchair_accessible"))
        assert flags == {"was-accessible": True, "was-not": False}
        old.objects.filter(slug="was-not").update(wheelchair_accessible=True)
        old.objects.filter(slug="was-accessible").update(wheelchair_accessible=False)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
    finally:
        executor.migrate(leaves)
    step_free.refresh_from_db()
    plain.refresh_from_db()
    # The flag implies a step-free entrance and a ground floor or lift, nothing else.
    assert plain.access_codes == ["step-free", "ground-floor-or-lift"]
    assert step_free.access_codes == []


# --- the dashboard ----------------------------------------------------------------


def profile_form(**overrides) -> dict:
    data = {
        "display_name": "Dana Owner",
        "headline": "Gentle work for low back pain",
        "bio": "I treat back pain.",
        "years_in_practice": "10",
        "back_pain_years": "5",
        "back_pain_caseload_percent": "60",
        "conditions": [factories.condition("sciatica").pk],
        "session_price": "120",
        "accepting_new_clients": "on",
        "languages": ["en"],
    }
    data.update(overrides)
    return data


def test_the_profile_form_edits_the_checklist_and_confirms_details(client, therapist):
    therapist.details_confirmed_on = timezone.localdate() - datetime.timedelta(days=90)
    therapist.access_bits = accessibility.mask_of(["parking"])
    therapist.save()
    client.force_login(therapist.user)
    url = reverse("dashboard:profile")

    page = client.get(url).content.decode()
    assert re.search(r"<legend[^>]*>\s*Accessibility: tick what holds", page)
    assert re.search(r'value="parking"[^>]*checked', page)

    response = client.post(
        url, profile_form(access=["side-lying-seated", "adjustable-table"])
    )
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.access_codes == ["adjustable-table", "side-lying-seated"]
    assert therapist.details_confirmed_on == timezone.localdate()

    client.post(url, profile_form())  # nothing ticked: nothing stated
    therapist.refresh_from_db()
    assert therapist.access_bits == 0


def test_a_bad_checklist_value_is_an_error_next_to_the_field(client, therapist):
    therapist.access_bits = accessibility.mask_of(["parking"])
    therapist.save()
    client.force_login(therapist.user)

    response = client.post(
        reverse("dashboard:profile"), profile_form(access=["parking", "moat"])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["access"] == ["Choose items from the list."]
    therapist.refresh_from_db()
    assert therapist.access_codes == ["parking"]


# --- where it shows -----------------------------------------------------------------


def test_the_profile_shows_what_holds_and_says_not_stated_for_the_rest(
    client, therapist
):
    therapist.access_bits = accessibility.mask_of(["step-free", "scent-free"])
    therapist.save()

    text = text_of(client.get(therapist.get_absolute_url()))

    assert "Access Step-free entrance Scent-free room" in text
    assert "Not stated: ground floor or lift, parking within 50 m," in text
    assert "Not stated does not mean no" in text
    assert "we do not check it" in text


def test_a_profile_with_nothing_stated_says_so_without_implying_a_no(client, therapist):
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "The therapist has not said anything about access yet." in text
    assert "Not stated:" not in text


def test_the_comparison_lists_each_therapists_items(client, therapist, other_therapist):
    therapist.access_bits = accessibility.mask_of(["transit", "service-animals"])
    therapist.save()
    response = client.get(reverse("shortlist:compare") + "?t=dana-owner&t=olive-other")
    page = response.content.decode()
    row = re.search(r'<th scope="row">Access .*?</tr>', page, flags=re.S).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    assert [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells] == [
        "Near public transit Service animals welcome",
        "Nothing stated",
    ]


def test_the_data_export_names_each_stated_item_with_its_hsds_words(therapist):
    therapist.access_bits = accessibility.mask_of(["adjustable-table"])
    therapist.save()
    exported = profile_data(Therapist.objects.with_treatments().get(pk=therapist.pk))
    assert exported["accessibility"] == [
        {
            "code": "adjustable-table",
            "label": "Height-adjustable table",
            "hsds_description": "Height-adjustable treatment table.",
        }
    ]
    assert "wheelchair_accessible" not in exported


def test_the_old_flag_stays_readable_and_settable_on_the_model(therapist):
    assert therapist.wheelchair_accessible is False
    therapist.wheelchair_accessible = True
    assert therapist.access_codes == ["step-free"]
    therapist.wheelchair_accessible = False
    assert therapist.access_bits == 0
