"""Comparing 2-4 therapists side by side, in one table."""

import datetime
import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.shortlist.helpers import compare_table, page
from therapists import ranking
from therapists.freshness import short_date

pytestmark = pytest.mark.django_db

COMPARE_URL = reverse("shortlist:compare")
CHOOSE_TWO = "Choose at least two therapists to compare"
DETAILS_CONFIRMED = "Details confirmed by the therapist; we do not check them"
ACCESS = "Access as the therapist states it; what is not listed is not stated"


def compare(client, *slugs, **params):
    query = [("t", slug) for slug in slugs] + list(params.items())
    return client.get(COMPARE_URL, query)


def columns(response) -> list[str]:
    """The names heading each column, left to right."""
    table = compare_table(response)
    return table.therapists if table else []


def column(response, name: str) -> dict[str, str]:
    """One therapist's cells, by row label."""
    return compare_table(response).column(name)


def share_link(response) -> str:
    (value,) = re.findall(
        r'<input id="share-link" type="text" value="([^"]+)"', page(response)
    )
    return html_lib.unescape(value)


@pytest.fixture
def dana(therapist):
    """A verified therapist with techniques, conditions, reviews, near 10001."""
    therapist.back_pain_years = 8
    therapist.session_price = 135
    therapist.details_confirmed_on = timezone.localdate() - datetime.timedelta(days=200)
    therapist.offers_mobile_visits = True
    therapist.wheelchair_accessible = True
    therapist.save()
    factories.add_technique(therapist, "deep-tissue", years=7)
    factories.add_technique(therapist, "myofascial-release", years=2)
    factories.add_language(therapist, "es")
    factories.add_language(therapist, "en")
    therapist.conditions.add(factories.condition("sciatica"))
    factories.make_location(therapist, "10001")
    factories.make_location(therapist, "11201")
    factories.make_credential(
        therapist, expires_on=datetime.date(timezone.localdate().year + 2, 3, 31)
    )
    factories.make_credential(
        therapist,
        kind="board_certification",
        issuer="NCBTMB",
        jurisdiction="US",
        status="pending",
    )
    factories.make_reviews(therapist, [5, 5, 4, 2])
    therapist.refresh_from_db()
    return therapist


@pytest.fixture
def olive(other_therapist):
    """An unverified therapist without reviews or languages, in Brooklyn, who is
    not taking new clients."""
    other_therapist.back_pain_years = 1
    other_therapist.session_price = 90
    other_therapist.accepting_new_clients = False
    other_therapist.details_confirmed_on = timezone.localdate()
    other_therapist.save()
    factories.add_technique(other_therapist, "swedish", years=1)
    factories.make_location(other_therapist, "11201")
    return other_therapist


# --- one table, rows that line up -------------------------------------------------


def test_two_therapists_side_by_side_in_the_order_asked(client, dana, olive):
    response = compare(client, "olive-other", "dana-owner")
    assert response.status_code == 200
    assert columns(response) == ["Olive Other", "Dana Owner"]
    assert CHOOSE_TWO not in page(response)


@pytest.mark.parametrize("how_many", [2, 3, 4])
def test_every_row_has_one_cell_per_therapist(client, how_many):
    therapists = [factories.make_therapist() for _ in range(how_many)]
    response = compare(client, *(t.slug for t in therapists), near="10001")
    table = compare_table(response)
    assert len(table.therapists) == how_many
    assert len(table.rows) >= 15
    assert {len(cells) for cells in table.rows.values()} == {how_many}


def test_it_is_a_real_table_with_row_and_column_headers(client, dana, olive):
    html = page(compare(client, "dana-owner", "olive-other"))
    assert html.count('<th scope="col">') == 2
    assert html.count('<th scope="row">') == len(
        compare_table(compare(client, "dana-owner", "olive-other")).rows
    )
    assert "<caption" in html
    # The table scrolls sideways inside a region a keyboard can reach.
    assert re.search(
        r'<div class="compare-scroll" role="region" aria-labelledby="compare-caption"'
        r'[^>]* tabindex="0">',
        html,
    )


PAYING = "Paying check what your plan or claim covers; we do not"
PLANS = "Insurance plans with when the therapist last confirmed each"


def test_rows_come_in_the_order_people_decide_in(client, dana, olive):
    table = compare_table(compare(client, "dana-owner", "olive-other", near="10001"))
    assert list(table.rows) == [
        "Accepting new clients",
        "Hours as the therapist states them, in their local time",
        "Next opening as the therapist last confirmed it",
        "Answers requests to ask before booking, last 90 days",
        DETAILS_CONFIRMED,
        "Price",
        "Sliding scale",
        "Cancellation",
        PAYING,
        PLANS,
        "Distance",
        "Where",
        "Home visits",
        ACCESS,
        "Languages",
        "Verified credentials",
        "Back pain experience",
        "Typical course of care as the therapist states it",
        "Pressure offered as the therapist states it",
        "Clothed or over-the-sheet work",
        "A companion in the room",
        "Stop or change anything the therapist's commitment; we cannot check it",
        "Trauma-informed care training",
        "Techniques",
        "Conditions treated",
        "Average rating",
        "Rated 4 or 5 stars",
        "Would recommend",
        "Stars given",
        "Ranking score",
        "Answers to your questions",
    ]


# --- what is compared -----------------------------------------------------------


def test_accepting_new_clients_and_when_the_details_were_confirmed(client, dana, olive):
    table = compare_table(compare(client, "dana-owner", "olive-other"))
    assert table.cell("Accepting new clients", "Dana Owner") == "Yes"
    assert table.cell("Accepting new clients", "Olive Other") == (
        "Not taking new clients"
    )
    assert table.cell(DETAILS_CONFIRMED, "Dana Owner") == (
        f"Not confirmed since {short_date(dana.details_confirmed_on)}"
    )
    assert table.cell(DETAILS_CONFIRMED, "Olive Other") == (
        f"Confirmed {short_date(olive.details_confirmed_on)}"
    )


def test_languages_home_visits_and_access(client, dana, olive):
    table = compare_table(compare(client, "dana-owner", "olive-other"))
    assert table.cell("Languages", "Dana Owner") == "English, Spanish"
    assert table.cell("Languages", "Olive Other") == "Not listed"
    assert table.cell("Home visits", "Dana Owner") == "Offers home and mobile visits"
    assert table.cell("Home visits", "Olive Other") == "No home visits"
    assert table.cell(ACCESS, "Dana Owner") == "Step-free entrance"
    assert table.cell(ACCESS, "Olive Other") == "Nothing stated"


def test_where_names_the_first_place_and_counts_the_others(client, dana, olive):
    table = compare_table(compare(client, "dana-owner", "olive-other"))
    assert table.cell("Where", "Dana Owner") == "New York, NY and one other place"
    assert table.cell("Where", "Olive Other") == "Brooklyn, NY"


def test_column_shows_verified_credentials_with_expiry_only(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other")
    expiry = datetime.date(timezone.localdate().year + 2, 3, 31).strftime("%b %Y")
    dana_column = column(response, "Dana Owner")
    assert dana_column["Verified credentials"] == (
        f"State licence (NY), expires {expiry}"
    )
    assert "Board certification" not in page(response)  # still pending
    assert column(response, "Olive Other")["Verified credentials"] == (
        "None verified yet"
    )


def test_the_badge_heads_the_verified_therapists_column(client, dana, olive):
    html = page(compare(client, "dana-owner", "olive-other"))
    headers = re.findall(r'<th scope="col">(.*?)</th>', html, flags=re.S)
    assert "Verified</span>" in headers[0]
    assert "Verified</span>" not in headers[1]


def test_experience_is_said_in_words(client, dana, olive):
    table = compare_table(compare(client, "dana-owner", "olive-other"))
    assert table.cell("Back pain experience", "Dana Owner") == (
        "Eight years treating back pain. About 60% of their clients come with back "
        "or muscle pain."
    )
    assert table.cell("Back pain experience", "Olive Other").startswith(
        "One year treating back pain."
    )


def test_techniques_conditions_and_price(client, dana, olive):
    table = compare_table(compare(client, "dana-owner", "olive-other"))
    assert table.cell("Techniques", "Dana Owner") == (
        "Deep tissue massage: 7 years Myofascial release: 2 years"
    )
    assert table.cell("Techniques", "Olive Other") == "Swedish massage: 1 year"
    assert table.cell("Conditions treated", "Dana Owner") == "Sciatica"
    assert table.cell("Conditions treated", "Olive Other") == "None listed"
    assert table.cell("Price", "Dana Owner") == "$135 for 60 minutes"
    assert table.cell("Price", "Olive Other") == "$90 for 60 minutes"


def test_rating_summary_average_share_recommend_and_distribution(client, dana, olive):
    table = compare_table(compare(client, "dana-owner", "olive-other"))
    assert table.cell("Average rating", "Dana Owner") == "4.0 out of 5 from 4 reviews"
    assert table.cell("Rated 4 or 5 stars", "Dana Owner") == "75% (3 of 4)"
    assert table.cell("Would recommend", "Dana Owner") == "75% of reviewers"
    assert table.cell("Stars given", "Dana Owner") == (
        "5 stars 50% 2 4 stars 25% 1 3 stars 0% 0 2 stars 25% 1 1 star 0% 0"
    )
    for row in ("Average rating", "Rated 4 or 5 stars", "Would recommend"):
        assert table.cell(row, "Olive Other") == "No reviews yet"
    assert table.cell("Stars given", "Olive Other") == "No reviews yet"


def test_the_average_is_shown_as_labelled_stars(client, dana, olive):
    html = page(compare(client, "dana-owner", "olive-other"))
    assert 'role="img" aria-label="Rated 4.0 out of 5"' in html
    assert 'aria-label="5 stars: 50%"' in html


def test_column_shows_the_score_breakdown(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other")
    score = column(response, "Dana Owner")["Ranking score"]
    assert score.startswith(
        f"{dana.qualification_score:.0f} out of {ranking.MAX_SCORE}"
    )
    for part in ranking.breakdown(dana):
        assert f"{part.label} {part.points:.1f} / {part.maximum}" in score
    assert "Verified state licence 25.0 / 25" in score
    assert (
        "Verified state licence 0.0 / 25"
        in (column(response, "Olive Other")["Ranking score"])
    )
    assert 'href="/how-we-rank/"' in page(response)


def test_therapist_with_only_unverified_credentials_shows_none(client, dana, olive):
    factories.make_credential(olive, status="pending")
    response = compare(client, "dana-owner", "olive-other")
    assert column(response, "Olive Other")["Verified credentials"] == (
        "None verified yet"
    )


# --- distances -------------------------------------------------------------------


def test_near_a_zip_code_shows_distances(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other", near="10001")
    table = compare_table(response)
    assert table.therapists == ["Dana Owner", "Olive Other"]
    assert table.cell("Distance", "Dana Owner") == "0.0 miles from 10001"
    distance = re.match(
        r"([\d.]+) miles from 10001", table.cell("Distance", "Olive Other")
    )
    assert 1 < float(distance.group(1)) < 10
    # The nearest of Dana's two places is the one named.
    assert table.cell("Where", "Dana Owner").startswith("New York, NY")


def test_distance_is_measured_to_the_nearest_place(client, dana, olive):
    table = compare_table(compare(client, "dana-owner", "olive-other", near="11201"))
    assert table.cell("Distance", "Dana Owner") == "0.0 miles from 11201"
    assert table.cell("Where", "Dana Owner").startswith("Brooklyn, NY")


def test_a_therapist_without_a_location_has_no_distance(client, dana):
    factories.make_therapist(display_name="Nomad Ness", slug="nomad")
    table = compare_table(compare(client, "dana-owner", "nomad", near="10001"))
    assert table.cell("Distance", "Nomad Ness") == "No practice location listed"
    assert table.cell("Where", "Nomad Ness") == "No practice location listed"


def test_without_near_no_distances_are_shown(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other")
    assert "Distance" not in compare_table(response).rows
    assert "miles from" not in page(response)


@pytest.mark.parametrize(
    "near", ["Atlantis", "00000", "x" * 500, "<script>alert(1)</script>", "1\x000001"]
)
def test_unknown_place_shows_a_message_and_the_comparison(client, dana, olive, near):
    response = compare(client, "dana-owner", "olive-other", near=near)
    html = page(response)
    assert response.status_code == 200
    assert "so distances are not shown" in html
    assert "<script>alert" not in html
    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert "miles from" not in html
    assert "near=" not in share_link(response)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("10001-4567", "10001"), ("  brooklyn ,  ny ", "Brooklyn, NY")],
)
def test_the_place_is_shown_and_shared_no_finer_than_a_zip(
    client, dana, olive, typed, shown
):
    response = compare(client, "dana-owner", "olive-other", near=typed)
    assert (
        compare_table(response)
        .cell("Distance", "Dana Owner")
        .endswith(f"miles from {shown}")
    )
    assert parse_qs(urlsplit(share_link(response)).query)["near"] == [shown]


def test_a_far_away_therapist_stays_in_the_comparison(client, dana):
    far = factories.make_therapist(display_name="Lee Faraway", slug="lee-faraway")
    factories.make_location(far, "90012")
    response = compare(client, "dana-owner", "lee-faraway", near="10001")
    assert columns(response) == ["Dana Owner", "Lee Faraway"]


# --- how many, and bad input ----------------------------------------------------


def test_more_than_four_shows_the_first_four_and_says_so(client):
    therapists = [factories.make_therapist(display_name=f"T{n}") for n in range(5)]
    response = compare(client, *(t.slug for t in therapists))
    assert columns(response) == ["T0", "T1", "T2", "T3"]
    assert "This link names 5 therapists. A comparison shows up to four" in page(
        response
    )
    assert parse_qs(urlsplit(share_link(response)).query)["t"] == [
        t.slug for t in therapists[:4]
    ]


@pytest.mark.parametrize("slugs", [(), ("dana-owner",), ("dana-owner", "dana-owner")])
def test_fewer_than_two_asks_to_choose_at_least_two(client, dana, slugs):
    response = compare(client, *slugs)
    assert response.status_code == 200
    assert CHOOSE_TWO in page(response)
    assert compare_table(response) is None
    assert 'id="share-link"' not in page(response)


def test_unknown_slugs_are_left_out_with_a_note(client, dana, olive):
    response = compare(client, "nobody", "dana-owner", "olive-other")
    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert (
        "One of the therapists named in this link is no longer listed, so they are "
        "not shown." in page(response)
    )


@pytest.mark.parametrize(
    "junk", ["", " ", "../../etc/passwd", "ü" * 300, "<b>", "1 OR 1=1", "\x00"]
)
def test_junk_slugs_never_break_the_page(client, dana, olive, junk):
    response = compare(client, junk, "dana-owner", "olive-other")
    assert response.status_code == 200
    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert "<b>" not in page(response).split("</header>", 1)[1]


def test_without_slugs_the_visitor_shortlist_is_compared_in_order(client, dana, olive):
    for therapist in (olive, dana):
        client.post(reverse("shortlist:toggle", kwargs={"slug": therapist.slug}))
    assert columns(compare(client)) == ["Olive Other", "Dana Owner"]


def test_without_slugs_only_the_first_four_of_the_shortlist(client):
    therapists = [factories.make_therapist(display_name=f"T{n}") for n in range(6)]
    for therapist in therapists:
        client.post(reverse("shortlist:toggle", kwargs={"slug": therapist.slug}))
    assert columns(compare(client)) == ["T0", "T1", "T2", "T3"]


# --- who sees what -------------------------------------------------------------


def answered(therapist, client_user, answer="Yes, most weeks."):
    return factories.make_interview(
        therapist=therapist,
        client=client_user,
        questions=["Do you treat sciatica?"],
        answers=[answer],
        status="accepted",
        answered_at=timezone.now(),
    )


def test_anonymous_visitors_can_compare_and_are_offered_to_ask(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other")
    html = page(response)
    assert response.status_code == 200
    assert 'href="/therapists/dana-owner/interview/">Ask Dana Owner</a>' in html
    assert "No answers yet." not in html
    assert column(response, "Olive Other")["Answers to your questions"] == (
        "Ask Olive Other"
    )


def test_client_sees_the_answers_given_to_them_and_never_anothers(
    client, client_user, dana, olive
):
    answered(dana, client_user)
    factories.make_interview(
        therapist=olive,
        questions=["Secret question from someone else?"],
        answers=["Secret answer for someone else."],
        status="accepted",
        answered_at=timezone.now(),
    )
    client.force_login(client_user)
    response = compare(client, "dana-owner", "olive-other")
    assert column(response, "Dana Owner")["Answers to your questions"] == (
        "Do you treat sciatica? Yes, most weeks."
    )
    assert column(response, "Olive Other")["Answers to your questions"] == (
        "No answers yet. Ask Olive Other"
    )
    assert "Secret" not in page(response)


def test_unanswered_questions_are_not_shown_as_answers(
    client, client_user, dana, olive
):
    factories.make_interview(
        therapist=dana, client=client_user, questions=["Do you treat sciatica?"]
    )
    client.force_login(client_user)
    response = compare(client, "dana-owner", "olive-other")
    assert "Do you treat sciatica?" not in page(response)
    assert column(response, "Dana Owner")["Answers to your questions"].startswith(
        "No answers yet."
    )


@pytest.mark.parametrize(
    "viewer", ["anonymous", "another client", "the therapist", "staff"]
)
def test_a_shared_link_shows_only_public_data_to_anyone_else(
    client, client_user, staff_user, dana, olive, viewer
):
    answered(dana, client_user, answer="Private details of my back.")
    client.force_login(client_user)
    link = share_link(compare(client, "dana-owner", "olive-other", near="10001"))
    client.logout()
    others = {
        "another client": factories.make_user(username="someone-else"),
        "the therapist": dana.user,
        "staff": staff_user,
    }
    if viewer in others:
        client.force_login(others[viewer])

    response = client.get(link)

    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert compare_table(response).cell("Distance", "Dana Owner") == (
        "0.0 miles from 10001"
    )
    html = page(response)
    assert "Private details of my back." not in html
    assert "Do you treat sciatica?" not in html
    assert "Ask Dana Owner" in html


def test_share_link_holds_only_slugs_and_place(client, client_user, dana, olive):
    answered(dana, client_user)
    client.force_login(client_user)
    response = compare(client, "dana-owner", "olive-other", near="10001")
    link = urlsplit(share_link(response))
    assert (link.scheme, link.netloc, link.path) == ("http", "testserver", COMPARE_URL)
    assert parse_qs(link.query) == {
        "t": ["dana-owner", "olive-other"],
        "near": ["10001"],
    }
    assert client_user.username not in share_link(response)


def test_share_link_is_a_read_only_field_with_a_copy_button_for_scripts(
    client, dana, olive
):
    html = page(compare(client, "dana-owner", "olive-other"))
    assert '<label for="share-link">Link to this comparison</label>' in html
    assert re.search(r'<input id="share-link" type="text" value="[^"]+" readonly', html)
    # Hidden until share.js can copy; the status line announces the result.
    assert re.search(
        r'<button type="button"[^>]*data-copy="share-link"[^>]*hidden>', html
    )
    assert '<p class="share__status" id="share-status" role="status"></p>' in html
    assert re.search(r'<script src="/static/js/share\.js" defer></script>', html)


def test_share_link_opens_the_same_comparison(client, client_user, dana, olive):
    client.force_login(client_user)
    link = share_link(compare(client, "dana-owner", "olive-other", near="10001"))
    client.logout()
    response = client.get(link)
    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert share_link(response) == link


def test_unpublished_therapists_never_appear(client, dana, olive):
    factories.make_therapist(
        display_name="Drew Draft", slug="drew-draft", is_published=False
    )
    response = compare(client, "drew-draft", "dana-owner", "olive-other")
    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert "Drew Draft" not in page(response)
    assert "drew-draft" not in share_link(response)


def test_unpublished_therapists_never_appear_from_the_shortlist(
    client, client_user, dana, olive
):
    draft = factories.make_therapist(display_name="Drew Draft", is_published=False)
    for therapist in (draft, dana, olive):
        factories.make_shortlist_entry(user=client_user, therapist=therapist)
    client.force_login(client_user)
    response = compare(client)
    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert "Drew Draft" not in page(response)


def test_compare_page_headings_do_not_skip_a_level(client, dana, olive):
    html = page(compare(client, "dana-owner", "olive-other"))
    main = html.split('<main id="main"', 1)[1]
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", main)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
