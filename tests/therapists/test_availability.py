"""Availability (issue 16, item 5): weekly hours and what they hold for the
search (`hours=evenings`, `hours=weekends`, all must hold), the next opening,
and where they show (card, profile, comparison, export, admin, demo)."""

import datetime
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from demo.hours import demo_next_opening, demo_week
from interviews.models import InterviewRequest
from tests import budgets, factories
from therapists import availability, changes, search
from therapists.availability import Range
from therapists.export import profile_data
from therapists.filters import TherapistFilter
from therapists.management.commands.explain_search import (
    SHAPES,
    plan_lines,
    problems_in,
)
from therapists.models import OpeningHours, Therapist

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("therapists:list")
COMPARE_URL = reverse("shortlist:compare")
T = datetime.time


def run(query: str):
    filterset = TherapistFilter(
        QueryDict(query), queryset=Therapist.objects.published()
    )
    return filterset, ([t.slug for t in filterset.qs] if filterset.is_valid() else None)


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def give_hours(therapist, *ranges):
    """Store these (weekday, opens, closes) ranges through the change function."""
    OpeningHours.objects.bulk_create(
        OpeningHours(therapist=therapist, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in ranges
    )
    changes.hours_changed(therapist)
    return therapist


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def weeks():
    """Near 10001: "days" (weekdays to 5 pm), "late" (Tuesday to 8 pm), "sat"
    (Saturday mornings), "both" (late Thursday and Sunday); "far" has both in
    Los Angeles; "none" lists no hours; "six" closes at 6 pm sharp."""
    made = {}
    for slug, ranges, zip_code in [
        ("days", [(d, T(9), T(17)) for d in range(5)], "10001"),
        ("late", [(1, T(12), T(20)), (2, T(9), T(13))], "10001"),
        ("sat", [(5, T(9), T(13))], "10001"),
        ("both", [(3, T(14), T(21)), (6, T(10), T(14))], "10001"),
        ("far", [(0, T(16), T(22)), (5, T(9), T(12))], "90012"),
        ("none", [], "10001"),
        ("six", [(0, T(9), T(18))], "10001"),
    ]:
        therapist = factories.make_therapist(slug=slug)
        give_hours(therapist, *ranges)
        factories.make_location(therapist, zip_code)
        made[slug] = therapist
    return made


# --- the rules -----------------------------------------------------------------


def test_evenings_means_a_range_closing_after_six_weekends_saturday_or_sunday():
    evenings, weekends = (kind.bit for kind in availability.KINDS)
    assert availability.bits_of([Range(0, T(9), T(18))]) == 0
    assert availability.bits_of([Range(0, T(9), T(18, 1))]) == evenings
    assert availability.bits_of([Range(5, T(9), T(12))]) == weekends
    assert availability.bits_of([Range(6, T(17), T(21))]) == evenings | weekends
    assert availability.bits_of([]) == 0


def test_kinds_have_unique_codes_and_single_bits():
    assert [kind.code for kind in availability.KINDS] == ["evenings", "weekends"]
    bits = [kind.bit for kind in availability.KINDS]
    assert len(set(bits)) == 2 and all(bit & (bit - 1) == 0 for bit in bits)
    assert availability.codes_of(availability.mask_of(["weekends"])) == ["weekends"]


def test_overlaps_are_found_on_one_day_only_and_touching_is_fine():
    touching = [Range(0, T(9), T(12)), Range(0, T(12), T(17))]
    assert availability.overlapping(touching) == []
    other_days = [Range(0, T(9), T(17)), Range(1, T(9), T(17))]
    assert availability.overlapping(other_days) == []
    crossing = [Range(2, T(13), T(18)), Range(2, T(9), T(14))]
    assert availability.overlapping(crossing) == [
        (Range(2, T(9), T(14)), Range(2, T(13), T(18)))
    ]


def test_times_and_the_week_read_plainly():
    assert [availability.clock(t) for t in (T(9), T(17, 30), T(12), T(0))] == [
        "9 am",
        "5:30 pm",
        "12 pm",
        "12 am",
    ]
    week = availability.week_of([Range(0, T(13), T(17)), Range(0, T(8), T(12))])
    assert [day.name for day in week][:2] == ["Monday", "Tuesday"]
    assert week[0].words == "8 am – 12 pm, 1 pm – 5 pm"
    assert week[1].words == ""
    assert week.listed
    assert not availability.week_of([]).listed


@pytest.mark.parametrize(
    ("on", "confirmed", "words"),
    [
        (3, -2, "Next opening: {on} (confirmed {confirmed})"),
        (0, 0, "Next opening: {on} (confirmed {confirmed})"),
        (-1, -5, "Next opening: ask them"),  # passed
        (5, -15, "Next opening: ask them"),  # confirmed too long ago
        (5, -14, "Next opening: {on} (confirmed {confirmed})"),
        (None, None, "Next opening: ask them"),
    ],
)
def test_the_next_opening_shows_only_while_it_can_be_true(on, confirmed, words):
    today = datetime.date(2026, 11, 28)
    day = None if on is None else today + datetime.timedelta(days=on)
    stated = None if confirmed is None else today + datetime.timedelta(days=confirmed)
    opening = availability.next_opening(day, stated, today)
    expected = words.format(
        on=day and availability.short_day(day),
        confirmed=stated and availability.month_day(stated),
    )
    assert opening.words == expected


def test_the_next_opening_reads_as_the_issue_says():
    opening = availability.next_opening(
        datetime.date(2026, 12, 1),
        datetime.date(2026, 11, 28),
        datetime.date(2026, 11, 29),
    )
    assert opening.words == "Next opening: Tue, Dec 1 (confirmed Nov 28)"


def test_the_database_refuses_closing_before_opening(therapist):
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(
            therapist=therapist, weekday=0, opens=T(17), closes=T(9)
        )


def test_the_database_refuses_a_next_opening_without_a_confirmation(therapist):
    with pytest.raises(IntegrityError), transaction.atomic():
        Therapist.objects.filter(pk=therapist.pk).update(
            next_opening_on=days_from_today(3), next_opening_confirmed_on=None
        )


def test_hours_changed_recounts_the_bits_from_the_rows(therapist):
    give_hours(therapist, (5, T(9), T(12)))
    assert therapist.hours_bits == availability.mask_of(["weekends"])
    OpeningHours.objects.filter(therapist=therapist).delete()
    changes.hours_changed(therapist)
    therapist.refresh_from_db()
    assert therapist.hours_bits == 0


# --- search ---------------------------------------------------------------------


def test_evenings_finds_ranges_closing_after_six(weeks):
    _, found = run("hours=evenings")
    assert set(found) == {"late", "both", "far"}


def test_weekends_finds_saturday_or_sunday(weeks):
    _, found = run("hours=weekends")
    assert set(found) == {"sat", "both", "far"}


def test_both_must_hold(weeks):
    _, found = run("hours=evenings&hours=weekends")
    assert set(found) == {"both", "far"}
    _, found = run("hours=evenings&hours=weekends&near=10001&radius=25")
    assert found == ["both"]


@pytest.mark.parametrize("sort", ["best", "rating", "reviews", "price", "distance"])
def test_hours_work_with_every_sort_near_a_place(weeks, sort):
    _, found = run(f"hours=evenings&sort={sort}&near=10001")
    assert set(found) == {"late", "both"}


def test_the_queryset_method_reads_the_bits(weeks):
    found = Therapist.objects.open_during(["weekends"])
    assert set(found.values_list("slug", flat=True)) == {"sat", "both", "far"}
    assert Therapist.objects.open_during([]).count() == Therapist.objects.count()


@pytest.mark.parametrize(
    "query", ["hours=nights", "hours=evenings&hours=late", "hours=", "hours=EVENINGS"]
)
def test_a_bad_value_is_a_plain_error_on_its_field(weeks, query):
    filterset, found = run(query)
    assert found is None
    assert filterset.form.errors["hours"] == [
        "Choose evenings or weekends from the list."
    ]


def test_a_bad_value_on_the_page_is_shown_next_to_the_field_never_a_500(client, weeks):
    response = client.get(SEARCH_URL + "?hours=midnight")
    assert response.status_code == 200
    assert "Choose evenings or weekends from the list." in text_of(response)
    assert 'id="id_hours_error"' in response.content.decode()


def test_one_chip_per_kind_each_removing_only_itself(weeks):
    filterset, _ = run("hours=evenings&hours=weekends&mobile=on")
    chips = {chip.label: chip.query for chip in filterset.active_filters()}
    assert "Evenings (after 6 pm)" in chips and "Weekends" in chips
    without = QueryDict(chips["Evenings (after 6 pm)"].lstrip("?"))
    assert without.getlist("hours") == ["weekends"]
    assert without["mobile"] == "on"


def test_a_search_that_finds_nobody_suggests_any_hours(weeks):
    factories.add_language(weeks["days"], "es")
    filterset, found = run("hours=evenings&hours=weekends&language=es")
    assert found == []
    suggested = {s.label: s.count_label for s in filterset.suggestions()}
    assert suggested["Any hours"] == "1 therapist"


def test_the_filter_panel_offers_the_kinds_ticked(client, weeks):
    page = client.get(SEARCH_URL + "?hours=weekends").content.decode()
    assert "<legend>Open (all ticked must hold)</legend>" in page
    assert re.search(r'value="weekends" id="id_hours_\d+" checked', page)
    assert re.search(r'value="evenings" id="id_hours_\d+">', page)


def test_the_search_stays_within_five_queries(
    client, weeks, django_assert_max_num_queries
):
    client.get(SEARCH_URL)  # warm the caches the page keeps
    for query in (
        "?hours=evenings&sort=rating",
        "?hours=evenings&hours=weekends&near=10001&radius=25&sort=best",
        "?hours=weekends&near=10001&sort=distance",
    ):
        with django_assert_max_num_queries(budgets.SEARCH_PAGE):
            response = client.get(SEARCH_URL + query)
        assert response.status_code == 200


def test_explain_search_covers_the_parameter():
    assert "hours=evenings&sort=rating" in SHAPES
    assert "near=10001&radius=25&hours=evenings&hours=weekends&sort=best" in SHAPES


@pytest.mark.parametrize(
    "query",
    [shape for shape in SHAPES if "hours=" in shape]
    + ["hours=weekends", "hours=evenings&sort=price"],
)
def test_the_filter_never_scans_the_table(weeks, query):
    """On SQLite; on PostgreSQL with sequential scans off (tiny tables)."""
    filterset, _ = run(query)
    assert filterset.is_valid()
    results = search.search(filterset.params(), 1)
    queryset = results.page.object_list
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
        assert "Seq Scan on therapists_therapist" not in plan
        return
    sql, params = queryset.query.sql_with_params()
    lines = plan_lines(sql, params)
    assert problems_in(lines) == []


# --- the card --------------------------------------------------------------------


def test_the_card_shows_hours_only_when_they_were_searched(client, weeks):
    text = text_of(client.get(SEARCH_URL + "?hours=evenings&near=10001"))
    assert "Hours Evenings (after 6 pm) and weekends" in text  # both
    assert "Hours Evenings (after 6 pm)" in text  # late
    assert "Hours " not in text_of(client.get(SEARCH_URL + "?near=10001"))


# --- the profile -------------------------------------------------------------------


def test_the_profile_shows_the_week_in_local_time(client, therapist):
    give_hours(therapist, (0, T(9), T(12)), (0, T(13), T(19, 30)), (5, T(10), T(14)))
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "Hours and availability" in text
    assert "Monday 9 am – 12 pm, 1 pm – 7:30 pm" in text
    assert "Tuesday No hours listed" in text
    assert "Saturday 10 am – 2 pm" in text
    assert "Times are the therapist’s local time." in text


def test_a_profile_without_hours_says_so_and_asks_them(client, therapist):
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "has not listed their weekly hours yet" in text
    assert "Next opening: ask them" in text
    assert "Usually answers" not in text


def test_the_profile_shows_a_confirmed_next_opening_and_hides_a_stale_one(
    client, therapist
):
    Therapist.objects.filter(pk=therapist.pk).update(
        next_opening_on=days_from_today(3),
        next_opening_confirmed_on=days_from_today(-1),
    )
    therapist.refresh_from_db()
    text = text_of(client.get(therapist.get_absolute_url()))
    assert therapist.next_opening.words in text
    assert therapist.next_opening.shown

    Therapist.objects.filter(pk=therapist.pk).update(
        next_opening_confirmed_on=days_from_today(-15)
    )
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "Next opening: ask them" in text


def answered_requests(therapist, hours_each):
    now = timezone.now()
    for hours in hours_each:
        interview = factories.make_interview(therapist=therapist)
        created = now - datetime.timedelta(days=2)
        InterviewRequest.objects.filter(pk=interview.pk).update(
            created_at=created,
            status="accepted",
            answered_at=created + datetime.timedelta(hours=hours),
        )


def test_the_profile_shows_responsiveness_from_three_requests(client, therapist):
    answered_requests(therapist, [1, 2])
    assert "Usually answers" not in text_of(client.get(therapist.get_absolute_url()))
    answered_requests(therapist, [8])
    text = text_of(client.get(therapist.get_absolute_url()))
    assert (
        "Usually answers in about 2 hours (median of 3 requests in the last 90 days)."
        in text
    )


def test_the_profile_with_hours_and_requests_stays_within_its_budget(
    client, therapist, django_assert_max_num_queries
):
    give_hours(therapist, (0, T(9), T(17)), (5, T(9), T(12)))
    answered_requests(therapist, [1, 2, 3])
    with django_assert_max_num_queries(5):
        response = client.get(therapist.get_absolute_url())
    assert "Monday 9 am – 5 pm" in text_of(response)


# --- the comparison ------------------------------------------------------------------


def row_cells(page: str, heading: str) -> list[str]:
    row = re.search(rf'<th scope="row">{heading}.*?</tr>', page, flags=re.S).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def test_the_comparison_shows_hours_next_opening_and_responsiveness(
    client, therapist, other_therapist
):
    give_hours(therapist, (2, T(12), T(20)), (6, T(10), T(13)))
    Therapist.objects.filter(pk=therapist.pk).update(
        next_opening_on=datetime.date.today() + datetime.timedelta(days=2),
        next_opening_confirmed_on=datetime.date.today(),
    )
    answered_requests(therapist, [3, 4, 30])
    therapist.refresh_from_db()

    page = client.get(COMPARE_URL + "?t=dana-owner&t=olive-other").content.decode()

    assert row_cells(page, "Hours") == [
        "Open evenings (after 6 pm) and weekends",
        "No evening or weekend hours listed",
    ]
    assert row_cells(page, "Next opening") == [
        therapist.next_opening.short_words,
        "Ask them",
    ]
    assert row_cells(page, "Answers requests") == [
        "Usually answers in about 4 hours (median of 3 requests in the last 90 days)",
        "Too few requests to say",
    ]


def test_the_comparison_keeps_its_five_queries(
    client, therapist, other_therapist, django_assert_num_queries
):
    give_hours(therapist, (2, T(12), T(20)))
    answered_requests(therapist, [3, 4, 30])
    answered_requests(other_therapist, [1, 1, 1])
    with django_assert_num_queries(5):
        response = client.get(COMPARE_URL + "?t=dana-owner&t=olive-other&near=10001")
    assert response.status_code == 200


# --- export, admin, demo -----------------------------------------------------------


def test_the_data_export_carries_the_week_and_next_opening(therapist):
    give_hours(therapist, (4, T(8, 30), T(12)))
    exported = profile_data(Therapist.objects.with_treatments().get(pk=therapist.pk))
    assert exported["weekly_hours"] == [
        {"day": "Friday", "opens": "08:30", "closes": "12:00"}
    ]
    assert exported["next_opening_on"] is None
    assert exported["next_opening_confirmed_on"] is None


def test_the_admin_edits_hours_inline_and_recounts_the_bits(client, therapist):
    staff = factories.make_user(username="boss", is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:therapists_therapist_change", args=[therapist.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "opening_hours-TOTAL_FORMS" in page.content.decode()


def test_demo_hours_are_plausible():
    weeks = [demo_week(f"seed-{n}") for n in range(600)]
    for week in weeks:
        assert all(r.opens < r.closes for r in week)
        assert availability.overlapping(week) == []
    evenings = sum(
        bool(availability.bits_of(w) & availability.BY_CODE["evenings"].bit)
        for w in weeks
    )
    weekends = sum(
        bool(availability.bits_of(w) & availability.BY_CODE["weekends"].bit)
        for w in weeks
    )
    assert 150 < evenings < 260  # about a third
    assert 110 < weekends < 200  # about a quarter
    today = datetime.date(2026, 11, 29)
    openings = [demo_next_opening(f"o-{n}", today) for n in range(200)]
    stated = [o for o in openings if o["next_opening_on"]]
    assert 50 < len(stated) < 110
    assert all(o["next_opening_on"] >= o["next_opening_confirmed_on"] for o in stated)
