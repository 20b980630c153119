import datetime

import pytest
from django.utils import timezone

from recommendations import writing
from recommendations.models import Recommendation
from tests import factories

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_current_leaves_out_withdrawn_ones(therapist):
    kept = factories.make_recommendation(therapist=therapist)
    gone = factories.make_recommendation(therapist=therapist)
    writing.withdraw(recommendation=gone)
    assert list(Recommendation.objects.current()) == [kept]


def test_counted_needs_a_licence_current_on_the_day(therapist):
    clinician = factories.make_clinician(verified=False)
    factories.make_licence(clinician, expires_on=days(10))
    recommendation = factories.make_recommendation(clinician, therapist)
    assert list(Recommendation.objects.counted()) == [recommendation]
    assert list(Recommendation.objects.counted(on=days(10))) == [recommendation]
    assert not Recommendation.objects.counted(on=days(11)).exists()


def test_by_is_one_clinicians(therapist):
    mine = factories.make_recommendation(therapist=therapist)
    factories.make_recommendation(therapist=therapist)
    assert list(Recommendation.objects.by(mine.clinician)) == [mine]


def test_with_licence_state_names_the_longest_lasting_current_licence(therapist):
    clinician = factories.make_clinician(verified=False)
    factories.make_licence(clinician, jurisdiction="CO", expires_on=days(30))
    factories.make_licence(clinician, jurisdiction="NY", expires_on=days(300))
    factories.make_licence(clinician, jurisdiction="TX", status="pending")
    factories.make_recommendation(clinician, therapist)
    (row,) = Recommendation.objects.with_licence_state()
    assert row.licence_state == "NY"


def test_for_profile_loads_clinicians_and_states_in_one_query(
    therapist, django_assert_num_queries
):
    for n in range(3):
        factories.make_recommendation(
            factories.make_clinician(display_name=f"Dr. {n}"), therapist
        )
    with django_assert_num_queries(1):
        rows = [
            (r.clinician.display_name, r.licence_state)
            for r in Recommendation.objects.for_profile()
        ]
    assert rows == [("Dr. 2", "CO"), ("Dr. 1", "CO"), ("Dr. 0", "CO")]


def test_for_profile_of_costs_no_query_for_a_therapist_nobody_recommends(
    therapist, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert list(Recommendation.objects.for_profile_of(therapist)) == []
    recommendation = factories.make_recommendation(therapist=therapist)
    factories.make_recommendation()  # someone else's
    assert list(Recommendation.objects.for_profile_of(therapist)) == [recommendation]


def test_for_clinician_lists_current_ones_first_with_the_therapist(
    therapist, django_assert_num_queries
):
    clinician = factories.make_clinician()
    older = factories.make_recommendation(clinician, therapist)
    withdrawn = factories.make_recommendation(clinician)
    writing.withdraw(recommendation=withdrawn)
    newer = factories.make_recommendation(clinician)
    with django_assert_num_queries(1):
        rows = [
            (r.pk, r.therapist.display_name)
            for r in Recommendation.objects.by(clinician).for_clinician()
        ]
    assert [pk for pk, _ in rows] == [newer.pk, older.pk, withdrawn.pk]
