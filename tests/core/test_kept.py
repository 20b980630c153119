"""Rendered markup kept in a cache, read past when the cache fails (core.kept)."""

import pytest
from django.core.cache import caches

from core import kept


@pytest.fixture
def broken(monkeypatch):
    """The "pages" cache, failing on every call: the calls made to it."""
    asked = []

    def fail(*args, **kwargs):
        asked.append(args)
        raise ConnectionError("the cache is down")

    for method in ("get", "get_many", "set", "set_many"):
        monkeypatch.setattr(caches["pages"], method, fail)
    return asked


def test_kept_entries_are_read_back():
    cache = kept.Kept("pages", 60, "test cache")
    cache.set("a", "<p>a</p>")
    cache.set_many({"b": "<p>b</p>", "c": "<p>c</p>"})
    assert cache.get("a") == "<p>a</p>"
    assert cache.get_many(["b", "c", "d"]) == {"b": "<p>b</p>", "c": "<p>c</p>"}


def test_a_cache_that_fails_is_read_past_then_left_alone(broken, monkeypatch, caplog):
    cache = kept.Kept("pages", 60, "test cache")
    assert cache.get("a") is None
    assert "The test cache could not be read" in caplog.text
    assert len(broken) == 1
    # Left alone for PAUSE seconds: every call is a miss, none reaches it.
    assert cache.get_many(["a", "b"]) == {}
    cache.set("a", "x")
    cache.set_many({"a": "x"})
    assert len(broken) == 1
    monkeypatch.setattr(cache, "paused_until", 0.0)
    cache.set_many({"a": "x"})
    assert len(broken) == 2
    assert "The test cache could not be written" in caplog.text


def test_each_cache_is_paused_on_its_own(broken):
    failing = kept.Kept("pages", 60, "failing")
    working = kept.Kept("cards", 60, "working")
    failing.get("a")
    working.set("a", "x")
    assert working.get("a") == "x"
