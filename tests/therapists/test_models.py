import pytest
from django.db import IntegrityError, transaction

from tests import factories
from therapists.models import PracticeLocation, Therapist
from verification.models import Credential

pytestmark = pytest.mark.django_db


# --- database constraints ----------------------------------------------------------


def test_duplicate_therapist_slug_is_refused():
    factories.make_therapist(slug="jo-smith")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_therapist(slug="jo-smith")

    assert Therapist.objects.filter(slug="jo-smith").count() == 1


def test_back_pain_years_beyond_years_in_practice_are_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_therapist(years_in_practice=3, back_pain_years=4)


def test_back_pain_years_equal_to_years_in_practice_are_allowed():
    therapist = factories.make_therapist(years_in_practice=4, back_pain_years=4)

    therapist.refresh_from_db()
    assert therapist.back_pain_years == 4


def test_free_session_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_therapist(session_price=0)


def test_caseload_share_over_100_percent_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_therapist(back_pain_caseload_percent=101)


@pytest.mark.parametrize(
    "kind", [Credential.Kind.STATE_LICENCE, Credential.Kind.BOARD_CERTIFICATION]
)
def test_licence_or_board_certification_without_expiry_is_refused(kind):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_credential(kind=kind, expires_on=None, refresh=False)


def test_technique_certificate_without_expiry_is_allowed():
    credential = factories.make_credential(
        kind=Credential.Kind.TECHNIQUE_CERTIFICATE, expires_on=None
    )

    credential.refresh_from_db()
    assert credential.expires_on is None


def test_duplicate_technique_on_a_therapist_is_refused(therapist):
    factories.add_technique(therapist, "deep-tissue", years=3)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.add_technique(therapist, "deep-tissue", years=5)

    assert therapist.technique_links.get().years == 3


def test_duplicate_language_on_a_therapist_is_refused(therapist):
    factories.add_language(therapist, "es")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.add_language(therapist, "es")


def test_home_based_location_is_stored_with_blurred_coordinates():
    location = factories.make_location(
        is_home_based=True, latitude=40.748817, longitude=-73.985428
    )

    location.refresh_from_db()
    assert location.latitude == 40.75
    assert location.longitude == -73.99
    assert location.lat_band == 407


def test_studio_location_keeps_exact_coordinates():
    location = factories.make_location(latitude=40.748817, longitude=-73.985428)

    location.refresh_from_db()
    assert location.latitude == 40.748817
    assert location.longitude == -73.985428


@pytest.mark.parametrize(
    ("latitude", "band"), [(40.748817, 407), (40.0, 400), (-33.91, -340)]
)
def test_location_save_sets_latitude_band(latitude, band):
    location = factories.make_location(latitude=latitude, longitude=-73.9)

    assert PracticeLocation.objects.get(pk=location.pk).lat_band == band


def test_moving_a_location_updates_its_latitude_band():
    location = factories.make_location(latitude=40.75, longitude=-73.99)

    location.latitude = 34.09
    location.save()

    assert PracticeLocation.objects.get(pk=location.pk).lat_band == 340


def test_home_based_location_hides_street():
    location = factories.make_location(
        is_home_based=True, street_address="12 Hidden Lane", zip_code="11215"
    )

    assert location.public_address == "Brooklyn, NY"
    assert "Hidden Lane" not in location.public_address
    assert "Hidden Lane" not in str(location)
    assert "11215" not in location.public_address


def test_studio_location_shows_street_and_zip():
    location = factories.make_location(street_address="350 Fifth Avenue")

    assert location.public_address == "350 Fifth Avenue, New York, NY 10001"
