"""The count on each therapist holds only current recommendations from
clinicians whose licence is verified, whatever moves the licence: a staff
decision, the admin, the expiry job, the clinician's own edit, deleting the
account."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.data import delete_account
from recommendations.counting import recommendations_changed
from recommendations.models import Recommendation
from tests import factories
from verification import decisions

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def count_of(therapist) -> int:
    therapist.refresh_from_db()
    return therapist.clinician_recommendation_count


@pytest.fixture
def recommended(therapist):
    """The therapist, recommended by one clinician; (therapist, clinician)."""
    clinician = factories.make_clinician()
    factories.make_recommendation(clinician, therapist)
    return therapist, clinician


def test_a_staff_rejection_of_a_verified_licence_stops_it_counting(
    recommended, verifier
):
    therapist, clinician = recommended
    score = therapist.qualification_score
    decisions.decide(
        credential=clinician.credentials.get(),
        actor=verifier,
        approve=False,
        method="",
        note="The board lists this licence as surrendered.",
    )
    clinician.refresh_from_db()
    assert clinician.verified_until is None
    assert count_of(therapist) == 0
    assert therapist.qualification_score < score


def test_approving_the_licence_again_brings_the_recommendation_back(
    recommended, verifier
):
    therapist, clinician = recommended
    licence = clinician.credentials.get()
    decisions.decide(
        credential=licence, actor=verifier, approve=False, method="", note="No."
    )
    decisions.decide(
        credential=licence,
        actor=verifier,
        approve=True,
        method=licence.Method.BOARD_WEBSITE,
        note="Checked on the board's website.",
    )
    assert count_of(therapist) == 1


def test_the_expiry_job_stops_a_lapsed_licence_counting(therapist):
    clinician = factories.make_clinician(verified=False)
    factories.make_licence(clinician, expires_on=days(10))
    factories.make_recommendation(clinician, therapist)
    call_command("expire_credentials", today=days(11), stdout=None)
    clinician.refresh_from_db()
    assert clinician.credentials.get().status == "expired"
    assert clinician.verified_until is None
    assert count_of(therapist) == 0


def test_editing_a_verified_licence_number_sends_it_back_and_stops_it_counting(
    recommended,
):
    therapist, clinician = recommended
    licence = clinician.credentials.get()
    before = type(licence).objects.get(pk=licence.pk)
    licence.number = "DR-999999"
    decisions.edit(credential=licence, before=before, actor=clinician.user)
    assert licence.status == "pending"
    assert count_of(therapist) == 0


def test_removing_a_licence_stops_it_counting(recommended):
    therapist, clinician = recommended
    decisions.remove(credential=clinician.credentials.get())
    assert count_of(therapist) == 0


def test_deleting_the_clinicians_account_recounts_the_therapists(recommended):
    therapist, clinician = recommended
    other = factories.make_therapist()
    factories.make_recommendation(clinician, other)
    delete_account(user=clinician.user)
    assert not Recommendation.objects.exists()
    assert count_of(therapist) == 0
    assert count_of(other) == 0


def test_a_second_licence_keeps_the_clinician_verified_when_one_is_rejected(
    recommended, verifier
):
    therapist, clinician = recommended
    factories.make_licence(clinician, jurisdiction="NY", issuer="NYSED")
    first = clinician.credentials.order_by("pk").first()
    decisions.decide(
        credential=first, actor=verifier, approve=False, method="", note="No."
    )
    clinician.refresh_from_db()
    assert clinician.is_verified
    assert count_of(therapist) == 1


def test_recount_from_scratch_counts_only_current_verified_ones(therapist):
    verified = factories.make_clinician()
    unverified = factories.make_clinician(verified=False)
    factories.make_recommendation(verified, therapist)
    # Written while verified, then the licence's record is changed under it
    # without a recount: the recount from scratch must not count it.
    lapsing = factories.make_clinician()
    factories.make_recommendation(lapsing, therapist)
    type(lapsing).objects.filter(pk=lapsing.pk).update(verified_until=days(-1))
    Recommendation.objects.create(
        clinician=unverified, therapist=therapist, statement="Unverified."
    )
    recommendations_changed([therapist.pk])
    assert count_of(therapist) == 1
