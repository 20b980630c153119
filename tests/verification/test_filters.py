"""CredentialFilter: the staff queue's parameters, each narrowing through one
CredentialQuerySet method, and a plain message for every value it cannot use."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from verification.filters import CredentialFilter
from verification.models import Credential

pytestmark = pytest.mark.django_db

Status = Credential.Status


def filtered(**params) -> list[str]:
    filters = CredentialFilter(params, queryset=Credential.objects.oldest_first())
    assert filters.is_valid(), filters.errors
    return list(filters.qs.values_list("number", flat=True))


def errors(**params) -> dict:
    filters = CredentialFilter(params, queryset=Credential.objects.all())
    assert not filters.is_valid()
    return {name: list(messages) for name, messages in filters.errors.items()}


@pytest.fixture
def queue(therapist, other_therapist):
    now = timezone.now()
    made = []
    for therapist_, number, kind, state, days_ago in [
        (therapist, "MT-500001", Credential.Kind.STATE_LICENCE, "NY", 1),
        (therapist, "BC-5000002", Credential.Kind.BOARD_CERTIFICATION, "US", 4),
        (other_therapist, "MT-500003", Credential.Kind.STATE_LICENCE, "CO", 8),
        (other_therapist, "MT-500004", Credential.Kind.STATE_LICENCE, "NY", 15),
    ]:
        credential = factories.make_credential(
            therapist_,
            number=number,
            kind=kind,
            jurisdiction=state,
            issuer=f"Board {number}",
            status=Status.PENDING,
        )
        Credential.objects.filter(pk=credential.pk).update(
            created_at=now - datetime.timedelta(days=days_ago)
        )
        made.append(credential)
    return made


def test_no_parameters_is_the_whole_queue_oldest_first(queue):
    assert filtered() == ["MT-500004", "MT-500003", "BC-5000002", "MT-500001"]


def test_each_parameter_narrows_and_they_combine(queue):
    assert filtered(q="olive") == ["MT-500004", "MT-500003"]
    assert filtered(q="5000002") == ["BC-5000002"]
    assert filtered(state="NY") == ["MT-500004", "MT-500001"]
    assert filtered(kind="board_certification") == ["BC-5000002"]
    assert filtered(waiting="3") == ["MT-500004", "MT-500003", "BC-5000002"]
    assert filtered(waiting="7") == ["MT-500004", "MT-500003"]
    assert filtered(waiting="14") == ["MT-500004"]
    assert filtered(state="NY", waiting="7", q="olive") == ["MT-500004"]
    assert filtered(state="TX") == []


def test_newest_first_is_an_option(queue):
    assert filtered(sort="newest") == [
        "MT-500001",
        "BC-5000002",
        "MT-500003",
        "MT-500004",
    ]
    assert filtered(sort="oldest", kind="state_licence") == [
        "MT-500004",
        "MT-500003",
        "MT-500001",
    ]


def test_narrows_says_whether_anything_is_left_out(queue):
    for params, narrows in [
        ({}, False),
        ({"sort": "newest", "page": "2"}, False),
        ({"q": "  "}, False),
        ({"q": "olive"}, True),
        ({"waiting": "3"}, True),
    ]:
        filters = CredentialFilter(params, queryset=Credential.objects.all())
        assert filters.is_valid()
        assert filters.narrows is narrows, params


WAITED = "Choose how long they have waited from the list."
STATE = "Choose a state from the list."


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"waiting": "30"}, {"waiting": [WAITED]}),
        ({"waiting": "-1"}, {"waiting": [WAITED]}),
        (
            {"kind": "passport"},
            {"kind": ["Choose a kind of credential from the list."]},
        ),
        ({"state": "New York"}, {"state": [STATE]}),
        ({"state": "ny"}, {"state": [STATE]}),
        ({"sort": "-created_at"}, {"sort": ["Choose an order from the list."]}),
        ({"q": "x" * 101}, {"q": ["Search with at most 100 characters."]}),
        ({"q": "MT\x00001"}, {"q": ["Search with letters, digits and dashes."]}),
    ],
)
def test_a_value_it_cannot_use_gets_a_plain_message(queue, params, expected):
    assert errors(**params) == expected
