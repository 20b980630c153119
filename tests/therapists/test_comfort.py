"""Comfort and consent (issue 16, item 4): the words and codes, the pressure
range's rules in the database, `gentle=on` in the search (filter, chip,
suggestion, card, plans, query budget), the profile section, the comparison
rows, the data export and the admin."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from tests import budgets, factories
from therapists import comfort, search
from therapists.export import profile_data
from therapists.filters import TherapistFilter
from therapists.management.commands.explain_search import (
    SHAPES,
    plan_lines,
    problems_in,
)
from therapists.models import Therapist
from verification.models import Credential

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("therapists:list")
GENTLE, MODERATE, FIRM, DEEP = comfort.GENTLE, comfort.MODERATE, comfort.FIRM, 5


def run(query: str):
    filterset = TherapistFilter(
        QueryDict(query), queryset=Therapist.objects.published()
    )
    return filterset, ([t.slug for t in filterset.qs] if filterset.is_valid() else None)


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def pressures():
    """Near 10001: "gentle-firm" (gentle to firm), "gentle-only", "moderate-deep",
    "unstated"; in Los Angeles "far-gentle"; "hidden-gentle" is unpublished."""
    made = {
        "gentle-firm": (GENTLE, FIRM, "10001", True),
        "gentle-only": (GENTLE, GENTLE, "10001", True),
        "moderate-deep": (MODERATE, DEEP, "10001", True),
        "unstated": (None, None, "10001", True),
        "far-gentle": (GENTLE, DEEP, "90012", True),
        "hidden-gentle": (GENTLE, FIRM, "10001", False),
    }
    for slug, (lightest, firmest, zip_code, published) in made.items():
        therapist = factories.make_therapist(
            slug=slug,
            pressure_lightest=lightest,
            pressure_firmest=firmest,
            is_published=published,
        )
        factories.make_location(therapist, zip_code)


# --- the words ------------------------------------------------------------------


def test_every_option_has_a_unique_code_bit_and_words():
    assert len({o.code for o in comfort.OPTIONS}) == len(comfort.OPTIONS) == 4
    assert len({o.bit for o in comfort.OPTIONS}) == 4
    assert all(o.bit & (o.bit - 1) == 0 for o in comfort.OPTIONS)
    assert all(o.label and o.description for o in comfort.OPTIONS)
    assert comfort.codes_of(comfort.mask_of(["companion", "clothed"])) == [
        "clothed",
        "companion",
    ]


@pytest.mark.parametrize(
    ("lightest", "firmest", "words"),
    [
        (GENTLE, FIRM, "Gentle to firm"),
        (MODERATE, MODERATE, "Moderate only"),
        (comfort.LIGHT, DEEP, "Light to deep"),
        (None, None, ""),
    ],
)
def test_the_pressure_range_in_words(lightest, firmest, words):
    assert comfort.pressure_range_words(lightest, firmest) == words


def test_clothed_and_over_the_sheet_in_words():
    both = comfort.Comfort(comfort.mask_of(["clothed", "over-the-sheet"]), None, None)
    assert both.draping_words == "Clothed or over the sheet"
    assert comfort.Comfort(comfort.OVER_THE_SHEET.bit, None, None).draping_words == (
        "Over the sheet"
    )
    assert comfort.Comfort(0, None, None).draping_words == ""


# --- the database ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lightest", "firmest"),
    [(FIRM, GENTLE), (GENTLE, None), (None, FIRM), (0, FIRM), (GENTLE, 6)],
)
def test_the_database_refuses_a_bad_pressure_range(therapist, lightest, firmest):
    with pytest.raises(IntegrityError), transaction.atomic():
        Therapist.objects.filter(pk=therapist.pk).update(
            pressure_lightest=lightest, pressure_firmest=firmest
        )


def test_the_database_takes_a_range_or_nothing(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(
        pressure_lightest=GENTLE, pressure_firmest=GENTLE
    )
    Therapist.objects.filter(pk=therapist.pk).update(
        pressure_lightest=None, pressure_firmest=None
    )


# --- search -----------------------------------------------------------------------


def test_gentle_finds_those_whose_lightest_pressure_is_gentle(pressures):
    _, found = run("gentle=on")
    assert set(found) == {"gentle-firm", "gentle-only", "far-gentle"}
    _, everyone = run("")
    assert "unstated" in everyone and "moderate-deep" in everyone


def test_the_queryset_method(pressures):
    found = Therapist.objects.offering_gentle_pressure().published()
    assert set(found.values_list("slug", flat=True)) == {
        "gentle-firm",
        "gentle-only",
        "far-gentle",
    }


@pytest.mark.parametrize("sort", ["best", "rating", "reviews", "price", "distance"])
def test_gentle_near_a_place_with_every_sort(pressures, sort):
    _, found = run(f"gentle=on&near=10001&radius=25&sort={sort}")
    assert set(found) == {"gentle-firm", "gentle-only"}


def test_gentle_combines_with_other_filters(pressures):
    Therapist.objects.filter(slug="gentle-only").update(accepting_new_clients=False)
    _, found = run("gentle=on&accepting=on&near=10001")
    assert found == ["gentle-firm"]


def test_unticked_gentle_filters_nothing(pressures):
    _, found = run("gentle=")
    assert len(found) == 5


def test_the_chip_removes_only_gentle(pressures):
    filterset, _ = run("gentle=on&mobile=on&near=10001")
    chips = {chip.label: chip.query for chip in filterset.active_filters()}
    assert "Gentle pressure offered" in chips
    without = QueryDict(chips["Gentle pressure offered"].lstrip("?"))
    assert "gentle" not in without
    assert without["mobile"] == "on" and without["near"] == "10001"


def test_a_search_that_finds_nobody_suggests_dropping_gentle(pressures):
    Therapist.objects.filter(slug="far-gentle").update(pressure_lightest=MODERATE)
    filterset, found = run("gentle=on&near=90012&radius=10")
    assert found == []
    suggestions = {s.label: s for s in filterset.suggestions()}
    without = suggestions["Without “Gentle pressure offered”"]
    assert without.count_label == "1 therapist"
    assert "gentle" not in QueryDict(without.query.lstrip("?"))


def test_the_filter_panel_offers_gentle_and_keeps_it_ticked(client, pressures):
    page = client.get(SEARCH_URL + "?gentle=on").content.decode()
    assert "<legend>Comfort</legend>" in page
    assert re.search(
        r'<input type="checkbox" name="gentle" id="id_gentle" checked', page
    )
    assert "Gentle pressure offered" in page


def test_the_card_says_gentle_pressure_only_when_it_was_searched(client, pressures):
    searched = client.get(SEARCH_URL + "?gentle=on&near=10001")
    assert text_of(searched).count("Gentle pressure ") >= 2  # one per card
    assert len(re.findall(r'class="facts__comfort"', searched.content.decode())) == 2
    plain = client.get(SEARCH_URL + "?near=10001").content.decode()
    assert 'class="facts__comfort"' not in plain


def test_the_search_stays_within_five_queries(
    client, pressures, django_assert_max_num_queries
):
    client.get(SEARCH_URL)  # warm the caches the page keeps
    for query in (
        "?gentle=on",
        "?gentle=on&sort=rating",
        "?gentle=on&near=10001&radius=25",
        "?gentle=on&near=10001&radius=25&sort=distance",
        "?gentle=on&accepting=on&near=10001&sort=price",
    ):
        with django_assert_max_num_queries(budgets.SEARCH_PAGE):
            response = client.get(SEARCH_URL + query)
        assert response.status_code == 200


def test_explain_search_covers_the_parameter():
    assert "gentle=on&sort=rating" in SHAPES
    assert "near=10001&radius=25&gentle=on&sort=best" in SHAPES


@pytest.mark.parametrize(
    "query",
    [shape for shape in SHAPES if "gentle=" in shape]
    + ["gentle=on", "gentle=on&sort=price", "gentle=on&near=10001&sort=distance"],
)
def test_the_filter_never_scans_the_table(pressures, query):
    """On SQLite, and on PostgreSQL with sequential scans off (explain_search's
    own plan reader), as `make test-postgres` runs it."""
    filterset, _ = run(query)
    assert filterset.is_valid()
    results = search.search(filterset.params(), 1)
    sql, params = results.page.object_list.query.sql_with_params()
    lines = plan_lines(sql, params)
    assert problems_in(lines) == []


# --- the profile --------------------------------------------------------------------


def verified_training(therapist, **overrides):
    fields = {
        "kind": Credential.Kind.TRAUMA_INFORMED,
        "issuer": "Trauma-Informed Bodywork Institute",
        "jurisdiction": "US",
        "expires_on": None,
        "verified_at": timezone.now() - datetime.timedelta(days=3),
    }
    return factories.make_credential(therapist, **{**fields, **overrides})


def test_the_profile_says_not_stated_for_everything_unstated(client, therapist):
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "Comfort and consent" in text
    assert "Pressure offered Not stated" in text
    assert "Clothed massage Not stated" in text
    assert "Over-the-sheet work Not stated" in text
    assert "A companion in the room Not stated" in text
    assert "Draping Not stated." in text
    assert "Not stated does not mean no" in text
    assert "Trauma-informed care training" not in text
    assert "Tell me to stop" not in text


def test_the_profile_shows_what_the_therapist_states(client, therapist):
    therapist.pressure_lightest, therapist.pressure_firmest = GENTLE, FIRM
    therapist.comfort_bits = comfort.mask_of(["clothed", "companion", "stop-statement"])
    therapist.draping_policy = "Underwear stays on.\nI knock before coming in <b>."
    therapist.save()

    response = client.get(therapist.get_absolute_url())
    text, page = text_of(response), response.content.decode()

    assert "Pressure offered Gentle to firm" in text
    assert "Clothed massage Offered" in text
    assert "Over-the-sheet work Not stated" in text
    assert "A companion in the room Welcome" in text
    assert "“Tell me to stop or change anything at any time, and I will.”" in text
    assert "Dana Owner says they tell every client this." in text
    assert "not a guarantee from us" in text
    # Plain text: escaped, its line breaks kept.
    assert "Underwear stays on.<br>I knock before coming in &lt;b&gt;." in page


def test_the_profile_claims_verified_current_training_with_its_date(client, therapist):
    verified_at = timezone.make_aware(datetime.datetime(2026, 3, 14, 12))
    verified_training(therapist, verified_at=verified_at)
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "Trauma-informed care training Verified by our staff on Mar 14, 2026" in text


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Credential.Status.PENDING},
        {"status": Credential.Status.REJECTED},
        {"status": Credential.Status.EXPIRED},
        # Verified, but past its expiry before the daily job marks it.
        {"expires_on": datetime.date.today() - datetime.timedelta(days=1)},
    ],
)
def test_the_profile_never_claims_training_that_is_not_verified_and_current(
    client, therapist, overrides
):
    verified_training(therapist, **overrides)
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "Verified by our staff on" not in text


def test_the_profile_keeps_its_query_budget_with_training(
    client, therapist, django_assert_max_num_queries, django_assert_num_queries
):
    with django_assert_max_num_queries(5) as plain:
        client.get(therapist.get_absolute_url())
    verified_training(therapist)
    therapist.comfort_bits = comfort.ALL_BITS
    therapist.pressure_lightest = therapist.pressure_firmest = GENTLE
    therapist.save()
    with django_assert_num_queries(len(plain.captured_queries)):
        response = client.get(therapist.get_absolute_url())
    assert "Verified by our staff on" in text_of(response)


def test_the_training_never_gives_the_badge(client, therapist):
    verified_training(therapist)
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None
    assert therapist.other_verified_credential_count == 1


# --- the comparison -------------------------------------------------------------------


def row_cells(page: str, heading: str) -> list[str]:
    row = re.search(
        rf'<th scope="row">{re.escape(heading)}.*?</tr>', page, flags=re.S
    ).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def test_the_comparison_has_a_row_for_each_part(client, therapist, other_therapist):
    therapist.pressure_lightest, therapist.pressure_firmest = GENTLE, MODERATE
    therapist.comfort_bits = comfort.mask_of(
        ["over-the-sheet", "clothed", "companion", "stop-statement"]
    )
    therapist.save()
    verified_at = timezone.make_aware(datetime.datetime(2026, 2, 1, 12))
    verified_training(therapist, verified_at=verified_at)
    verified_training(other_therapist, status=Credential.Status.PENDING)

    page = client.get(
        reverse("shortlist:compare") + "?t=dana-owner&t=olive-other"
    ).content.decode()

    assert row_cells(page, "Pressure offered") == ["Gentle to moderate", "Not stated"]
    assert row_cells(page, "Clothed or over-the-sheet work") == [
        "Clothed or over the sheet",
        "Not stated",
    ]
    assert row_cells(page, "A companion in the room") == ["Welcome", "Not stated"]
    assert row_cells(page, "Stop or change anything") == [
        "Tells every client: “Tell me to stop or change anything at any time, "
        "and I will.”",
        "Not stated",
    ]
    assert row_cells(page, "Trauma-informed care training") == [
        "Verified by our staff on Feb 1, 2026",
        "None verified yet",
    ]


def test_the_comparison_keeps_its_query_budget(
    client, therapist, other_therapist, django_assert_num_queries
):
    verified_training(therapist)
    therapist.comfort_bits = comfort.ALL_BITS
    therapist.save()
    client.get(reverse("shortlist:compare") + "?t=dana-owner&t=olive-other")
    with django_assert_num_queries(5):
        client.get(reverse("shortlist:compare") + "?t=dana-owner&t=olive-other")


# --- the data export and the admin ----------------------------------------------------


def test_the_data_export_carries_comfort_and_consent(therapist):
    therapist.pressure_lightest, therapist.pressure_firmest = GENTLE, FIRM
    therapist.comfort_bits = comfort.mask_of(["stop-statement", "companion"])
    therapist.draping_policy = "Underwear stays on."
    therapist.save()
    exported = profile_data(Therapist.objects.with_treatments().get(pk=therapist.pk))
    assert exported["pressure_lightest"] == "Gentle"
    assert exported["pressure_firmest"] == "Firm"
    assert exported["comfort_and_consent"] == ["companion", "stop-statement"]
    assert exported["draping_policy"] == "Underwear stays on."


def test_the_data_export_of_nothing_stated(therapist):
    exported = profile_data(Therapist.objects.with_treatments().get(pk=therapist.pk))
    assert exported["pressure_lightest"] is None
    assert exported["pressure_firmest"] is None
    assert exported["comfort_and_consent"] == []
    assert exported["draping_policy"] == ""


def test_the_admin_shows_and_edits_the_range(client, staff_user, therapist):
    therapist.comfort_bits = comfort.mask_of(["companion"])
    therapist.save()
    client.force_login(staff_user)
    url = reverse("admin:therapists_therapist_change", args=[therapist.pk])
    page = client.get(url).content.decode()
    assert 'name="pressure_lightest"' in page
    assert 'name="draping_policy"' in page
    assert "A companion is welcome in the room" in page
    listing = client.get(reverse("admin:therapists_therapist_changelist"))
    assert listing.status_code == 200
    filtered = client.get(
        reverse("admin:therapists_therapist_changelist") + "?pressure_lightest=1"
    )
    assert filtered.status_code == 200
