"""The inbox costs the same number of queries however full."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_inbox_queries_do_not_grow_with_the_number_of_requests(client, therapist):
    therapist_account = therapist.user
    factories.make_interview(therapist=therapist)
    factories.make_interview(client=therapist_account)
    client.force_login(therapist_account)
    few = queries_for(client, reverse("interviews:inbox"))
    for _ in range(4):
        factories.make_interview(therapist=therapist)
        factories.make_interview(client=therapist_account)
    assert queries_for(client, reverse("interviews:inbox")) == few
