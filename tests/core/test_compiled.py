"""Statements compiled once per connection (core.compiled): each call gives
what the queryset gives, model instances or values() rows, for any values; a
queryset whose SQL or parameters do not follow its inputs is refused."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.compiled import NotPreparable, Prepared
from tests import factories
from therapists.models import Therapist

pytestmark = pytest.mark.django_db
EXAMPLES = (
    {"low": 1_000_001, "high": 1_000_002},
    {"low": 2_000_001, "high": 2_000_009},
)


def staff_counts(*, low, high):
    return (
        get_user_model()
        .objects.filter(pk__gte=low, pk__lte=high)
        .values("is_staff")
        .annotate(n=Count("pk"), named=Count("pk", filter=Q(username="owner")))
        .order_by("is_staff")
    )


def test_values_rows_are_the_querysets_rows_for_any_values():
    owner = factories.make_user(username="owner")
    for n in range(3):
        factories.make_user(username=f"staff{n}", is_staff=True)
    prepared = Prepared(staff_counts, *EXAMPLES)

    for low, high in [(owner.pk, owner.pk + 10), (owner.pk + 1, owner.pk + 1)]:
        rows = prepared(low=low, high=high)
        assert rows == list(staff_counts(low=low, high=high))
    assert prepared(low=owner.pk, high=owner.pk + 10) == [
        {"is_staff": False, "n": 1, "named": 1},
        {"is_staff": True, "n": 3, "named": 0},
    ]


def test_instances_are_the_querysets_with_their_annotations():
    therapists = [factories.make_therapist(slug=f"t{n}") for n in range(3)]

    def build(*, slug):
        return Therapist.objects.filter(slug=slug).annotate(n=Count("locations"))

    prepared = Prepared(build, {"slug": "a"}, {"slug": "b"})
    for therapist in therapists:
        (found,) = prepared(slug=therapist.slug)
        assert isinstance(found, Therapist)
        assert (found.pk, found.slug, found.n) == (therapist.pk, therapist.slug, 0)
        assert found.created_at == therapist.created_at  # converted as the ORM does


def test_the_queryset_is_built_for_its_examples_only():
    users = [factories.make_user(username=f"u{n}") for n in range(3)]
    built = []

    def build(*, user):
        built.append(user)
        return get_user_model().objects.filter(pk=user).values("username")

    prepared = Prepared(build, {"user": 1_000_001}, {"user": 2_000_002})
    names = [prepared(user=user.pk)[0]["username"] for user in users]

    assert names == ["u0", "u1", "u2"]
    assert set(built) == {1_000_001, 2_000_002}


def test_a_time_before_an_input_follows_it():
    user = factories.make_user(username="ada")

    def build(*, now):
        since = now - datetime.timedelta(days=1)
        return get_user_model().objects.filter(date_joined__gte=since).values("pk")

    now = timezone.now()
    prepared = Prepared(
        build,
        {"now": datetime.datetime(2001, 2, 3, tzinfo=datetime.UTC)},
        {"now": datetime.datetime(2004, 5, 6, tzinfo=datetime.UTC)},
    )
    assert prepared(now=now) == [{"pk": user.pk}]
    assert prepared(now=now + datetime.timedelta(days=2)) == []


def test_a_statement_whose_sql_changes_with_a_value_is_refused():
    prepared = Prepared(
        lambda *, n: Therapist.objects.order_by("pk")[:n], {"n": 1}, {"n": 2}
    )
    with pytest.raises(NotPreparable):
        prepared(n=1)


def test_a_statement_that_reads_the_clock_is_refused():
    """A parameter no input gives (here the moment it was compiled) would be
    frozen in the statement for good: compiling fails instead."""

    def build(*, slug: str) -> QuerySet:
        return Therapist.objects.filter(slug=slug, created_at__lte=timezone.now())

    prepared = Prepared(build, {"slug": "a"}, {"slug": "b"})
    with pytest.raises(NotPreparable):
        prepared(slug="a")


def test_other_shapes_of_rows_are_refused():
    prepared = Prepared(
        lambda *, user: get_user_model().objects.filter(pk=user).values_list("pk"),
        {"user": 1_000_001},
        {"user": 2_000_002},
    )
    with pytest.raises(NotPreparable):
        prepared(user=1)
