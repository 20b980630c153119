"""CredentialQuerySet: the expiry job's selections and the staff queue's search."""

import datetime

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from tests import factories
from verification.models import Credential

pytestmark = pytest.mark.django_db

Status = Credential.Status


def submitted(credential, days_ago: float) -> Credential:
    """Move when the credential was submitted (auto_now_add sets it on create)."""
    created_at = timezone.now() - datetime.timedelta(days=days_ago)
    Credential.objects.filter(pk=credential.pk).update(created_at=created_at)
    credential.created_at = created_at
    return credential


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


# --- the staff queue ---------------------------------------------------------------


@pytest.fixture
def queue(therapist, other_therapist):
    """Pending credentials of two therapists, each submitted some days ago."""
    make = factories.make_credential
    return [
        submitted(make(therapist, number="MT-000111", status=Status.PENDING), 1),
        submitted(
            make(
                therapist,
                number="BC-0000222",
                kind=Credential.Kind.BOARD_CERTIFICATION,
                issuer="NCBTMB",
                jurisdiction="US",
                status=Status.PENDING,
            ),
            5,
        ),
        submitted(
            make(
                other_therapist,
                number="MT-000333",
                jurisdiction="CO",
                issuer="Colorado Office of Massage Therapy Licensure",
                status=Status.PENDING,
            ),
            10,
        ),
        submitted(make(other_therapist, number="mt-000444", status=Status.PENDING), 20),
    ]


def queue_of(credentials) -> QuerySet:
    return Credential.objects.filter(pk__in=[c.pk for c in credentials])


def test_search_matches_part_of_the_therapists_name_in_any_case(queue):
    # The fixtures' therapists are "Dana Owner" and "Olive Other".
    assert numbers(Credential.objects.search("olive")) == {"MT-000333", "mt-000444"}
    assert numbers(Credential.objects.search("NA OW")) == {"MT-000111", "BC-0000222"}


def test_search_matches_part_of_the_number_in_any_case(queue):
    assert numbers(Credential.objects.search(" mt-000333 ")) == {"MT-000333"}
    assert numbers(Credential.objects.search("MT-0004")) == {"mt-000444"}
    assert numbers(Credential.objects.search("000")) == numbers(queue_of(queue))
    assert numbers(Credential.objects.search("MT-999")) == set()


def test_in_jurisdiction_is_one_state_or_the_national_bodies(queue):
    assert numbers(Credential.objects.in_jurisdiction("co")) == {"MT-000333"}
    assert numbers(Credential.objects.in_jurisdiction("US")) == {"BC-0000222"}
    assert numbers(Credential.objects.in_jurisdiction("TX")) == set()


def test_waiting_longer_than_counts_days_since_submission(queue):
    assert numbers(Credential.objects.waiting_longer_than(3)) == {
        "BC-0000222",
        "MT-000333",
        "mt-000444",
    }
    assert numbers(Credential.objects.waiting_longer_than(14)) == {"mt-000444"}
    later = timezone.now() + datetime.timedelta(days=5)
    assert numbers(Credential.objects.waiting_longer_than(14, now=later)) == {
        "MT-000333",
        "mt-000444",
    }


def test_oldest_first_and_newest_first_order_by_submission(queue):
    oldest = list(Credential.objects.oldest_first().values_list("number", flat=True))

    assert oldest == ["mt-000444", "MT-000333", "BC-0000222", "MT-000111"]
    newest = Credential.objects.newest_first().values_list("number", flat=True)
    assert list(newest) == oldest[::-1]


def test_same_moment_keeps_the_order_of_submission(therapist):
    first = factories.make_credential(therapist, status=Status.PENDING)
    second = factories.make_credential(therapist, status=Status.PENDING)
    Credential.objects.update(created_at=timezone.now())

    assert list(Credential.objects.oldest_first()) == [first, second]
    assert list(Credential.objects.newest_first()) == [second, first]


def test_days_waiting_counts_calendar_days(therapist):
    credential = factories.make_credential(therapist, status=Status.PENDING)

    assert credential.days_waiting == 0
    assert submitted(credential, 3).days_waiting == 3


def test_for_queue_loads_each_row_in_one_query(queue, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = [
            (credential.therapist.display_name, credential.therapist.user.email)
            for credential in Credential.objects.awaiting_decision().for_queue()
        ]

    assert len(rows) == 4
