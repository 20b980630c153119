"""The client's address behind a proxy we trust (DJANGO_TRUSTED_PROXIES).

Every limit counts by `REMOTE_ADDR` (core.ratelimit.client_ip, django-axes'
lockout by IP), and so do the logs. Behind nginx that is nginx's address: every
visitor would share one limit, and five wrong passwords from anyone would lock
everyone out. This middleware, first in the stack, puts the client's address
in `REMOTE_ADDR` instead, taken from `X-Forwarded-For`, but only when the
request comes from a trusted proxy, and only the part of the header trusted
proxies wrote: nginx's `$proxy_add_x_forwarded_for` appends the address it saw,
so the header is read from the right, skipping trusted hops, and the first
other address is the client. Whatever a client writes to the left is never
believed. A request straight to an app server, from an address not trusted,
keeps its own `REMOTE_ADDR` whatever its headers say.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of settings.TRUSTED_PROXIES: addresses or CIDR ranges."""
    try:
        return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)
    except ValueError as error:
        raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES: {error}") from None


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(remote_addr: str, forwarded_for: str, trusted) -> str:
    """The client's address: `remote_addr`, or, when that is a trusted proxy,
    the rightmost address of `forwarded_for` that is not one."""

    def is_trusted(address) -> bool:
        return any(address in network for network in trusted)

    peer = _address(remote_addr)
    if peer is None or not is_trusted(peer):
        return remote_addr
    client = remote_addr
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            # A hop that is no address was not written by a proxy of ours: stop
            # at the last one that was.
            break
        client = str(address)
        if not is_trusted(address):
            break
    return client


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = trusted_networks(tuple(settings.TRUSTED_PROXIES))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                self.trusted,
            )
        return self.get_response(request)
