import datetime

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


def test_duplicate_credential_from_the_same_issuer_is_refused():
    first = factories.make_credential(number="MT-123456")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_credential(
            number="MT-123456",
            issuer=first.issuer,
            jurisdiction=first.jurisdiction,
            refresh=False,
        )

    assert Credential.objects.filter(number="MT-123456").count() == 1


def test_same_credential_number_in_another_jurisdiction_is_allowed():
    factories.make_credential(number="MT-123456", jurisdiction="NY")

    factories.make_credential(number="MT-123456", jurisdiction="NJ")

    assert Credential.objects.filter(number="MT-123456").count() == 2


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


def test_verified_credential_without_verified_at_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_credential(verified_at=None, refresh=False)


def test_verified_credential_without_method_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_credential(verification_method="", refresh=False)


def test_pending_credential_needs_no_verification_details():
    credential = factories.make_credential(status=Credential.Status.PENDING)

    credential.refresh_from_db()
    assert credential.verified_at is None
    assert credential.verification_method == ""


def test_credential_expiring_before_it_was_issued_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_credential(
            issued_on=datetime.date(2024, 6, 1),
            expires_on=datetime.date(2024, 5, 31),
            refresh=False,
        )


def test_duplicate_technique_on_a_therapist_is_refused(therapist):
    factories.add_technique(therapist, "deep-tissue", years=3)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.add_technique(therapist, "deep-tissue", years=5)

    assert therapist.technique_links.get().years == 3


def test_duplicate_language_on_a_therapist_is_refused(therapist):
    factories.add_language(therapist, "es")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.add_language(therapist, "es")


# --- practice locations ----------------------------------------------------------
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


# --- credentials ---------------------------------------------------------------
def test_verification_summary_names_the_local_day_and_method():
    # 02:30 UTC on 8 March is still 7 March in New York.
    verified_at = datetime.datetime(2025, 3, 8, 2, 30, tzinfo=datetime.UTC)

    credential = factories.make_credential(verified_at=verified_at)

    assert (
        credential.verification_summary
        == "Verified on March 7, 2025 by document review"
    )


def test_verification_summary_names_a_board_roster_check():
    credential = factories.make_credential(
        verified_at=datetime.datetime(2024, 11, 21, 15, 0, tzinfo=datetime.UTC),
        verification_method=Credential.Method.BOARD_ROSTER,
    )

    assert (
        credential.verification_summary
        == "Verified on November 21, 2024 by state board roster"
    )


def test_unverified_credential_has_no_verification_summary():
    credential = factories.make_credential(status=Credential.Status.PENDING)

    assert credential.verification_summary == ""
