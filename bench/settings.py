"""The site's settings with the bench's floor mounted (bench/floor.py): used by
`bench/run.py`'s gunicorn and `bench/time_search.py`, never by the site."""

from directory.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
