"""CredentialQuerySet: the expiry job's selections."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from verification.models import Credential

pytestmark = pytest.mark.django_db

Status = Credential.Status


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def numbers(queryset) -> set[str]:
    return set(queryset.values_list("number", flat=True))


@pytest.fixture
def credentials(therapist):
    """One credential for each case, named by its number."""
    make = factories.make_credential
    return [
        make(therapist, number="lapsed yesterday", expires_on=days(-1)),
        make(therapist, number="expires today", expires_on=days(0)),
        make(therapist, number="expires in 30 days", expires_on=days(30)),
        make(therapist, number="expires in 31 days", expires_on=days(31)),
        make(
            therapist,
            number="no expiry",
            kind=Credential.Kind.EDUCATION,
            expires_on=None,
        ),
        make(
            therapist,
            number="pending, lapsed",
            status=Status.PENDING,
            expires_on=days(-1),
        ),
        make(
            therapist,
            number="already expired",
            status=Status.EXPIRED,
            expires_on=days(-9),
        ),
    ]


def test_lapsed_is_verified_credentials_past_their_expiry(credentials):
    assert numbers(Credential.objects.lapsed(timezone.localdate())) == {
        "lapsed yesterday"
    }


def test_lapsed_counts_from_the_given_day(credentials):
    assert numbers(Credential.objects.lapsed(days(31))) == {
        "lapsed yesterday",
        "expires today",
        "expires in 30 days",
    }


def test_expiring_is_current_credentials_expiring_within_the_window(credentials):
    assert numbers(Credential.objects.expiring(timezone.localdate(), 30)) == {
        "expires today",
        "expires in 30 days",
    }
