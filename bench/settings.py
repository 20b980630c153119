"""The site's settings with the bench's floor mounted (bench/floor.py): used by
`bench/run.py`'s gunicorn and `bench/time_search.py`, never by the site."""

from directory.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The bench talks plain HTTP on loopback: cookies without Secure or __Host-, so
# the mixed load's logged-in clients (bench/concurrent_reviews.py) send them.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
