"""Read statements compiled once per process (core.compiled): the rows are the
queryset's own, for any values, and the queryset is built only once."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from core.compiled import Compiled
from tests import factories

pytestmark = pytest.mark.django_db


def test_rows_are_the_querysets_rows_for_each_value():
    users = [factories.make_user(username=f"u{n}", is_staff=n % 2) for n in range(4)]
    User = get_user_model()

    def build(user, staff):
        return User.objects.filter(pk=user, is_staff=bool(staff)).values(
            "pk", "username"
        )

    compiled = Compiled(lambda user: build(user, 1), "user")
    for user in users:
        assert compiled.rows(user=user.pk) == list(build(user.pk, 1))


def test_the_queryset_is_built_once_per_database():
    users = [factories.make_user(username=f"u{n}") for n in range(3)]
    built = []

    def build(user):
        built.append(user)
        return get_user_model().objects.filter(pk=user).values("username")

    compiled = Compiled(build, "user")
    names = [compiled.rows(user=user.pk)[0]["username"] for user in users]

    assert names == ["u0", "u1", "u2"]
    assert len(built) == 1
    assert built[0] > 2_000_000_000, "built around a stand-in, not a caller's value"


def test_annotations_and_several_values():
    owner = factories.make_user(username="owner")
    for n in range(3):
        factories.make_user(username=f"staff{n}", is_staff=True)

    def build(low, high):
        return (
            get_user_model()
            .objects.filter(pk__gte=low, pk__lte=high)
            .values("is_staff")
            .annotate(n=Count("pk"), named=Count("pk", filter=Q(username="owner")))
            .order_by("is_staff")
        )

    compiled = Compiled(build, "low", "high")
    rows = compiled.rows(low=owner.pk, high=owner.pk + 10)

    assert rows == list(build(owner.pk, owner.pk + 10))
    # SQLite's driver gives 0 and 1 for booleans, which equal False and True.
    assert rows == [
        {"is_staff": False, "n": 1, "named": 1},
        {"is_staff": True, "n": 3, "named": 0},
    ]
    assert compiled.rows(low=owner.pk + 1, high=owner.pk + 1) == [
        {"is_staff": True, "n": 1, "named": 0}
    ]


def test_a_name_the_statement_does_not_use_is_refused():
    compiled = Compiled(
        lambda user, unused: get_user_model().objects.filter(pk=user).values("pk"),
        "user",
        "unused",
    )
    with pytest.raises(ValueError, match="unused"):
        compiled.rows(user=1, unused=2)
