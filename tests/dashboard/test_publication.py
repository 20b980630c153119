"""When a profile may be published, and when its availability needs confirming."""

import datetime

import pytest
from django.utils import timezone

from dashboard import publication
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("confirmed_days_ago", "needs_check"),
    [(None, True), (61, True), (365, True), (60, False), (10, False), (0, False)],
    ids=["never", "61-days", "a-year", "60-days", "10-days", "today"],
)
def test_needs_availability_check_after_60_days_or_never(
    confirmed_days_ago, needs_check
):
    confirmed_on = None if confirmed_days_ago is None else days_ago(confirmed_days_ago)
    therapist = factories.make_therapist(accepting_confirmed_on=confirmed_on)

    assert publication.needs_availability_check(therapist) is needs_check
