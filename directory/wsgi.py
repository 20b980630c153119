"""WSGI entry point (gunicorn directory.wsgi)."""

import gc
import os

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
