"""Sessions and prices (issue 16, item 1): prices per session length, the
`length` search parameter and `max_price` applied to that length, sort=price by
it, the card's price, the words of the cancellation policy, the profile,
comparison, export and the demo."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import QueryDict
from django.urls import reverse

from tests import budgets, factories
from therapists import pricing, search
from therapists.export import profile_data
from therapists.filters import TherapistFilter
from therapists.management.commands.explain_search import (
    SHAPES,
    plan_lines,
    problems_in,
)
from therapists.models import SessionPackage, Therapist

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
def priced():
    """short: 30 min $50 and 60 min $90; long: 60 min $100 and 90 min $140;
    only-90: 90 min $120 and no 60-minute session; all near 10001."""
    short = factories.make_therapist(slug="short", price_30=50, session_price=90)
    long = factories.make_therapist(slug="long", session_price=100, price_90=140)
    only_90 = factories.make_therapist(slug="only-90", session_price=None, price_90=120)
    for therapist in (short, long, only_90):
        factories.make_location(therapist, "10001")
    return short, long, only_90


# --- the rules ----------------------------------------------------------------


def test_every_length_has_its_own_column():
    assert pricing.LENGTHS == (30, 45, 60, 75, 90)
    assert pricing.column_of(60) == "session_price"
    assert pricing.column_of(None) == "session_price"
    assert {pricing.column_of(n) for n in pricing.LENGTHS} == {
        "price_30",
        "price_45",
        "session_price",
        "price_75",
        "price_90",
    }


def test_price_for_a_length_falls_back_to_the_nearest_offered(priced):
    short, long, only_90 = priced
    assert long.price_for(90).words == "$140 · 90 min"
    assert long.price_for(None).words == "$100 · 60 min"
    # Not offered: the nearest length, the shorter on a tie.
    assert only_90.price_for(60).words == "$120 · 90 min"
    assert short.price_for(45).words == "$50 · 30 min"
    assert Therapist(session_price=None).price_for(60) is None


@pytest.mark.parametrize(
    ("hours", "fee", "words"),
    [
        (24, 40, "Cancel at least 24 hours ahead or pay $40"),
        (1, None, "Cancel at least 1 hour ahead"),
        (0, None, "Cancel any time before the session at no charge"),
        (None, None, ""),
    ],
)
def test_the_cancellation_policy_in_plain_words(hours, fee, words):
    therapist = Therapist(cancellation_notice_hours=hours, cancellation_fee=fee)
    assert therapist.cancellation_words == words


def test_the_database_refuses_prices_out_of_range_and_half_an_assessment(priced):
    short = priced[0]
    for change in (
        {"price_90": 0},
        {"price_45": 2001},
        {"assessment_minutes": 60},  # without its price
        {"cancellation_fee": 30},  # without the notice
        {"cancellation_notice_hours": 169},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Therapist.objects.filter(pk=short.pk).update(**change)


def test_a_package_says_what_each_session_costs(therapist):
    package = SessionPackage.objects.create(
        therapist=therapist, sessions=5, minutes=60, price=425
    )
    assert package.words == "5 sessions of 60 min for $425 ($85 each)"


# --- the search -----------------------------------------------------------------


def test_max_price_applies_to_the_60_minute_price_by_default(priced):
    _, slugs = run("max_price=95")
    assert slugs == ["short"]


def test_max_price_applies_to_the_length_searched(priced):
    _, slugs = run("length=90&max_price=130")
    assert slugs == ["only-90"]
    _, slugs = run("length=30&max_price=60")
    assert slugs == ["short"]


def test_length_alone_finds_those_who_offer_it(priced):
    _, slugs = run("length=90&sort=price")
    assert slugs == ["only-90", "long"]
    _, slugs = run("length=60")
    assert set(slugs) == {"short", "long"}


def test_sort_by_price_orders_by_the_length_searched(priced):
    _, slugs = run("length=90&sort=price")
    assert slugs == ["only-90", "long"]
    _, slugs = run("sort=price&max_price=1000")
    assert slugs == ["short", "long"]


@pytest.mark.parametrize("query", ["length=20", "length=abc", "length=60&length=x"])
def test_a_length_not_offered_is_refused_in_plain_words(priced, query):
    filterset, slugs = run(query)
    assert slugs is None
    assert filterset.form.errors["length"] == ["Choose a session length from the list."]


def test_the_chips_and_a_suggestion_name_the_length(client, priced):
    text = text_of(client.get(SEARCH_URL + "?length=90&max_price=100"))
    assert "Up to $100 for 90 min" in text
    assert "Offers 90-minute sessions" in text
    # Nobody: without the price someone offers 90 minutes.
    assert "Without “Up to $100 for 90 min”" in text


def test_the_card_shows_the_price_of_the_length_searched(client, priced):
    text = text_of(client.get(SEARCH_URL + "?length=90"))
    assert "$140 · 90 min" in text
    assert "$120 · 90 min" in text
    text = text_of(client.get(SEARCH_URL))
    assert "$100 · 60 min" in text
    # No 60-minute session: the card says plainly which length it prices.
    assert "$120 · 90 min" in text


def test_the_search_stays_within_five_queries(
    client, priced, django_assert_max_num_queries
):
    client.get(SEARCH_URL)  # warm the caches the page keeps
    for query in (
        "?length=90",
        "?length=90&max_price=150&sort=price",
        "?near=10001&radius=25&length=30&max_price=70&sort=best",
        "?max_price=95&sort=price",
    ):
        with django_assert_max_num_queries(budgets.SEARCH_PAGE):
            response = client.get(SEARCH_URL + query)
        assert response.status_code == 200


def test_explain_search_covers_the_parameters():
    assert "length=90&max_price=150&sort=price" in SHAPES
    assert "near=10001&radius=25&length=30&max_price=70&sort=best" in SHAPES


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite plans")
@pytest.mark.parametrize(
    "query",
    [shape for shape in SHAPES if "length=" in shape]
    + ["length=45&sort=price", "length=75&max_price=200&sort=price"],
)
def test_the_filter_never_scans_the_table(priced, query):
    filterset, _ = run(query)
    assert filterset.is_valid()
    results = search.search(filterset.params(), 1)
    sql, params = results.paginator.object_list.query.sql_with_params()
    lines = plan_lines(sql, params)
    assert problems_in(lines) == []
    assert any("USING" in line for line in lines)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
def test_postgresql_uses_the_length_price_index(priced):
    filterset, _ = run("length=90&max_price=150&sort=price")
    assert filterset.is_valid()
    sql, params = search.search(
        filterset.params(), 1
    ).page.object_list.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # On tiny tables the planner may pick another index, never the table.
    assert "Seq Scan on therapists_therapist" not in plan
    assert "Index" in plan


# --- where prices show ------------------------------------------------------------


def test_the_profile_lists_every_length_the_packages_and_the_policy(client, therapist):
    Therapist.objects.filter(pk=therapist.pk).update(
        price_90=165,
        assessment_minutes=75,
        assessment_price=130,
        sliding_scale=True,
        sliding_scale_note="Pay what you can from $60.",
        cancellation_notice_hours=24,
        cancellation_fee=40,
    )
    SessionPackage.objects.create(
        therapist=therapist, sessions=5, minutes=60, price=540
    )
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "$120 · 60 minutes $165 · 90 minutes" in text
    assert "First-visit assessment: 75 min, $130" in text
    assert "5 sessions of 60 min for $540 ($108 each)" in text
    assert "Sliding scale : Pay what you can from $60." in text
    assert "Cancel at least 24 hours ahead or pay $40." in text


def test_a_profile_without_a_policy_says_it_is_not_stated(client, therapist):
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "No cancellation policy stated: ask before you book." in text


def test_the_profile_stays_within_its_query_budget(
    client, therapist, django_assert_max_num_queries
):
    SessionPackage.objects.create(
        therapist=therapist, sessions=5, minutes=60, price=540
    )
    client.get(therapist.get_absolute_url())
    with django_assert_max_num_queries(5):
        assert client.get(therapist.get_absolute_url()).status_code == 200


def test_the_comparison_shows_each_length_and_the_policy(
    client, therapist, other_therapist
):
    Therapist.objects.filter(pk=therapist.pk).update(
        price_90=165, cancellation_notice_hours=48, sliding_scale=True
    )
    response = client.get(
        reverse("shortlist:compare"), {"t": [therapist.slug, other_therapist.slug]}
    )
    text = text_of(response)
    assert "$120 for 60 minutes $165 for 90 minutes" in text
    assert "Cancel at least 48 hours ahead" in text
    assert "Sliding scale Yes" in text


def test_the_export_lists_prices_packages_and_the_policy(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(
        price_30=70, cancellation_notice_hours=24, cancellation_fee=40
    )
    SessionPackage.objects.create(
        therapist=therapist, sessions=3, minutes=90, price=450
    )
    data = profile_data(Therapist.objects.with_treatments().get(pk=therapist.pk))
    assert data["session_prices"] == [
        {"minutes": 30, "price_usd": 70},
        {"minutes": 60, "price_usd": 120},
    ]
    assert data["packages"] == [{"sessions": 3, "minutes": 90, "price_usd": 450}]
    assert data["cancellation_notice_hours"] == 24
    assert data["cancellation_fee_usd"] == 40
    assert data["assessment"] is None


def test_a_price_sort_lists_those_without_that_length_last(priced):
    _, slugs = run("sort=price")
    assert slugs == ["short", "long", "only-90"]
