"""The profile's outcomes (the median change in pain among reviewers, the
median PEG score, with counts and the caveat) and the therapist's stated
typical course of care."""

import html
import re

import pytest

from reviews import stats
from tests import factories

pytestmark = pytest.mark.django_db

CAVEAT = (
    "Self-reported by reviewers, not a clinical trial; people whose pain "
    "improved may be more likely to review."
)


def text_of(response) -> str:
    body = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(body.split())


def profile_text(client, therapist) -> str:
    response = client.get(therapist.get_absolute_url())
    assert response.status_code == 200
    return text_of(response)


def reviewed(therapist, pairs, peg=None):
    for before, after in pairs:
        factories.make_review(
            therapist,
            refresh=False,
            pain_before=before,
            pain_after=after,
            condition=factories.condition("sciatica"),
            **(peg or {}),
        )
    factories.make_reviews(therapist, [])  # one recount, as the site does


def test_profile_shows_the_median_change_with_its_count_and_caveat(client, therapist):
    reviewed(
        therapist,
        [(8, 2), (6, 5), (9, 6)],
        peg={"peg_pain": 4, "peg_enjoyment": 2, "peg_activity": 3},
    )

    text = profile_text(client, therapist)

    assert "How reviewers’ back pain changed" in text
    assert (
        "Pain eased by a median of 3 points out of 10 (pain before the first "
        "session minus pain now), among 3 reviewers who gave both."
    ) in text
    assert "Median PEG score now 3.0 out of 10" in text
    assert CAVEAT in text
    assert "Not part of the stars or the score." in text


def test_profile_hides_outcomes_below_three_reviewers(client, therapist):
    reviewed(therapist, [(8, 2), (6, 5)])
    factories.make_reviews(therapist, [5, 5])

    text = profile_text(client, therapist)

    assert "How reviewers’ back pain changed" not in text
    assert CAVEAT not in text


def test_profile_with_outcomes_stays_within_its_query_budget(
    client, therapist, django_assert_max_num_queries
):
    therapist.conditions.add(factories.condition("sciatica"))
    reviewed(
        therapist,
        [(8, 2), (6, 5), (9, 6), (7, 1)],
        peg={"peg_pain": 4, "peg_enjoyment": 2, "peg_activity": 3},
    )

    # Five, and the page cache's version lookup (profiles.page_cache).
    with django_assert_max_num_queries(6):
        response = client.get(therapist.get_absolute_url())

    assert "Pain eased by a median of 4.5 points" in text_of(response)


def test_the_stars_shown_are_the_same_with_or_without_outcomes(client):
    plain, measured = factories.make_therapist(), factories.make_therapist()
    factories.make_reviews(plain, [5, 2, 4])
    for rating, pair in zip([5, 2, 4], [(9, 0), (3, 8), (6, 2)], strict=True):
        factories.make_review(
            measured, refresh=False, rating=rating, pain_before=pair[0],
            pain_after=pair[1], condition=factories.condition("neck-pain"),
        )  # fmt: skip
    factories.make_reviews(measured, [])

    def stars(therapist):
        response = client.get(therapist.get_absolute_url())
        page = response.content.decode()
        return re.search(r'class="big-number">(.*?)<', page).group(1), response

    (plain_stars, _), (measured_stars, response) = stars(plain), stars(measured)
    assert plain_stars == measured_stars == "3.7"
    assert stats.outcomes_of(measured).shown
    assert "Pain eased by a median of 4 points" in text_of(response)


# --- typical course of care ------------------------------------------------------


def test_profile_states_the_typical_course_of_care(client, therapist):
    therapist.sessions_before_reassessing = 4
    therapist.save()

    text = profile_text(client, therapist)

    assert "Typically reassesses after 4 sessions , as Dana Owner states it" in text
    assert "what massage can and cannot do for back pain" in text


def test_one_session_is_singular_and_none_says_nothing(client, therapist):
    therapist.sessions_before_reassessing = 1
    assert therapist.course_of_care == "Typically reassesses after 1 session"
    therapist.sessions_before_reassessing = None
    therapist.save()

    assert "Typically reassesses" not in profile_text(client, therapist)
