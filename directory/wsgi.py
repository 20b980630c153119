"""WSGI entry point (gunicorn directory.wsgi)."""

import gc
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")

application = get_wsgi_application()


def _settle_long_lived_objects() -> None:
    """Load what every worker keeps for its lifetime, then hide it from the
    cyclic garbage collector: the offline ZIP code index alone is ~300,000
    objects, and each full collection walking them paused a request for
    ~150 ms (the search page's p99). Nothing frozen is ever freed, which is
    what these objects are for."""
    from therapists import geocoding

    geocoding.warm_up()
    gc.collect()
    gc.freeze()


_settle_long_lived_objects()

# Requests after which a worker's caches are full enough to settle (below).
WARM_REQUESTS = 50
_served = 0


def _settle_after_warm_up(**kwargs) -> None:
    """Once, after a worker's first WARM_REQUESTS requests: freeze again what
    those requests built to keep (compiled statements and templates, the
    filters' shapes, the widget and card caches). Left in the collected
    generations, each full collection walked them all: 28 ms median in-process,
    a request in about fifty, the search pages' p99; after this, 11-15 ms."""
    global _served
    _served += 1
    if _served >= WARM_REQUESTS:
        request_finished.disconnect(_settle_after_warm_up)
        gc.collect()
        gc.freeze()


request_finished.connect(_settle_after_warm_up)
