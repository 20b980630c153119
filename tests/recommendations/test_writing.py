"""Recommending and withdrawing: who may, one per pair, never oneself, and the
count and score that follow in the same change."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from recommendations import writing
from recommendations.models import Recommendation
from tests import factories
from therapists import ranking
from verification import badges

pytestmark = pytest.mark.django_db


def test_a_verified_clinician_recommends_and_the_count_and_score_follow(therapist):
    before = therapist.qualification_score
    recommendation = writing.recommend(
        clinician=factories.make_clinician(),
        therapist=therapist,
        statement="  I refer patients with sciatica to her.  ",
    )
    therapist.refresh_from_db()
    assert recommendation.statement == "I refer patients with sciatica to her."
    assert recommendation.is_current
    assert therapist.clinician_recommendation_count == 1
    assert therapist.qualification_score == before + ranking.CLINICIAN_POINTS_EACH


def test_the_score_copy_on_locations_follows(therapist):
    factories.make_location(therapist, "10001")
    factories.make_recommendation(therapist=therapist)
    location = therapist.locations.get()
    assert location.qualification_score == therapist.qualification_score


def test_one_current_recommendation_per_clinician_and_therapist(therapist):
    clinician = factories.make_clinician()
    factories.make_recommendation(clinician, therapist)
    with pytest.raises(writing.Refused) as refused:
        writing.recommend(clinician=clinician, therapist=therapist, statement="Again.")
    assert refused.value.message == writing.ALREADY
    assert Recommendation.objects.count() == 1
    therapist.refresh_from_db()
    assert therapist.clinician_recommendation_count == 1


def test_the_database_refuses_a_second_current_recommendation_of_a_pair(therapist):
    recommendation = factories.make_recommendation(therapist=therapist)
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(
            clinician=recommendation.clinician, therapist=therapist, statement="Twice."
        )


def test_the_database_refuses_an_empty_statement(therapist):
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(
            clinician=factories.make_clinician(), therapist=therapist, statement=""
        )


def test_after_withdrawing_a_clinician_may_recommend_again_and_history_stays(
    therapist,
):
    clinician = factories.make_clinician()
    first = factories.make_recommendation(clinician, therapist)
    writing.withdraw(recommendation=first)
    second = factories.make_recommendation(clinician, therapist, statement="Anew.")
    assert first.withdrawn_at is not None
    assert list(Recommendation.objects.current()) == [second]
    assert Recommendation.objects.by(clinician).count() == 2
    assert therapist.clinician_recommendation_count == 1


def test_a_clinician_who_is_the_therapist_cannot_recommend_themself(therapist):
    clinician = factories.make_clinician(user=therapist.user)
    with pytest.raises(writing.Refused) as refused:
        writing.recommend(clinician=clinician, therapist=therapist, statement="Me!")
    assert refused.value.message == writing.SELF
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("licence", ["none", "pending", "rejected", "lapsed"])
def test_a_clinician_without_a_current_verified_licence_cannot_recommend(
    therapist, licence
):
    clinician = factories.make_clinician(verified=False)
    if licence == "lapsed":
        factories.make_licence(
            clinician, expires_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    elif licence != "none":
        factories.make_licence(clinician, status=licence)
    with pytest.raises(writing.Refused) as refused:
        writing.recommend(clinician=clinician, therapist=therapist, statement="Hi.")
    assert refused.value.message == writing.NOT_VERIFIED
    assert not Recommendation.objects.exists()


def test_a_licence_revoked_after_the_page_loaded_still_refuses(therapist):
    clinician = factories.make_clinician()
    stale = type(clinician).objects.get(pk=clinician.pk)  # as the view loaded it
    licence = clinician.credentials.get()
    licence.status = licence.Status.REJECTED
    licence.verified_at = None
    licence.save()
    badges.clinicians_changed([clinician.pk])
    with pytest.raises(writing.Refused):
        writing.recommend(clinician=stale, therapist=therapist, statement="Late.")


def test_refusal_names_each_reason(therapist):
    assert writing.refusal(None, therapist) == writing.NOT_A_CLINICIAN
    assert writing.refusal(factories.make_clinician(), therapist) == ""


def test_withdrawing_keeps_the_row_and_drops_the_count_and_score(therapist):
    before = therapist.qualification_score
    recommendation = factories.make_recommendation(therapist=therapist)
    writing.withdraw(recommendation=recommendation)
    therapist.refresh_from_db()
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()
    assert recommendation.withdrawn_at is not None
    assert therapist.clinician_recommendation_count == 0
    assert therapist.qualification_score == before


def test_withdrawing_twice_changes_nothing_more(therapist):
    recommendation = factories.make_recommendation(therapist=therapist)
    writing.withdraw(recommendation=recommendation)
    withdrawn_at = recommendation.withdrawn_at
    writing.withdraw(recommendation=recommendation)
    assert recommendation.withdrawn_at == withdrawn_at


def test_withdraw_all_withdraws_only_current_ones_and_recounts_each(therapist):
    other = factories.make_therapist()
    clinician = factories.make_clinician()
    first = factories.make_recommendation(clinician, therapist)
    factories.make_recommendation(clinician, other)
    writing.withdraw(recommendation=first)
    count = writing.withdraw_all(recommendations=Recommendation.objects.all())
    assert count == 1
    for someone in (therapist, other):
        someone.refresh_from_db()
        assert someone.clinician_recommendation_count == 0


def test_the_recommendation_points_are_capped(therapist):
    for n in range(4):
        factories.make_recommendation(
            factories.make_clinician(display_name=f"Dr. {n}"), therapist
        )
    part = next(p for p in ranking.breakdown(therapist) if p.key == "clinicians")
    assert therapist.clinician_recommendation_count == 4
    assert part.points == ranking.CLINICIAN_POINTS_MAX == part.maximum
    assert part.detail == "Recommended by 4 clinicians."
