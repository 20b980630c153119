"""How often one address, account or IP may do something, counted in the
shared cache so every worker sees the same counts (a database table by
default, Redis when REDIS_URL is set).

    SIGNUPS = Limit("signup", count=5, seconds=3600)
    try:
        SIGNUPS.hit(client_ip(request), form.cleaned_data["email"])
    except RateLimited as limited:
        form.add_error(None, limited.message)

Each key (an IP, an address, an account id) is counted on its own, in fixed
windows; the first key over its limit refuses the request, which is logged as
a security event. Keys are hashed: no address or IP is stored in the cache.
Counts that must hold exactly under concurrency (reviews, interview requests)
are counted in the database inside the write's lock instead.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import caches

logger = logging.getLogger("security")


class RateLimited(Exception):
    """Refused: too many attempts; `wait` is how many seconds until the next."""

    def __init__(self, limit: "Limit", wait: int):
        self.limit = limit
        self.wait = wait
        super().__init__(self.message)

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.wait / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return f"Too many attempts. Please try again in {minutes} {unit}."


@dataclass(frozen=True)
class Limit:
    """At most `count` times per `seconds`, for each key on its own."""

    action: str
    count: int
    seconds: int
    # The cache alias that keeps the counts (settings.CACHES): the shared one,
    # or "read-limits" for limits on reads, which must not write to the database.
    store: str = "default"

    def _key(self, value: str, window: int) -> str:
        digest = hashlib.sha256(str(value).strip().lower().encode()).hexdigest()[:32]
        return f"ratelimit:{self.action}:{digest}:{window}"

    def hit(self, *values: str) -> None:
        """Count one attempt against every key; raise RateLimited (counting
        nothing more) when any of them is already at its limit."""
        now = time.time()
        window = int(now // self.seconds)
        keys = [self._key(value, window) for value in values if value]
        cache = caches[self.store]
        counts = cache.get_many(keys)
        if any(counts.get(key, 0) >= self.count for key in keys):
            wait = int((window + 1) * self.seconds - now) + 1
            logger.warning(
                "rate limit hit", extra={"event": "rate_limited", "action": self.action}
            )
            raise RateLimited(self, wait)
        for key in keys:
            if not cache.add(key, 1, timeout=self.seconds + 1):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add() and incr()
                    cache.add(key, 1, timeout=self.seconds + 1)

    def reset(self, *values: str) -> None:
        """Forget the counts of these keys (in the current window)."""
        window = int(time.time() // self.seconds)
        caches[self.store].delete_many(
            [self._key(value, window) for value in values if value]
        )


def client_ip(request) -> str:
    """The client's IP address as the server saw it (REMOTE_ADDR; a proxy in
    front must make it the client's, e.g. gunicorn's --proxy-protocol)."""
    return request.META.get("REMOTE_ADDR", "")
