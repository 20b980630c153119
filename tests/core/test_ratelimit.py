import logging

import pytest

from core.ratelimit import Limit, RateLimited

pytestmark = pytest.mark.django_db


def test_a_key_may_act_up_to_its_limit_then_is_refused_with_the_wait():
    limit = Limit("test-action", count=3, seconds=600)
    for _ in range(3):
        limit.hit("203.0.113.9")

    with pytest.raises(RateLimited) as refused:
        limit.hit("203.0.113.9")

    assert 0 < refused.value.wait <= 601
    assert "Please try again in" in refused.value.message


def test_each_key_is_counted_on_its_own_and_any_key_over_refuses():
    limit = Limit("test-keys", count=2, seconds=600)
    limit.hit("ip-1", "a@example.org")
    limit.hit("ip-2", "a@example.org")

    limit.hit("ip-1", "b@example.org")  # ip-1 is at 2 now
    with pytest.raises(RateLimited):
        limit.hit("ip-3", "a@example.org")  # the address is at its limit
    with pytest.raises(RateLimited):
        limit.hit("ip-1", "c@example.org")


def test_addresses_are_counted_whatever_their_case():
    limit = Limit("test-case", count=1, seconds=600)
    limit.hit("Someone@Example.org")
    with pytest.raises(RateLimited):
        limit.hit("someone@example.org ")


def test_a_refusal_is_logged_as_a_security_event(caplog):
    limit = Limit("test-log", count=1, seconds=600)
    limit.hit("ip")
    with (
        caplog.at_level(logging.WARNING, logger="security"),
        pytest.raises(RateLimited),
    ):
        limit.hit("ip")
    assert [r.action for r in caplog.records] == ["test-log"]
    assert "ip" not in caplog.text


def test_reset_forgets_the_count():
    limit = Limit("test-reset", count=1, seconds=600)
    limit.hit("ip")
    limit.reset("ip")
    limit.hit("ip")
