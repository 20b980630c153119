"""The write-lock clock of bench/write_lock.py: on SQLite it times each
transaction from BEGIN IMMEDIATE to its end, and each write outside one."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from bench.write_lock import LockClock, percentile

# Committed writes; naming every app makes the flush after each test cascade
# through PostgreSQL's search table (tests/reviews/concurrency.py's RACE).
pytestmark = pytest.mark.django_db(
    transaction=True,
    available_apps=[config.name for config in apps.get_app_configs()],
)


@pytest.fixture
def clock():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    connection.ensure_connection()
    clock = LockClock(connection)
    yield clock
    clock.detach()


def test_transactions_and_lone_writes_hold_the_lock(clock):
    users = get_user_model().objects
    with connection.execute_wrapper(clock):
        with transaction.atomic():
            users.create(username="ada")
            users.filter(username="ada").count()
        users.filter(username="ada").update(first_name="Ada")
        users.count()  # a read outside a transaction holds nothing

    assert clock.statements >= 4  # and whatever a signal on the user asks
    assert [len(inside) for _, inside in clock.holds] == [2, 1]
    assert clock.holds[1][1][0][1].startswith('UPDATE "auth_user"')
    transaction_held, statements = clock.holds[0]
    assert transaction_held >= sum(took for took, _ in statements) > 0


def test_a_rolled_back_transaction_is_a_hold_too(clock):
    with connection.execute_wrapper(clock), pytest.raises(RuntimeError):
        with transaction.atomic():
            get_user_model().objects.create(username="ada")
            raise RuntimeError

    assert len(clock.holds) == 1
    assert not get_user_model().objects.exists()


def test_detach_gives_back_the_connections_methods(clock):
    clock.detach()
    with transaction.atomic():
        get_user_model().objects.create(username="ada")

    assert clock.holds == []


def test_percentile():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([5.0, 1.0, 3.0], 0.99) == 5.0
