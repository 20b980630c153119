"""No recommendation, whatever happens to it, changes a star rating: the stored
totals, the distribution, the stars and the average shown on the profile and
the search card. Property-style: random reviews, then random recommendations,
withdrawals and licence decisions."""

import re

import hypothesis.strategies as st
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from recommendations import writing
from recommendations.models import Recommendation
from reviews import stats
from tests import factories
from verification import decisions

STAR_COLUMNS = (
    "rating_count",
    "rating_sum",
    "rating_average",
    *(f"rating_{n}_count" for n in range(1, 6)),
    "recommend_count",
    "verified_review_count",
    "verified_rating_sum",
    "verified_rating_average",
)
CLINICIANS = 3

actions = st.lists(
    st.tuples(
        st.sampled_from(["recommend", "withdraw", "revoke", "approve"]),
        st.integers(0, CLINICIANS - 1),
    ),
    min_size=1,
    max_size=6,
)


def stars_shown(html: str) -> list[str]:
    """Every star row's label and every average printed beside one."""
    labels = re.findall(r'class="stars" role="img" aria-label="([^"]*)"', html)
    # The review summary's average (a <p>; the score beside it is a <span>),
    # the card's, and the profile's "Rating" fact.
    numbers = re.findall(
        r'<p class="big-number">([^<]*)<|class="rating__value">([^<]*)<'
        r"|<dt>Rating</dt><dd>(.*?)</dd>",
        html,
    )
    return labels + [" ".join(part for part in n if part) for n in numbers]


class NoRecommendationChangesStarsTest(TestCase):
    def figures(self, therapist):
        therapist.refresh_from_db()
        summary = stats.summary_of(therapist)
        browser = Client()
        profile = browser.get(therapist.get_absolute_url()).content.decode()
        search = browser.get("/therapists/", {"q": "Quilla"}).content.decode()
        return {
            "columns": {name: getattr(therapist, name) for name in STAR_COLUMNS},
            "distribution": summary.distribution,
            "profile": stars_shown(profile),
            "card": stars_shown(search),
        }

    @settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(ratings=st.lists(st.integers(1, 5), max_size=6), steps=actions)
    def test_no_recommendation_changes_a_star_rating(self, ratings, steps):
        # Each example's rows are rolled back, versions and all, and the next
        # one's therapist may take the same id and versions: what the last
        # one kept must not be served to this one.
        caches["pages"].clear()
        caches["cards"].clear()
        staff = factories.make_staff_user(
            permissions=["verification.verify_credential"]
        )
        therapist = factories.make_therapist(display_name="Quilla Stone")
        factories.make_location(therapist, "10001")
        factories.make_reviews(therapist, ratings)
        clinicians = [
            factories.make_clinician(display_name=f"Dr. Number {n}")
            for n in range(CLINICIANS)
        ]
        before = self.figures(therapist)
        assert len(before["card"]) == (2 if ratings else 0)

        for action, which in steps:
            clinician = clinicians[which]
            clinician.refresh_from_db()
            licence = clinician.credentials.get()
            current = writing.current_recommendation(clinician, therapist)
            if action == "recommend" and not current and clinician.is_verified:
                writing.recommend(
                    clinician=clinician, therapist=therapist, statement="I refer."
                )
            elif action == "withdraw" and current:
                writing.withdraw(recommendation=current)
            elif action in ("revoke", "approve"):
                decisions.decide(
                    credential=licence,
                    actor=staff,
                    approve=action == "approve",
                    method=licence.Method.DOCUMENT_REVIEW,
                    note="Checked.",
                )
            assert self.figures(therapist) == before, f"after {action} {which}"

        # The recommendations did land: the count is what they say.
        therapist.refresh_from_db()
        assert (
            therapist.clinician_recommendation_count
            == Recommendation.objects.counted().filter(therapist=therapist).count()
        )
