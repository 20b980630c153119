"""`expire_credentials`: the daily job that expires lapsed credentials and sends
one reminder before a verified credential lapses."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from tests import factories
from therapists.models import Therapist
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def run(today: datetime.date) -> str:
    out = io.StringIO()
    # The run stores each change with its mails in one transaction; they are
    # sent once it commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(
            "expire_credentials", today=today, stdout=out, stderr=io.StringIO()
        )
    return out.getvalue().strip()


@pytest.fixture
def owner(db):
    user = factories.make_user(first_name="Dana", email="dana@example.org")
    owner = factories.make_therapist(display_name="Dana Owner", user=user)
    # Practising in New York, where the factories' licences are issued.
    factories.make_location(owner, "10001")
    return owner


def test_lapsed_verified_credential_becomes_expired_with_an_event(owner):
    credential = factories.make_credential(
        owner, number="MT-600001", expires_on=days(5)
    )

    out = run(today=days(10))

    assert out == "1 credential(s) expired, 0 reminder(s) sent."
    credential.refresh_from_db()
    assert credential.status == Credential.Status.EXPIRED
    event = CredentialEvent.objects.get(credential_id=credential.pk)
    assert event.action == CredentialEvent.Action.EXPIRED
    assert event.actor is None
    assert event.note == f"Expired on {days(5).isoformat()}."
    assert event.old_values["status"] == "verified"
    assert event.new_values["status"] == "expired"


def test_expiring_drops_the_badge_from_the_profile(client, owner):
    factories.make_credential(owner, number="MT-600002", expires_on=days(5))
    assert owner in Therapist.objects.verified()
    assert "badge--verified" in client.get(owner.get_absolute_url()).text

    run(today=days(10))

    owner.refresh_from_db()
    assert owner.badge_valid_until is None
    assert owner not in Therapist.objects.verified()
    assert owner not in Therapist.objects.verified(on=days(1))
    assert "badge--verified" not in client.get(owner.get_absolute_url()).text


def test_expiring_emails_the_therapist(owner, mailoutbox):
    factories.make_credential(owner, number="MT-600003", expires_on=days(5))

    run(today=days(10))

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["dana@example.org"]
    assert mail.subject == "Your state licence has expired"
    assert "Hello Dana," in mail.body
    assert "MT-600003" in mail.body
    assert "It no longer counts towards your Verified badge." in mail.body


def test_credential_expiring_within_30_days_gets_exactly_one_reminder(
    owner, mailoutbox
):
    credential = factories.make_credential(
        owner, number="MT-600004", expires_on=days(20)
    )

    first = run(today=timezone.localdate())
    second = run(today=timezone.localdate())

    assert first == "0 credential(s) expired, 1 reminder(s) sent."
    assert second == "0 credential(s) expired, 0 reminder(s) sent."
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Your state licence expires soon"
    assert "MT-600004" in mailoutbox[0].body
    credential.refresh_from_db()
    assert credential.status == Credential.Status.VERIFIED
    reminders = CredentialEvent.objects.filter(credential_id=credential.pk)
    assert list(reminders.values_list("action", flat=True)) == ["reminded"]
    assert owner in Therapist.objects.verified()


@pytest.mark.parametrize(
    ("expires_in", "reminded"),
    [(0, True), (30, True), (31, False)],
    ids=["today", "in 30 days", "in 31 days"],
)
def test_reminder_window_is_30_days(owner, mailoutbox, expires_in, reminded):
    factories.make_credential(owner, number="MT-600005", expires_on=days(expires_in))

    run(today=timezone.localdate())

    assert len(mailoutbox) == (1 if reminded else 0)


def test_renewed_credential_is_reminded_again_before_its_new_expiry(owner, mailoutbox):
    credential = factories.make_credential(
        owner, number="MT-600006", expires_on=days(20)
    )
    run(today=timezone.localdate())
    Credential.objects.filter(pk=credential.pk).update(expires_on=days(400))

    run(today=days(380))

    assert len(mailoutbox) == 2


def test_job_leaves_everything_else_alone(owner, other_therapist, mailoutbox):
    untouched = {
        "far from expiry": factories.make_credential(
            owner, number="MT-600010", expires_on=days(90)
        ),
        "pending and lapsed": factories.make_credential(
            owner,
            number="MT-600011",
            expires_on=days(-3),
            status=Credential.Status.PENDING,
        ),
        "rejected and lapsed": factories.make_credential(
            other_therapist,
            number="MT-600012",
            expires_on=days(-3),
            status=Credential.Status.REJECTED,
        ),
        "already expired": factories.make_credential(
            other_therapist,
            number="MT-600013",
            expires_on=days(-30),
            status=Credential.Status.EXPIRED,
        ),
        "membership without expiry": factories.make_credential(
            other_therapist,
            number="AMTA-1",
            kind=Credential.Kind.ASSOCIATION_MEMBERSHIP,
            issuer="AMTA",
            expires_on=None,
        ),
    }
    before = {
        key: (c.status, c.expires_on, c.updated_at) for key, c in untouched.items()
    }

    out = run(today=timezone.localdate())

    assert out == "0 credential(s) expired, 0 reminder(s) sent."
    after = {}
    for key, credential in untouched.items():
        credential.refresh_from_db()
        after[key] = (credential.status, credential.expires_on, credential.updated_at)
    assert after == before
    assert not CredentialEvent.objects.exists()
    assert mailoutbox == []
    assert owner in Therapist.objects.verified()
