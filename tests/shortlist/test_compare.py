"""Comparing 2-4 therapists side by side."""

import datetime
import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.shortlist.helpers import page
from therapists import ranking
from therapists.models import Therapist

pytestmark = pytest.mark.django_db

COMPARE_URL = reverse("shortlist:compare")
CHOOSE_TWO = "Choose at least two therapists to compare"


def compare(client, *slugs, **params):
    query = [("t", slug) for slug in slugs] + list(params.items())
    return client.get(COMPARE_URL, query)


def columns(response) -> list[str]:
    """The names heading each column, left to right."""
    return [
        html_lib.unescape(name)
        for name in re.findall(
            r'<h2 id="c-\d+"><a href="[^"]+">([^<]+)</a></h2>', page(response)
        )
    ]


def column(response, name: str) -> str:
    """The HTML of one therapist's column."""
    html = page(response)
    start = html.index(f">{name}</a></h2>")
    end = html.find('<article class="card compare__col"', start)
    return html[start : end if end > 0 else len(html)]


def share_link(response) -> str:
    (href,) = re.findall(r'<p class="share">[^<]*<a href="([^"]+)"', page(response))
    return html_lib.unescape(href)


@pytest.fixture
def dana(therapist):
    """A verified therapist with techniques, conditions, reviews, near 10001."""
    therapist.back_pain_years = 8
    therapist.session_price = 135
    therapist.save()
    factories.add_technique(therapist, "deep-tissue", years=7)
    factories.add_technique(therapist, "myofascial-release", years=2)
    therapist.conditions.add(factories.condition("sciatica"))
    factories.make_location(therapist, "10001")
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
    """An unverified therapist without reviews, in Brooklyn."""
    other_therapist.back_pain_years = 3
    other_therapist.session_price = 90
    other_therapist.save()
    factories.add_technique(other_therapist, "swedish", years=1)
    factories.make_location(other_therapist, "11201")
    return other_therapist


# --- what is compared -----------------------------------------------------------


def test_two_therapists_side_by_side_in_the_order_asked(client, dana, olive):
    response = compare(client, "olive-other", "dana-owner")
    assert response.status_code == 200
    assert columns(response) == ["Olive Other", "Dana Owner"]
    assert CHOOSE_TWO not in page(response)


def test_column_shows_verified_credentials_with_expiry_only(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other")
    dana_column = column(response, "Dana Owner")
    expiry = datetime.date(timezone.localdate().year + 2, 3, 31).strftime("%b %Y")
    assert f"State licence (NY), expires {expiry}" in dana_column
    assert "Board certification" not in dana_column  # still pending
    assert "Verified</span>" in dana_column  # the badge
    assert '<li class="muted">None</li>' in column(response, "Olive Other")


def test_column_shows_techniques_experience_conditions_and_price(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other")
    dana_column = column(response, "Dana Owner")
    assert "Deep tissue massage · 7 yrs" in dana_column
    assert "Myofascial release · 2 yrs" in dana_column
    assert "8 years; 60% of clients" in dana_column
    assert "Sciatica" in dana_column
    assert "$135 / 60 min" in dana_column
    olive_column = column(response, "Olive Other")
    assert "Swedish massage · 1 yr<" in olive_column
    assert "$90 / 60 min" in olive_column
    assert "Deep tissue" not in olive_column


def test_column_shows_rating_distribution_and_recommend_share(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other")
    dana_column = column(response, "Dana Owner")
    assert "4.0 from 4 · 75% would recommend" in dana_column
    assert 'aria-label="5 stars: 50%"' in dana_column
    assert 'aria-label="4 stars: 25%"' in dana_column
    assert 'aria-label="2 stars: 25%"' in dana_column
    assert "No reviews yet" in column(response, "Olive Other")


def test_column_shows_the_score_breakdown(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other")
    dana_column = column(response, "Dana Owner")
    assert f"Why it ranks here ({dana.qualification_score:.0f}/100)" in dana_column
    for part in ranking.breakdown(dana, Therapist.objects.site_mean_rating()):
        assert f"<dt>{part.label}</dt><dd>{part.points:.1f} / {part.maximum}</dd>" in (
            dana_column
        )
    assert "<dt>Verified state licence</dt><dd>25.0 / 25</dd>" in dana_column
    assert "<dt>Verified state licence</dt><dd>0.0 / 25</dd>" in column(
        response, "Olive Other"
    )


def test_therapist_with_only_unverified_credentials_shows_none(client, dana, olive):
    factories.make_credential(olive, status="pending")
    response = compare(client, "dana-owner", "olive-other")
    assert '<li class="muted">None</li>' in column(response, "Olive Other")


# --- distances -------------------------------------------------------------------


def test_near_a_zip_code_shows_distances(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other", near="10001")
    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert "0.0 miles from 10001" in column(response, "Dana Owner")
    distance = re.search(r"([\d.]+) miles from 10001", column(response, "Olive Other"))
    assert 1 < float(distance.group(1)) < 10


def test_without_near_no_distances_are_shown(client, dana, olive):
    assert "miles from" not in page(compare(client, "dana-owner", "olive-other"))


def test_unknown_place_shows_a_message_and_the_comparison(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other", near="Atlantis")
    html = page(response)
    assert response.status_code == 200
    assert "We could not find “Atlantis”; distances are not shown." in html
    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert "miles from" not in html
    assert "near=" not in share_link(response)


def test_a_far_away_therapist_stays_in_the_comparison(client, dana):
    far = factories.make_therapist(display_name="Lee Faraway", slug="lee-faraway")
    factories.make_location(far, "90012")
    response = compare(client, "dana-owner", "lee-faraway", near="10001")
    assert columns(response) == ["Dana Owner", "Lee Faraway"]


# --- how many ------------------------------------------------------------------


def test_more_than_four_shows_only_the_first_four(client):
    therapists = [factories.make_therapist(display_name=f"T{n}") for n in range(5)]
    response = compare(client, *(t.slug for t in therapists))
    assert columns(response) == ["T0", "T1", "T2", "T3"]
    assert parse_qs(urlsplit(share_link(response)).query)["t"] == [
        t.slug for t in therapists[:4]
    ]


@pytest.mark.parametrize("slugs", [(), ("dana-owner",), ("dana-owner", "dana-owner")])
def test_fewer_than_two_asks_to_choose_at_least_two(client, dana, slugs):
    response = compare(client, *slugs)
    assert response.status_code == 200
    assert CHOOSE_TWO in page(response)
    assert columns(response) == []


def test_unknown_slugs_are_ignored(client, dana, olive):
    response = compare(client, "nobody", "dana-owner", "olive-other")
    assert columns(response) == ["Dana Owner", "Olive Other"]


def test_without_slugs_the_visitor_shortlist_is_compared(client, dana, olive):
    for therapist in (dana, olive):
        client.post(reverse("shortlist:toggle", kwargs={"slug": therapist.slug}))
    assert sorted(columns(compare(client))) == ["Dana Owner", "Olive Other"]


# --- who sees what -------------------------------------------------------------


def test_anonymous_visitors_can_compare(client, dana, olive):
    response = compare(client, "dana-owner", "olive-other")
    html = page(response)
    assert response.status_code == 200
    assert 'href="/therapists/dana-owner/interview/">Ask Dana Owner</a>' in html
    assert "No answers yet." not in html


def test_client_sees_the_answers_given_to_them_and_never_anothers(
    client, client_user, dana, olive
):
    factories.make_interview(
        therapist=dana,
        client=client_user,
        questions=["Do you treat sciatica?"],
        answers=["Yes, most weeks."],
        status="accepted",
        answered_at=timezone.now(),
    )
    factories.make_interview(
        therapist=olive,
        questions=["Secret question from someone else?"],
        answers=["Secret answer for someone else."],
        status="accepted",
        answered_at=timezone.now(),
    )
    client.force_login(client_user)
    response = compare(client, "dana-owner", "olive-other")
    dana_column = column(response, "Dana Owner")
    assert "<dt>Do you treat sciatica?</dt><dd>Yes, most weeks.</dd>" in dana_column
    olive_column = column(response, "Olive Other")
    assert "No answers yet." in olive_column
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
    assert "No answers yet." in column(response, "Dana Owner")


def test_share_link_holds_only_slugs_and_place(client, client_user, dana, olive):
    factories.make_interview(
        therapist=dana,
        client=client_user,
        answers=["Yes."],
        status="accepted",
        answered_at=timezone.now(),
    )
    client.force_login(client_user)
    response = compare(client, "dana-owner", "olive-other", near="10001")
    link = urlsplit(share_link(response))
    assert link.path == COMPARE_URL
    assert parse_qs(link.query) == {
        "t": ["dana-owner", "olive-other"],
        "near": ["10001"],
    }
    assert client_user.email not in link.query
    assert client_user.username not in link.query


def test_share_link_opens_the_same_comparison_for_a_visitor(
    client, client_user, dana, olive
):
    client.force_login(client_user)
    link = share_link(compare(client, "dana-owner", "olive-other", near="10001"))
    client.logout()
    response = client.get(link)
    assert columns(response) == ["Dana Owner", "Olive Other"]
    assert "0.0 miles from 10001" in page(response)


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
    assert sorted(columns(response)) == ["Dana Owner", "Olive Other"]
    assert "Drew Draft" not in page(response)
