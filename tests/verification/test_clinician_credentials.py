"""A clinician's licence goes through the same verification as a therapist's
credential: the queue, the review page, decisions and their emails, the audit
trail, the admin, the expiry job; separation of duties holds for it too. Only
the clinician's verified status moves, never a therapist's badge."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.verification.test_admin import credential_form
from tests.verification.test_import_roster import run_import
from verification import decisions
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db

Status = Credential.Status
QUEUE_URL = reverse("verification:queue")
OWN = "You cannot decide on your own credential: another member of staff must."


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def clinician(db):
    user = factories.make_user(first_name="Maya", email="maya@example.org")
    return factories.make_clinician(verified=False, user=user)


@pytest.fixture
def pending(clinician):
    return factories.make_licence(clinician, status=Status.PENDING, number="DR-4242")


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


def approve(client, credential):
    return client.post(
        reverse("verification:review", args=[credential.pk]),
        {
            "decision": "approve",
            "method": Credential.Method.BOARD_WEBSITE,
            "note": "Active on the Colorado Medical Board's lookup.",
        },
    )


# --- the model -------------------------------------------------------------------


def test_a_credential_belongs_to_exactly_one_therapist_or_clinician(clinician):
    therapist = factories.make_therapist()
    for holders in ({}, {"therapist": therapist, "clinician": clinician}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Credential.objects.create(
                kind=Credential.Kind.STATE_LICENCE,
                issuer="Board",
                number=f"N-{len(holders)}",
                jurisdiction="CO",
                expires_on=days(30),
                **holders,
            )


def test_a_clinicians_credential_is_a_state_licence(clinician):
    with pytest.raises(IntegrityError), transaction.atomic():
        Credential.objects.create(
            clinician=clinician,
            kind=Credential.Kind.TECHNIQUE_CERTIFICATE,
            issuer="Board",
            number="N-1",
            jurisdiction="CO",
        )


def test_holder_and_held_with_follow_the_clinician(clinician, pending):
    other = factories.make_licence(clinician, number="DR-4343", jurisdiction="NY")
    factories.make_credential()  # a therapist's, never "held with" it
    assert pending.holder == clinician
    assert pending.is_clinicians
    assert list(Credential.objects.held_with(pending)) == [other]
    assert list(Credential.objects.of_clinicians().order_by("pk")) == [pending, other]


# --- the queue and the review page ---------------------------------------------------


def test_the_queue_lists_a_clinicians_licence_as_a_clinicians(verifier_client, pending):
    page = verifier_client.get(QUEUE_URL).content.decode()
    assert "Dr. Maya Chen" in page
    assert "(clinician: Physician (MD or DO))" in page
    assert "DR-4242" in page


def test_the_queue_finds_a_clinician_by_name(verifier_client, pending):
    factories.make_credential(status=Status.PENDING, number="MT-1")
    response = verifier_client.get(QUEUE_URL, {"q": "maya chen"})
    assert [c.pk for c in response.context["page_obj"]] == [pending.pk]


def test_the_review_page_shows_who_the_clinician_is(verifier_client, pending):
    page = verifier_client.get(
        reverse("verification:review", args=[pending.pk])
    ).content.decode()
    assert "State licence of Dr. Maya Chen" in page
    assert "What the clinician claims" in page
    assert "Lakeside Spine Clinic, Denver, CO" in page


def test_approving_verifies_the_clinician_records_it_and_emails_them(
    verifier_client, verifier, pending, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = approve(verifier_client, pending)
    assert response.status_code == 302
    pending.refresh_from_db()
    clinician.refresh_from_db()
    assert pending.status == Status.VERIFIED
    assert pending.verified_by == verifier
    assert clinician.verified_until == pending.expires_on
    assert clinician.is_verified
    event = CredentialEvent.objects.for_credential(pending).first()
    assert (event.action, event.actor) == ("approved", verifier)
    (email,) = mail.outbox
    assert email.to == ["maya@example.org"]
    assert "You can now recommend therapists" in email.body
    assert "Verified badge" not in email.body


def test_rejecting_tells_the_clinician_why_and_where_to_correct_it(
    verifier_client, pending, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verifier_client.post(
            reverse("verification:review", args=[pending.pk]),
            {"decision": "reject", "method": "", "note": "Not on the board's list."},
        )
    clinician.refresh_from_db()
    assert not clinician.is_verified
    (email,) = mail.outbox
    assert "Not on the board's list." in email.body
    assert "clinician page" in email.body
    assert "dashboard" not in email.body


def test_a_clinicians_licence_never_moves_a_therapists_badge(verifier, pending):
    therapist = factories.make_therapist()
    decisions.decide(
        credential=pending,
        actor=verifier,
        approve=True,
        method=Credential.Method.DOCUMENT_REVIEW,
        note="Fine.",
    )
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None
    assert therapist.verified_licence_count == 0


def test_bulk_approval_verifies_a_clinicians_licence(verifier_client, pending):
    verifier_client.post(
        QUEUE_URL,
        {"credentials": [pending.pk], "method": "board_website", "note": "Checked."},
    )
    pending.refresh_from_db()
    pending.clinician.refresh_from_db()
    assert pending.status == Status.VERIFIED
    assert pending.clinician.is_verified


# --- separation of duties ----------------------------------------------------------


@pytest.fixture
def verifying_clinician(db):
    """A member of staff who is also a clinician with a licence waiting."""
    user = factories.make_staff_user(
        permissions=[
            "verification.verify_credential",
            "verification.view_credential",
            "verification.change_credential",
            "verification.add_credential",
        ]
    )
    clinician = factories.make_clinician(verified=False, user=user)
    return factories.make_licence(clinician, status=Status.PENDING, number="DR-1")


def test_staff_cannot_decide_on_their_own_clinician_licence(
    client, verifying_clinician
):
    user = verifying_clinician.clinician.user
    client.force_login(user)
    url = reverse("verification:review", args=[verifying_clinician.pk])
    assert client.get(url).status_code == 403
    assert approve(client, verifying_clinician).status_code == 403
    response = client.post(
        QUEUE_URL,
        {
            "credentials": [verifying_clinician.pk],
            "method": "board_website",
            "note": "x",
        },
    )
    assert OWN in response.content.decode()
    with pytest.raises(PermissionDenied):
        decisions.decide(
            credential=verifying_clinician,
            actor=user,
            approve=True,
            method="board_website",
            note="Mine.",
        )
    verifying_clinician.refresh_from_db()
    assert verifying_clinician.status == Status.PENDING


def test_staff_cannot_change_their_own_clinician_licence_in_the_admin(
    client, verifying_clinician
):
    client.force_login(verifying_clinician.clinician.user)
    url = reverse("admin:verification_credential_change", args=[verifying_clinician.pk])
    response = client.post(
        url,
        credential_form(
            verifying_clinician,
            therapist="",
            clinician=verifying_clinician.clinician_id,
            status=Status.VERIFIED,
            verification_method="board_website",
        ),
    )
    assert response.status_code == 403
    verifying_clinician.refresh_from_db()
    assert verifying_clinician.status == Status.PENDING


def test_staff_cannot_add_a_licence_for_their_own_clinician_profile(
    client, verifying_clinician
):
    clinician = verifying_clinician.clinician
    client.force_login(clinician.user)
    response = client.post(
        reverse("admin:verification_credential_add"),
        credential_form(
            verifying_clinician,
            therapist="",
            clinician=clinician.pk,
            number="DR-2",
            status=Status.PENDING,
        ),
    )
    assert response.status_code == 200
    assert OWN in response.content.decode()
    assert clinician.credentials.count() == 1


# --- the admin ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_the_admin_lists_and_filters_clinicians_licences(admin_client, pending):
    factories.make_credential(number="MT-555")
    url = reverse("admin:verification_credential_changelist")
    page = admin_client.get(url, {"holder": "clinician"}).content.decode()
    assert "Dr. Maya Chen (clinician)" in page
    assert "MT-555" not in page


def test_verifying_in_the_admin_verifies_the_clinician(
    admin_client, pending, clinician
):
    response = admin_client.post(
        reverse("admin:verification_credential_change", args=[pending.pk]),
        credential_form(
            pending,
            therapist="",
            clinician=clinician.pk,
            status=Status.VERIFIED,
            verification_method="board_website",
        ),
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.verified_until == pending.expires_on


def test_the_admin_refuses_a_credential_with_both_holders_or_none(
    admin_client, pending, clinician
):
    url = reverse("admin:verification_credential_change", args=[pending.pk])
    for holders in (
        {"therapist": factories.make_therapist().pk, "clinician": clinician.pk},
        {"therapist": "", "clinician": ""},
    ):
        response = admin_client.post(url, credential_form(pending, **holders))
        assert response.status_code == 200
        assert "exactly one" in response.content.decode()
    pending.refresh_from_db()
    assert (pending.therapist, pending.clinician) == (None, clinician)


# --- the expiry job and rosters -----------------------------------------------------


def test_the_expiry_job_expires_a_clinicians_licence_and_tells_them(
    clinician, django_capture_on_commit_callbacks
):
    factories.make_licence(clinician, expires_on=days(5))
    # The run stores the change and its mail together; the mail goes on commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_credentials", today=days(6), stdout=None)
    clinician.refresh_from_db()
    assert clinician.verified_until is None
    assert clinician.credentials.get().status == Status.EXPIRED
    (email,) = mail.outbox
    assert email.to == ["maya@example.org"]
    assert "you cannot recommend therapists" in email.body
    assert "clinician page" in email.body


def test_the_expiry_job_reminds_a_clinician_once(
    clinician, django_capture_on_commit_callbacks
):
    factories.make_licence(clinician, expires_on=days(20))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_credentials", stdout=None)
        call_command("expire_credentials", stdout=None)
    (email,) = mail.outbox
    assert "expires on" in email.body


def test_a_massage_board_roster_never_touches_a_clinicians_licence(clinician):
    # The same number as the sample roster's clean match, but a clinician's.
    licence = factories.make_licence(
        clinician,
        status=Status.PENDING,
        number="MT.0012345",
        issuer="Colorado Office of Massage Therapy Licensure",
    )
    run_import()
    licence.refresh_from_db()
    assert licence.status == Status.PENDING
    assert licence.roster_flag == ""
    assert not CredentialEvent.objects.filter(credential_id=licence.pk).exclude(
        action="submitted"
    )


def test_the_admin_permission_matrix_for_clinicians_licences(client, pending):
    """Only staff with the permission open the queue or the review page."""
    url = reverse("verification:review", args=[pending.pk])
    assert client.get(url).status_code == 302  # anonymous: log in
    for user in (
        factories.make_user(),
        pending.clinician.user,
        factories.make_therapist().user,
        factories.make_staff_user(),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(QUEUE_URL).status_code == 403
    verifier = factories.make_staff_user(permissions=["verification.verify_credential"])
    client.force_login(verifier)
    assert client.get(url).status_code == 200
