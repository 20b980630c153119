"""How fresh a therapist's own details are: marked on every page after 90 days,
and worth a few points in the ranking while fresh (therapists.freshness)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from therapists import freshness, ranking, search
from therapists.models import PracticeLocation, Therapist

LIST_URL = reverse("therapists:list")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def text_of(html: str) -> str:
    """The page's words, one space apart, punctuation against its word."""
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return re.sub(r" ([:.,])", r"\1", words)


def card_of(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start : html.index("</article>", start)]


# --- the rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "fresh"), [(0, True), (89, True), (90, True), (91, False), (400, False)]
)
def test_a_confirmation_counts_for_90_days(age, fresh):
    today = datetime.date(2026, 6, 1)
    confirmed_on = today - datetime.timedelta(days=age)

    assert freshness.is_fresh(confirmed_on, today) is fresh
    assert (today >= freshness.stale_from(confirmed_on)) is not fresh


def test_never_confirmed_is_never_fresh():
    assert freshness.is_fresh(None, datetime.date(2026, 6, 1)) is False


@pytest.mark.parametrize(
    ("confirmed_on", "words"),
    [
        (datetime.date(2026, 3, 2), "Not confirmed since Mar 2, 2026"),
        (datetime.date(2026, 5, 30), "Confirmed May 30, 2026"),
        (None, "Not confirmed by the therapist yet"),
    ],
)
def test_the_confirmation_in_plain_words(confirmed_on, words):
    confirmation = freshness.confirmation(confirmed_on, datetime.date(2026, 6, 1))

    assert confirmation.words == words
    assert str(confirmation) == words


# --- on the pages a client reads --------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("age", "fresh"), [(89, True), (90, True), (91, False)])
def test_profile_card_and_comparison_mark_details_unconfirmed_after_90_days(
    client, age, fresh
):
    confirmed_on = days_ago(age)
    day = freshness.short_date(confirmed_on)
    therapist = factories.make_therapist(
        display_name="Nell Fresh", slug="nell-fresh", details_confirmed_on=confirmed_on
    )
    factories.make_location(therapist, "10001")
    other = factories.make_therapist(display_name="Olga Other", slug="olga-other")
    expected = f"Confirmed {day}" if fresh else f"Not confirmed since {day}"
    wrong = f"Not confirmed since {day}" if fresh else f"Confirmed {day}"

    profile = client.get(therapist.get_absolute_url()).content.decode()
    card = card_of(client.get(LIST_URL).content.decode(), "Nell Fresh")
    compare = client.get(
        reverse("shortlist:compare"), {"t": [therapist.slug, other.slug]}
    ).content.decode()

    for html in (profile, card, compare):
        assert expected in text_of(html)
        assert wrong not in text_of(html)
    for html in (profile, card):
        assert ("freshness--stale" in html) is not fresh
    assert (
        f"{expected}: taking new clients, price, languages, home visits and access"
        in text_of(profile)
    )
    assert "Not confirmed by the therapist yet" in text_of(compare)  # the other one


@pytest.mark.django_db
def test_the_card_reads_the_confirmation_without_another_query(
    django_assert_num_queries,
):
    for n in range(5):
        therapist = factories.make_therapist(details_confirmed_on=days_ago(n * 40))
        factories.make_location(therapist, "10001")
    # rows, technique links, locations: as before the confirmation was shown
    with django_assert_num_queries(3):
        results = list(Therapist.objects.published().for_listing()[:20])
        search.measure(results, None)
        words = [t.details_confirmation.words for t in results]
    assert sum(w.startswith("Not confirmed since") for w in words) == 2


# --- the ranking ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "points"), [(0, 5), (89, 5), (90, 5), (91, 0), (None, 0)]
)
def test_the_freshness_part_is_worth_points_for_90_days(age, points):
    today = datetime.date(2026, 6, 1)
    inputs = ranking.RankingInputs(
        verified_licences=1,
        verified_certifications=0,
        other_verified_credentials=0,
        back_pain_years=3,
        rating_count=0,
        rating_sum=0,
        positive_count=0,
        details_confirmed_on=None if age is None else today - datetime.timedelta(age),
        on=today,
    )

    (part,) = [p for p in ranking.score_parts(inputs) if p.key == "freshness"]

    assert part.points == points == ranking.FRESHNESS_POINTS * (points > 0)
    assert part.maximum == ranking.FRESHNESS_POINTS
    assert part.label == "Details confirmed in the last 90 days"
    assert "We do not check these details" in part.explanation


@pytest.mark.django_db
def test_stale_details_rank_below_fresh_ones_otherwise_equal(client):
    fresh = factories.make_therapist(
        display_name="Fresh Fay", details_confirmed_on=days_ago(90)
    )
    # Made last, the stale one would win a tie on id and come first.
    stale = factories.make_therapist(
        display_name="Stale Sam", details_confirmed_on=days_ago(91)
    )
    for therapist in (fresh, stale):
        factories.make_location(therapist, "10001")

    assert fresh.qualification_score == (
        stale.qualification_score + ranking.FRESHNESS_POINTS
    )
    names = re.findall(
        r'class="result__name"><a [^>]*>([^<]+)</a>',
        client.get(LIST_URL, {"near": "10001", "sort": "best"}).content.decode(),
    )
    assert names == ["Fresh Fay", "Stale Sam"]
    names = re.findall(
        r'class="result__name"><a [^>]*>([^<]+)</a>',
        client.get(LIST_URL).content.decode(),
    )
    assert names == ["Fresh Fay", "Stale Sam"]


@pytest.mark.django_db
def test_the_profile_explains_the_freshness_points(client):
    therapist = factories.make_therapist(details_confirmed_on=days_ago(120))

    text = text_of(client.get(therapist.get_absolute_url()).content.decode())

    day = freshness.short_date(days_ago(120))
    assert "Details confirmed in the last 90 days 0.0" in text  # the meter
    assert f"0.0 / 5 Not confirmed since {day}." in text
    assert f"of {ranking.MAX_SCORE}" in text


# --- the querysets the daily job uses -------------------------------------------


@pytest.mark.django_db
def test_details_stale_are_those_older_than_90_days_or_never_confirmed():
    today = timezone.localdate()
    made = {
        age: factories.make_therapist(
            details_confirmed_on=None if age is None else days_ago(age)
        )
        for age in (None, 0, 90, 91, 200)
    }

    stale = set(Therapist.objects.details_stale(today))

    assert stale == {made[None], made[91], made[200]}


@pytest.mark.django_db
def test_details_turned_stale_are_only_those_that_just_crossed_90_days():
    today = timezone.localdate()
    made = {
        age: factories.make_therapist(details_confirmed_on=days_ago(age))
        for age in (90, 91, 93, 94, 300)
    }

    crossed = set(Therapist.objects.details_turned_stale(today, days_back=3))

    assert crossed == {made[91], made[93]}
    assert set(Therapist.objects.details_turned_stale(today, days_back=1)) == {made[91]}


@pytest.mark.django_db
def test_due_a_reminder_are_published_stale_and_not_reminded_for_30_days():
    today = timezone.localdate()

    def make(confirmed, reminded=None, published=True):
        return factories.make_therapist(
            details_confirmed_on=None if confirmed is None else days_ago(confirmed),
            details_reminder_sent_on=None if reminded is None else days_ago(reminded),
            is_published=published,
        )

    never = make(None)
    stale = make(120)
    reminded_long_ago = make(120, reminded=30)
    make(120, reminded=29)  # reminded recently
    make(120, published=False)  # a draft
    make(30)  # fresh

    due = set(Therapist.objects.due_details_reminder(today))

    assert due == {never, stale, reminded_long_ago}


@pytest.mark.django_db
def test_rerank_on_a_day_scores_the_freshness_of_that_day():
    therapist = factories.make_therapist(details_confirmed_on=days_ago(0))
    fresh_score = therapist.qualification_score
    factories.make_location(therapist, "10001")

    changed = Therapist.objects.rerank(on=timezone.localdate() + datetime.timedelta(91))

    assert changed == 1
    therapist.refresh_from_db()
    assert therapist.qualification_score == fresh_score - ranking.FRESHNESS_POINTS
    assert PracticeLocation.objects.get(
        therapist=therapist
    ).qualification_score == pytest.approx(therapist.qualification_score)


@pytest.mark.django_db
def test_staff_cannot_confirm_a_therapists_details_in_the_admin(client, staff_user):
    therapist = factories.make_therapist()
    client.force_login(staff_user)

    page = client.get(
        reverse("admin:therapists_therapist_change", args=[therapist.pk])
    ).content.decode()

    assert 'name="details_confirmed_on"' not in page
    assert "Details last confirmed" in page
