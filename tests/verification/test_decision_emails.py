"""A therapist hears about every staff decision on their credential by email:
approved, or rejected with the reason. verification.decisions sends it, once per
decision and only once the decision is saved."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests import factories
from verification import decisions
from verification.models import Credential

pytestmark = pytest.mark.django_db

Status = Credential.Status
QUEUE_URL = reverse("verification:queue")
REASON = "The number isn't on the New York board's roster & the name differs."


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def therapist(db):
    user = factories.make_user(first_name="Dana", email="dana@example.org")
    return factories.make_therapist(display_name="Dana Owner", user=user)


@pytest.fixture
def pending(therapist):
    return factories.make_credential(
        therapist,
        number="MT-810001",
        issuer="New York State Education Department",
        status=Status.PENDING,
        expires_on=datetime.date(2031, 5, 31),
    )


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


def review_url(credential) -> str:
    return reverse("verification:review", args=[credential.pk])


def test_approval_on_the_review_page_emails_the_therapist_once_it_is_saved(
    verifier_client, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = verifier_client.post(
            review_url(pending),
            {"decision": "approve", "method": "document_review", "note": "Matches."},
        )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["dana@example.org"]
    assert message.subject == "Your state licence is verified"
    assert message.body.startswith("Hello Dana,\n\nGood news:")
    assert (
        "your state licence MT-810001 (New York State Education Department) and "
        "verified it. It now counts towards the Verified badge on your profile and "
        "in search results, until it expires on May 31, 2031." in message.body
    )
    # The staff note on an approval is for the record, not for the therapist.
    assert "Matches." not in message.body


def test_rejection_emails_the_reason_as_staff_wrote_it(
    verifier_client, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verifier_client.post(
            review_url(pending), {"decision": "reject", "method": "", "note": REASON}
        )

    (message,) = mail.outbox
    assert message.subject == "We could not verify your state licence"
    assert f"This is the reason they gave:\n\n{REASON}\n" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert "upload a clearer document from your dashboard" in message.body
    pending.refresh_from_db()
    assert pending.status == Status.REJECTED


def test_a_credential_outside_the_badge_is_verified_without_badge_wording(
    therapist, verifier, django_capture_on_commit_callbacks
):
    membership = factories.make_credential(
        therapist,
        kind=Credential.Kind.ASSOCIATION_MEMBERSHIP,
        issuer="AMTA",
        jurisdiction="US",
        expires_on=None,
        status=Status.PENDING,
    )

    with django_capture_on_commit_callbacks(execute=True):
        decisions.decide(
            credential=membership,
            actor=verifier,
            approve=True,
            method=Credential.Method.BOARD_WEBSITE,
            note="Listed.",
        )

    (message,) = mail.outbox
    assert message.subject == "Your association membership is verified"
    assert "It now shows as verified on your profile." in message.body
    assert "badge" not in message.body


def test_bulk_approval_sends_one_email_per_credential_to_its_owner(
    verifier_client, therapist, other_therapist, django_capture_on_commit_callbacks
):
    first = factories.make_credential(therapist, status=Status.PENDING)
    second = factories.make_credential(
        therapist,
        kind=Credential.Kind.BOARD_CERTIFICATION,
        issuer="NCBTMB",
        jurisdiction="US",
        status=Status.PENDING,
    )
    third = factories.make_credential(other_therapist, status=Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        verifier_client.post(
            QUEUE_URL,
            {
                "credentials": [first.pk, second.pk, third.pk],
                "method": Credential.Method.BOARD_ROSTER,
                "note": "Checked against the March roster.",
            },
        )

    sent = sorted((message.to[0], message.subject) for message in mail.outbox)
    assert sent == [
        ("dana@example.org", "Your board certification is verified"),
        ("dana@example.org", "Your state licence is verified"),
        (other_therapist.user.email, "Your state licence is verified"),
    ]


@pytest.mark.parametrize(
    ("becomes", "subject"),
    [
        (Status.VERIFIED, "Your state licence is verified"),
        (Status.REJECTED, "We could not verify your state licence"),
    ],
)
def test_a_decision_in_the_admin_emails_the_therapist(
    verifier, pending, becomes, subject, django_capture_on_commit_callbacks
):
    credential = Credential.objects.get(pk=pending.pk)
    credential.status = becomes
    credential.verification_method = Credential.Method.BOARD_WEBSITE
    credential.status_note = REASON if becomes == Status.REJECTED else ""

    with django_capture_on_commit_callbacks(execute=True):
        decisions.save_in_admin(
            credential=credential,
            before=Credential.objects.get(pk=pending.pk),
            actor=verifier,
        )

    assert [message.subject for message in mail.outbox] == [subject]


def test_admin_edits_that_decide_nothing_send_nothing(
    therapist, verifier, django_capture_on_commit_callbacks
):
    verified = factories.make_credential(therapist, expires_on=days(90))
    credential = Credential.objects.get(pk=verified.pk)
    credential.expires_on = days(400)

    with django_capture_on_commit_callbacks(execute=True):
        decisions.save_in_admin(
            credential=credential,
            before=Credential.objects.get(pk=verified.pk),
            actor=verifier,
        )
        # Back to pending: the decision is withdrawn, not made.
        credential.status = Status.PENDING
        decisions.save_in_admin(
            credential=credential,
            before=Credential.objects.get(pk=verified.pk),
            actor=verifier,
        )

    assert mail.outbox == []


def test_a_refused_decision_sends_nothing(pending, django_capture_on_commit_callbacks):
    owner = pending.therapist.user

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(PermissionDenied),
    ):
        decisions.decide(
            credential=pending, actor=owner, approve=True, method="x", note="Mine."
        )

    assert mail.outbox == []


def test_a_decision_that_rolls_back_sends_nothing(
    verifier, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            decisions.decide(
                credential=pending,
                actor=verifier,
                approve=True,
                method=Credential.Method.BOARD_WEBSITE,
                note="Listed.",
            )
            raise RuntimeError("the request failed after the decision")

    assert callbacks == []
    assert mail.outbox == []


def test_a_therapist_without_an_email_address_is_decided_on_all_the_same(
    verifier, pending, django_capture_on_commit_callbacks
):
    user = pending.therapist.user
    user.email = ""
    user.save()

    with django_capture_on_commit_callbacks(execute=True):
        decisions.decide(
            credential=Credential.objects.get(pk=pending.pk),
            actor=verifier,
            approve=False,
            method="",
            note=REASON,
        )

    assert mail.outbox == []
    pending.refresh_from_db()
    assert pending.status == Status.REJECTED
