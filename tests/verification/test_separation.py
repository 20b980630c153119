"""Separation of duties: nobody decides on their own credential, on the review
page, in bulk from the queue, in the credential admin or in the credentials
inline on their therapist page. The refusal is a 403 or a form error, and
changes nothing."""

import datetime
import html

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.verification.test_admin import credential_form
from tests.verification.test_audit import as_posted
from verification import decisions
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db

OWN = "You cannot decide on your own credential: another member of staff must."
VERIFY = "verification.verify_credential"
ADMIN_PERMISSIONS = [
    "verification.view_credential",
    "verification.add_credential",
    "verification.change_credential",
    "therapists.view_therapist",
    "therapists.change_therapist",
]


@pytest.fixture
def verifying_therapist(db):
    """A therapist who was given "Can verify credentials" and the admin."""
    therapist = factories.make_therapist(display_name="Vic Verifier")
    user = therapist.user
    user.is_staff = True
    user.save()
    for name in [VERIFY, *ADMIN_PERMISSIONS]:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return therapist


@pytest.fixture
def own_pending(verifying_therapist):
    return factories.make_credential(
        verifying_therapist, number="MT-900001", status=Credential.Status.PENDING
    )


@pytest.fixture
def logged_in(client, verifying_therapist):
    client.force_login(verifying_therapist.user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def assert_untouched(credential, status=Credential.Status.PENDING):
    stored = Credential.objects.get(pk=credential.pk)
    assert stored.status == status
    assert stored.number == credential.number
    assert stored.verified_by is None
    assert not CredentialEvent.objects.filter(credential_id=credential.pk).exists()


# --- decisions.py --------------------------------------------------------------------


def test_decide_refuses_the_credentials_owner(verifying_therapist, own_pending):
    with pytest.raises(PermissionDenied):
        decisions.decide(
            credential=own_pending,
            actor=verifying_therapist.user,
            approve=True,
            method=Credential.Method.DOCUMENT_REVIEW,
            note="Mine, and fine.",
        )

    assert_untouched(own_pending)


def test_approve_all_refuses_a_batch_with_the_actors_credential(
    verifying_therapist, own_pending
):
    other = factories.make_credential(status=Credential.Status.PENDING)

    with pytest.raises(PermissionDenied):
        decisions.approve_all(
            credentials=[other, own_pending],
            actor=verifying_therapist.user,
            method=Credential.Method.BOARD_ROSTER,
            note="Checked.",
        )

    assert_untouched(own_pending)
    assert_untouched(other)


def test_save_in_admin_refuses_the_credentials_owner(verifying_therapist, own_pending):
    before = Credential.objects.get(pk=own_pending.pk)
    own_pending.status = Credential.Status.VERIFIED
    own_pending.verification_method = Credential.Method.DOCUMENT_REVIEW

    with pytest.raises(PermissionDenied):
        decisions.save_in_admin(
            credential=own_pending, before=before, actor=verifying_therapist.user
        )

    assert_untouched(before)


def test_save_in_admin_refuses_moving_a_credential_onto_the_actor(verifying_therapist):
    credential = factories.make_credential(status=Credential.Status.PENDING)
    before = Credential.objects.get(pk=credential.pk)
    credential.therapist = verifying_therapist

    with pytest.raises(PermissionDenied):
        decisions.save_in_admin(
            credential=credential, before=before, actor=verifying_therapist.user
        )

    assert Credential.objects.get(pk=credential.pk).therapist_id == before.therapist_id


# --- the review page and the queue ------------------------------------------------


def test_review_page_refuses_the_credentials_owner(logged_in, own_pending):
    url = reverse("verification:review", args=[own_pending.pk])

    page = logged_in.get(url)
    response = logged_in.post(
        url,
        {
            "decision": "approve",
            "method": Credential.Method.DOCUMENT_REVIEW,
            "note": "Looks right to me.",
        },
    )

    assert page.status_code == 403
    assert response.status_code == 403
    assert OWN in text(response)
    assert_untouched(own_pending)


def test_bulk_approval_with_the_actors_credential_is_an_error_and_approves_none(
    logged_in, own_pending
):
    other = factories.make_credential(status=Credential.Status.PENDING)

    response = logged_in.post(
        reverse("verification:queue"),
        {
            "credentials": [other.pk, own_pending.pk],
            "method": Credential.Method.BOARD_ROSTER,
            "note": "Checked against the roster.",
        },
    )

    assert response.status_code == 200
    assert f"{OWN} (MT-900001)" in text(response)
    assert_untouched(own_pending)
    assert_untouched(other)


def test_another_verifier_may_decide_on_it(client, verifier, own_pending):
    client.force_login(verifier)

    response = client.post(
        reverse("verification:review", args=[own_pending.pk]),
        {
            "decision": "approve",
            "method": Credential.Method.DOCUMENT_REVIEW,
            "note": "Checked the document.",
        },
    )

    assert response.status_code == 302
    own_pending.refresh_from_db()
    assert own_pending.status == Credential.Status.VERIFIED


# --- the admin ---------------------------------------------------------------------


def test_admin_change_of_their_own_credential_is_refused(logged_in, own_pending):
    url = reverse("admin:verification_credential_change", args=[own_pending.pk])

    page = logged_in.get(url)
    response = logged_in.post(
        url,
        credential_form(
            own_pending,
            status=Credential.Status.VERIFIED,
            verification_method=Credential.Method.DOCUMENT_REVIEW,
        ),
    )

    assert page.status_code == 200
    assert 'name="status"' not in page.text  # read-only to them
    assert response.status_code == 403
    assert_untouched(own_pending)


def test_admin_cannot_add_a_credential_for_themselves(logged_in, verifying_therapist):
    response = logged_in.post(
        reverse("admin:verification_credential_add"),
        {
            "therapist": verifying_therapist.pk,
            "kind": Credential.Kind.STATE_LICENCE,
            "issuer": "New York State Education Department",
            "number": "MT-900002",
            "jurisdiction": "NY",
            "expires_on": (timezone.localdate() + datetime.timedelta(400)).isoformat(),
            "status": Credential.Status.VERIFIED,
            "verification_method": Credential.Method.DOCUMENT_REVIEW,
            "status_note": "",
        },
    )

    assert response.status_code == 200
    assert OWN in text(response)
    assert not Credential.objects.filter(number="MT-900002").exists()


def test_admin_cannot_move_a_credential_onto_themselves(logged_in, verifying_therapist):
    credential = factories.make_credential(status=Credential.Status.PENDING)

    response = logged_in.post(
        reverse("admin:verification_credential_change", args=[credential.pk]),
        credential_form(credential, therapist=verifying_therapist.pk),
    )

    assert response.status_code == 200
    assert OWN in text(response)
    assert_untouched(credential)
    assert Credential.objects.get(pk=credential.pk).therapist_id != (
        verifying_therapist.pk
    )


def test_admin_inline_edit_of_their_own_credential_is_an_error(
    logged_in, verifying_therapist
):
    verified = factories.make_credential(verifying_therapist, number="MT-900003")
    url = reverse("admin:therapists_therapist_change", args=[verifying_therapist.pk])
    data = as_posted(logged_in.get(url))
    (number_field,) = [name for name in data if name.endswith("-number")]

    response = logged_in.post(url, {**data, number_field: "MT-999999"})

    assert response.status_code == 200
    assert OWN in text(response)
    stored = Credential.objects.get(pk=verified.pk)
    assert stored.number == "MT-900003"
    assert not CredentialEvent.objects.filter(credential_id=verified.pk).exists()


def test_admin_inline_add_of_their_own_credential_is_an_error(
    logged_in, verifying_therapist
):
    url = reverse("admin:therapists_therapist_change", args=[verifying_therapist.pk])
    data = as_posted(logged_in.get(url))
    prefix = next(
        name.removesuffix("-TOTAL_FORMS")
        for name in data
        if name.endswith("-TOTAL_FORMS") and name.startswith("credential")
    )
    data |= {
        f"{prefix}-TOTAL_FORMS": 1,
        f"{prefix}-0-kind": Credential.Kind.STATE_LICENCE,
        f"{prefix}-0-issuer": "New York State Education Department",
        f"{prefix}-0-number": "MT-900004",
        f"{prefix}-0-jurisdiction": "NY",
        f"{prefix}-0-expires_on": "2030-01-01",
    }

    response = logged_in.post(url, data)

    assert response.status_code == 200
    assert OWN in text(response)
    assert not Credential.objects.filter(number="MT-900004").exists()


def test_admin_inline_on_another_therapists_page_still_saves(
    logged_in, verifying_therapist
):
    other = factories.make_credential(number="MT-900005")
    url = reverse("admin:therapists_therapist_change", args=[other.therapist_id])
    data = as_posted(logged_in.get(url))
    (number_field,) = [name for name in data if name.endswith("-number")]

    response = logged_in.post(url, {**data, number_field: "MT-900006"})

    assert response.status_code == 302
    assert Credential.objects.get(pk=other.pk).number == "MT-900006"
