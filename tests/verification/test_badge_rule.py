"""The badge rule by practice state: a licence counts only from a state where
the therapist practises, and a board certification only where that state
licenses no massage therapists (CredentialQuerySet.badge_qualifying). A
location added, moved or removed moves the badge, in the same transaction."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.therapists.test_admin import therapist_form
from therapists.models import PracticeLocation, Therapist
from verification import badges
from verification.models import Credential

pytestmark = pytest.mark.django_db

EXPIRES = timezone.localdate() + datetime.timedelta(days=300)
# ZIP codes by state: New York, Colorado, Kansas, California, Minnesota,
# Wyoming, Vermont.
NY, CO, KS, CA, MN, WY, VT = (
    "10001",
    "80202",
    "66044",
    "90012",
    "55401",
    "82001",
    "05401",
)


def practising_in(*zips: str) -> Therapist:
    therapist = factories.make_therapist()
    for zip_code in zips:
        factories.make_location(therapist, zip_code)
    return therapist


def licence(therapist, state: str, **fields) -> Credential:
    fields = {"issuer": f"{state} massage board", "expires_on": EXPIRES, **fields}
    return factories.make_credential(therapist, jurisdiction=state, **fields)


def certification(therapist, **fields) -> Credential:
    fields = {
        "kind": Credential.Kind.BOARD_CERTIFICATION,
        "issuer": "NCBTMB",
        "jurisdiction": "US",
        "expires_on": EXPIRES,
        **fields,
    }
    return factories.make_credential(therapist, **fields)


def has_badge(therapist) -> bool:
    therapist.refresh_from_db()
    return therapist.badge_valid_until is not None and therapist in (
        Therapist.objects.verified()
    )


def location_badges(therapist) -> set:
    return set(
        PracticeLocation.objects.filter(therapist=therapist).values_list(
            "badge_valid_until", flat=True
        )
    )


def test_no_badge_for_a_licence_from_another_state():
    therapist = practising_in(CO)

    licence(therapist, "NY")

    assert not has_badge(therapist)
    assert location_badges(therapist) == {None}
    # It shows as verified, but earns no licence points: a licence from a
    # state where they do not practise says nothing about where they do.
    assert therapist.verified_licence_count == 0


def test_licence_from_the_state_where_they_practise_earns_the_badge():
    therapist = practising_in(CO)

    licence(therapist, "CO")

    assert has_badge(therapist)
    assert therapist.badge_valid_until == EXPIRES
    assert location_badges(therapist) == {EXPIRES}


def test_a_therapist_with_no_location_has_no_badge():
    therapist = practising_in()

    licence(therapist, "NY")

    assert not has_badge(therapist)


def test_one_state_of_several_is_enough():
    therapist = practising_in(CO, NY)

    licence(therapist, "NY")

    assert has_badge(therapist)
    assert location_badges(therapist) == {EXPIRES}


@pytest.mark.parametrize("zip_code", [KS, MN, WY, CA], ids=["KS", "MN", "WY", "CA"])
def test_board_certification_earns_the_badge_where_the_state_licenses_nobody(
    zip_code,
):
    therapist = practising_in(zip_code)

    certification(therapist)

    assert has_badge(therapist)


@pytest.mark.parametrize("zip_code", [NY, CO, VT], ids=["NY", "CO", "VT"])
def test_board_certification_alone_earns_no_badge_where_the_state_licenses(
    zip_code,
):
    therapist = practising_in(zip_code)

    certification(therapist)

    assert not has_badge(therapist)


def test_board_certification_must_be_national():
    therapist = practising_in(KS)

    certification(therapist, jurisdiction="KS", issuer="A Kansas school")

    assert not has_badge(therapist)


def test_a_california_state_credential_earns_no_badge_on_its_own():
    # California licenses nobody: a CAMTC certificate entered as a licence is
    # shown, but a board certification is what the badge needs there.
    therapist = practising_in(CA)

    licence(therapist, "CA")

    assert not has_badge(therapist)


def test_a_vermont_registration_earns_the_badge_in_vermont():
    therapist = practising_in(VT)

    licence(therapist, "VT", issuer="Vermont Office of Professional Regulation")

    assert has_badge(therapist)


def test_unverified_or_expired_credentials_still_earn_nothing():
    therapist = practising_in(CO)

    licence(therapist, "CO", status=Credential.Status.PENDING)
    licence(
        therapist,
        "CO",
        number="MT-OLD",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    assert not has_badge(therapist)


def test_technique_certificates_never_earn_the_badge():
    therapist = practising_in(KS)

    factories.make_credential(
        therapist,
        kind=Credential.Kind.TECHNIQUE_CERTIFICATE,
        jurisdiction="US",
        issuer="A school",
    )

    assert not has_badge(therapist)


# --- a location change moves the badge, through the dashboard ----------------------


@pytest.fixture
def owner_client(client):
    therapist = practising_in(CO)
    licence(therapist, "CO")
    assert has_badge(therapist)
    client.force_login(therapist.user)
    client.therapist = therapist
    return client


def test_moving_the_only_location_out_of_the_licence_state_drops_the_badge(
    owner_client,
):
    therapist = owner_client.therapist
    location = therapist.locations.get()

    response = owner_client.post(
        reverse("dashboard:location-edit", args=[location.pk]),
        {"street_address": "1 Main Street", "postal_code": NY},
    )

    assert response.status_code == 302
    assert not has_badge(therapist)
    assert location_badges(therapist) == {None}


def test_adding_a_location_in_the_licence_state_restores_the_badge(owner_client):
    therapist = owner_client.therapist
    location = therapist.locations.get()
    owner_client.post(
        reverse("dashboard:location-edit", args=[location.pk]),
        {"street_address": "1 Main Street", "postal_code": NY},
    )
    assert not has_badge(therapist)

    response = owner_client.post(
        reverse("dashboard:location-add"),
        {"street_address": "2 Larimer Street", "postal_code": CO},
    )

    assert response.status_code == 302
    assert has_badge(therapist)
    assert location_badges(therapist) == {EXPIRES}


def test_deleting_the_location_in_the_licence_state_drops_the_badge(owner_client):
    therapist = owner_client.therapist
    owner_client.post(
        reverse("dashboard:location-add"),
        {"street_address": "1 Main Street", "postal_code": NY},
    )
    colorado = therapist.locations.get(state="CO")

    response = owner_client.post(
        reverse("dashboard:location-delete", args=[colorado.pk])
    )

    assert response.status_code == 302
    assert not has_badge(therapist)
    assert location_badges(therapist) == {None}


def test_staff_moving_a_location_in_the_admin_moves_the_badge(client, staff_user):
    therapist = practising_in(CO)
    licence(therapist, "CO")
    location = therapist.locations.get()
    client.force_login(staff_user)
    url = reverse("admin:therapists_therapist_change", args=[therapist.pk])
    data = therapist_form(therapist)
    data |= {
        "locations-TOTAL_FORMS": 1,
        "locations-INITIAL_FORMS": 1,
        "locations-0-id": location.pk,
        "locations-0-therapist": therapist.pk,
        "locations-0-street_address": "350 Fifth Avenue",
        "locations-0-city": "New York",
        "locations-0-state": "NY",
        "locations-0-postal_code": NY,
        "locations-0-country": "US",
        "locations-0-latitude": "40.75",
        "locations-0-longitude": "-73.99",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    location.refresh_from_db()
    assert location.state == "NY"
    assert not has_badge(therapist)
    assert location_badges(therapist) == {None}


def test_recount_from_scratch_agrees_with_the_rule():
    practising_in(CO)
    licensed_here = practising_in(CO)
    licence(licensed_here, "CO")
    licensed_elsewhere = practising_in(CO)
    licence(licensed_elsewhere, "NY")
    certified_in_kansas = practising_in(KS)
    certification(certified_in_kansas)

    badges.recount(Therapist.objects.all())

    assert set(Therapist.objects.verified()) == {licensed_here, certified_in_kansas}
    assert set(
        Credential.objects.badge_qualifying().values_list("therapist", flat=True)
    ) == {licensed_here.pk, certified_in_kansas.pk}


def test_staff_typing_a_state_in_lower_case_in_the_admin_still_earns_the_badge(
    client, staff_user
):
    therapist = practising_in(CO)
    credential = licence(therapist, "CO", status=Credential.Status.PENDING)
    client.force_login(staff_user)
    url = reverse("admin:verification_credential_change", args=[credential.pk])
    data = {
        "therapist": therapist.pk,
        "kind": credential.kind,
        "issuer": credential.issuer,
        "number": credential.number,
        "jurisdiction": " co ",
        "expires_on": credential.expires_on.isoformat(),
        "status": Credential.Status.VERIFIED,
        "verification_method": Credential.Method.DOCUMENT_REVIEW,
        "status_note": "",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.jurisdiction == "CO"
    assert has_badge(therapist)
