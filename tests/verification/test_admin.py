"""The credential admin: staff decisions there move the badge like the queue's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from therapists.models import Therapist
from verification.models import Credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def credential(therapist):
    return factories.make_credential(
        therapist, number="MT-777001", issuer="New York State Education Department"
    )


def test_credential_changelist_lists_credentials(staff_client, credential):
    response = staff_client.get(reverse("admin:verification_credential_changelist"))

    assert response.status_code == 200
    assert "MT-777001" in response.text


def test_credential_change_page_renders(staff_client, credential):
    url = reverse("admin:verification_credential_change", args=[credential.pk])

    response = staff_client.get(url)

    assert response.status_code == 200
    assert 'value="MT-777001"' in response.text


def credential_form(credential, **overrides):
    """The credential change form as the admin posts it."""
    data = {
        "therapist": credential.therapist_id,
        "kind": credential.kind,
        "issuer": credential.issuer,
        "number": credential.number,
        "jurisdiction": credential.jurisdiction,
        "issued_on": "",
        "expires_on": credential.expires_on.isoformat(),
        "status": credential.status,
        "verification_method": credential.verification_method,
        "verified_by": "",
        "verified_at_0": "",
        "verified_at_1": "",
        "status_note": "",
    }
    data.update(overrides)
    return data


def test_verifying_a_credential_in_the_admin_awards_the_badge(
    staff_client, staff_user, therapist
):
    expires_on = timezone.localdate() + datetime.timedelta(days=200)
    credential = factories.make_credential(
        therapist, status=Credential.Status.PENDING, expires_on=expires_on
    )
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None
    url = reverse("admin:verification_credential_change", args=[credential.pk])

    response = staff_client.post(
        url,
        credential_form(
            credential,
            status=Credential.Status.VERIFIED,
            verification_method=Credential.Method.DOCUMENT_REVIEW,
            verified_by=staff_user.pk,
            verified_at_0=timezone.localdate().isoformat(),
            verified_at_1="10:00:00",
        ),
    )

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.badge_valid_until == expires_on
    assert therapist.verified_licence_count == 1
    assert Therapist.objects.verified().filter(pk=therapist.pk).exists()


def test_rejecting_a_credential_in_the_admin_removes_the_badge(
    staff_client, therapist, credential
):
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is not None
    url = reverse("admin:verification_credential_change", args=[credential.pk])

    response = staff_client.post(
        url,
        credential_form(
            credential, status=Credential.Status.REJECTED, verification_method=""
        ),
    )

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None
    assert therapist.verified_licence_count == 0


def test_verifying_records_who_and_when(staff_client, staff_user, therapist):
    credential = factories.make_credential(therapist, status=Credential.Status.PENDING)
    url = reverse("admin:verification_credential_change", args=[credential.pk])

    response = staff_client.post(
        url,
        credential_form(
            credential,
            status=Credential.Status.VERIFIED,
            verification_method=Credential.Method.BOARD_WEBSITE,
        ),
    )

    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.verified_by == staff_user
    assert credential.verified_at is not None
    assert credential.verification_summary.endswith("check on the board's website")


def test_deleting_a_credential_in_the_admin_removes_the_badge(
    staff_client, therapist, credential
):
    url = reverse("admin:verification_credential_delete", args=[credential.pk])

    response = staff_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Credential.objects.filter(pk=credential.pk).exists()
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None


def test_bulk_deleting_credentials_removes_each_badge(
    staff_client, therapist, other_therapist
):
    kept = factories.make_credential(therapist)
    doomed = [
        factories.make_credential(therapist, kind=Credential.Kind.BOARD_CERTIFICATION),
        factories.make_credential(other_therapist),
    ]

    response = staff_client.post(
        reverse("admin:verification_credential_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [c.pk for c in doomed],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    therapist.refresh_from_db()
    other_therapist.refresh_from_db()
    assert therapist.badge_valid_until == kept.expires_on
    assert therapist.verified_certification_count == 0
    assert other_therapist.badge_valid_until is None


def test_moving_a_credential_to_another_therapist_moves_the_badge(
    staff_client, therapist, other_therapist, credential
):
    url = reverse("admin:verification_credential_change", args=[credential.pk])

    response = staff_client.post(
        url,
        credential_form(
            credential,
            therapist=other_therapist.pk,
            verified_at_0="2025-01-02",
            verified_at_1="10:00:00",
        ),
    )

    assert response.status_code == 302
    other_therapist.refresh_from_db()
    assert other_therapist.badge_valid_until == credential.expires_on
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None


def test_rejecting_a_credential_removes_the_badge(staff_client, therapist, credential):
    url = reverse("admin:verification_credential_change", args=[credential.pk])

    response = staff_client.post(
        url,
        credential_form(credential, status="rejected", status_note="Not on roster"),
    )

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None
    assert therapist.verified_licence_count == 0


def test_verifying_without_a_method_shows_an_error_next_to_the_field(
    staff_client, therapist
):
    credential = factories.make_credential(therapist, status=Credential.Status.PENDING)
    url = reverse("admin:verification_credential_change", args=[credential.pk])

    response = staff_client.post(
        url, credential_form(credential, status="verified", verification_method="")
    )

    assert response.status_code == 200
    assert "Say how this credential was verified." in response.text
    credential.refresh_from_db()
    assert credential.status == Credential.Status.PENDING
