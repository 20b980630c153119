"""Credential rows: what the database refuses, and how a verification reads."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tests import factories
from verification.models import Credential

pytestmark = pytest.mark.django_db


# --- database constraints ----------------------------------------------------------


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
