"""Trauma-informed care training (issue 16, item 4) as a credential kind: it goes
through the same staff verification as the others (queue, filter, decision,
audit trail), is not a licence, never gives the badge, counts as another
verified credential, and is claimed only when verified and current."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories
from verification import decisions, training
from verification.filters import CredentialFilter
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db

Status = Credential.Status
KIND = Credential.Kind.TRAUMA_INFORMED


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def submitted(therapist, **overrides) -> Credential:
    fields = {
        "therapist": therapist,
        "kind": KIND,
        "issuer": "Trauma-Informed Bodywork Institute",
        "number": "TI-0001",
        "jurisdiction": "US",
    }
    return decisions.submit(
        credential=Credential(**{**fields, **overrides}), actor=therapist.user
    )


def test_the_kind_is_named_plainly():
    assert KIND == "trauma_informed_training"
    assert KIND.label == "Trauma-informed care training"
    assert KIND not in Credential.BADGE_KINDS


def test_a_submitted_training_waits_in_the_queue_and_the_filter_finds_it(
    client, therapist, verifier
):
    credential = submitted(therapist)
    assert credential.status == Status.PENDING
    assert CredentialEvent.objects.filter(
        credential=credential, action=CredentialEvent.Action.SUBMITTED
    ).exists()
    awaiting = Credential.objects.awaiting_decision()
    assert list(awaiting) == [credential]
    filters = CredentialFilter({"kind": KIND}, queryset=awaiting)
    assert filters.is_valid(), filters.errors
    assert list(filters.qs) == [credential]

    client.force_login(verifier)
    queue = client.get(reverse("verification:queue") + f"?kind={KIND}")
    assert queue.status_code == 200
    assert "Trauma-informed care training" in queue.content.decode()


def test_staff_approval_verifies_it_without_the_badge(client, therapist, verifier):
    credential = submitted(therapist)
    client.force_login(verifier)

    response = client.post(
        reverse("verification:review", args=[credential.pk]),
        {
            "decision": "approve",
            "method": Credential.Method.DOCUMENT_REVIEW,
            "note": "Certificate matches the institute's register.",
        },
    )

    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.status == Status.VERIFIED
    assert credential.verified_by == verifier
    assert CredentialEvent.objects.filter(
        credential=credential, action=CredentialEvent.Action.APPROVED
    ).exists()
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None
    assert therapist.verified_licence_count == 0
    assert therapist.verified_certification_count == 0
    assert therapist.other_verified_credential_count == 1
    assert training.current_training(therapist.credentials.all()) == credential


def test_a_licence_still_gives_the_badge_and_training_adds_to_the_others(
    therapist,
):
    factories.make_credential(therapist)  # a New York licence; they practise there
    factories.make_credential(
        therapist, kind=KIND, issuer="Institute", jurisdiction="US", expires_on=None
    )
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is not None
    assert therapist.verified_licence_count == 1
    assert therapist.other_verified_credential_count == 1


def test_staff_cannot_approve_their_own_training(client, verifier):
    own = factories.make_therapist(user=verifier)
    credential = submitted(own)
    client.force_login(verifier)
    response = client.post(
        reverse("verification:review", args=[credential.pk]),
        {"decision": "approve", "method": "document_review", "note": "Mine."},
    )
    assert response.status_code == 403
    credential.refresh_from_db()
    assert credential.status == Status.PENDING


@pytest.mark.parametrize(
    ("overrides", "claimed"),
    [
        ({}, True),
        ({"expires_on": days(30)}, True),
        ({"expires_on": days(0)}, True),
        ({"expires_on": days(-1)}, False),
        ({"status": Status.PENDING}, False),
        ({"status": Status.REJECTED}, False),
        ({"status": Status.EXPIRED}, False),
        ({"kind": Credential.Kind.TECHNIQUE_CERTIFICATE}, False),
    ],
)
def test_only_verified_current_training_is_claimed(therapist, overrides, claimed):
    fields = {"kind": KIND, "jurisdiction": "US", "expires_on": None}
    credential = factories.make_credential(therapist, **{**fields, **overrides})
    held = training.current_training([credential])
    assert (held == credential) is claimed
    if claimed:
        assert training.verified_on(held) == timezone.localdate(credential.verified_at)


def test_the_latest_verified_training_is_the_one_claimed(therapist):
    older = factories.make_credential(
        therapist,
        kind=KIND,
        jurisdiction="US",
        expires_on=None,
        verified_at=timezone.now() - datetime.timedelta(days=400),
    )
    newer = factories.make_credential(
        therapist,
        kind=KIND,
        jurisdiction="US",
        expires_on=None,
        verified_at=timezone.now() - datetime.timedelta(days=2),
    )
    assert training.current_training([older, newer]) == newer
    assert training.current_training([]) is None
    assert training.verified_on(None) is None


def test_the_expiry_job_expires_lapsed_training_and_recounts(therapist):
    factories.make_credential(
        therapist, kind=KIND, jurisdiction="US", expires_on=days(-1)
    )
    call_command("expire_credentials", verbosity=0)
    credential = therapist.credentials.get()
    assert credential.status == Status.EXPIRED
    therapist.refresh_from_db()
    assert therapist.other_verified_credential_count == 0
