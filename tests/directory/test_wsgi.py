"""The WSGI entry point settles what a worker keeps out of the collector's way
(directory.wsgi): once at start, once more after its first requests."""

import gc

import pytest
from django.core.signals import request_finished

from directory import wsgi


@pytest.fixture
def counting(monkeypatch):
    """A fresh count and the receiver connected, as in a new worker (the test
    client's requests may have used the suite's count up); disconnected after,
    so the test process itself is not frozen again."""
    monkeypatch.setattr(wsgi, "_served", 0)
    request_finished.connect(wsgi._settle_after_warm_up)
    yield
    request_finished.disconnect(wsgi._settle_after_warm_up)


def test_after_its_first_requests_a_worker_freezes_what_they_built_once(
    counting, monkeypatch
):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    for _ in range(wsgi.WARM_REQUESTS - 1):
        wsgi._settle_after_warm_up()
    assert frozen == []
    # Connected until then: each finished request counts.
    assert request_finished.disconnect(wsgi._settle_after_warm_up)
    request_finished.connect(wsgi._settle_after_warm_up)
    wsgi._settle_after_warm_up()
    assert frozen == [True]
    # Then no longer connected: once is all.
    assert not request_finished.disconnect(wsgi._settle_after_warm_up)
