import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from clinicians.models import Clinician
from tests import factories

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_a_clinician_with_a_verified_current_licence_is_verified():
    clinician = factories.make_clinician()
    assert clinician.verified_until == days(365)
    assert clinician.is_verified
    assert list(Clinician.objects.verified()) == [clinician]


def test_a_clinician_without_a_licence_is_not_verified():
    clinician = factories.make_clinician(verified=False)
    assert clinician.verified_until is None
    assert not clinician.is_verified
    assert not Clinician.objects.verified().exists()


def test_a_licence_past_its_expiry_stops_verifying_on_the_day_after():
    clinician = factories.make_clinician(verified=False)
    factories.make_licence(clinician, expires_on=days(3))
    assert Clinician.objects.verified(on=days(3)).exists()
    assert not Clinician.objects.verified(on=days(4)).exists()


def test_of_user_finds_only_the_users_own_clinician_profile():
    clinician = factories.make_clinician(verified=False)
    factories.make_clinician(verified=False, display_name="Sam Ortiz, DPT")
    assert list(Clinician.objects.of_user(clinician.user)) == [clinician]
    assert not Clinician.objects.of_user(factories.make_user()).exists()
    assert not Clinician.objects.of_user(AnonymousUser()).exists()


def test_where_names_practice_city_and_state():
    clinician = factories.make_clinician(verified=False)
    assert clinician.where == "Lakeside Spine Clinic, Denver, CO"
