"""How often one client IP may call the API: counted by core.ratelimit in the
"read-limits" cache (Redis, shared by every worker, when REDIS_URL is set; else
each worker's memory, so that a read never writes to the database). The rate
is settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"] ("120/minute";
"off" for none); over it, a 429 with Retry-After."""

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from core.ratelimit import Limit, RateLimited, client_ip

SCOPE = "api"
OFF = ("", "off", "none")


def current_limit() -> Limit | None:
    """The API's limit as the settings say now (None: not limited)."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(SCOPE)
    if rate is None or str(rate).strip().lower() in OFF:
        return None
    count, seconds = SimpleRateThrottle.parse_rate(None, rate)
    return Limit(SCOPE, count=count, seconds=seconds, store="read-limits")


class ClientIPThrottle(BaseThrottle):
    """At most the API's rate per client IP (core.ratelimit.client_ip)."""

    def allow_request(self, request, view) -> bool:
        self.retry_after = None
        limit = current_limit()
        if limit is None:
            return True
        try:
            limit.hit(client_ip(request))
        except RateLimited as limited:
            self.retry_after = limited.wait
            return False
        return True

    def wait(self) -> float | None:
        return self.retry_after
