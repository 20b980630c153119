"""The client's address behind a trusted proxy (core.proxies): the limits count
visitors, not nginx, and no visitor can pick the address they are counted by."""

import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core.proxies import client_address, trusted_networks
from tests import factories
from tests.accounts.helpers import PASSWORD

LOOPBACK = trusted_networks(("127.0.0.1", "10.0.0.0/8"))


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        # nginx on loopback appended the address it saw.
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
        # A client's own header is to the left: never believed.
        ("127.0.0.1", "198.51.100.7, 203.0.113.5", "203.0.113.5"),
        # Two trusted hops (a balancer, then nginx): skipped from the right.
        ("127.0.0.1", "203.0.113.5, 10.1.2.3", "203.0.113.5"),
        # Straight to the app server from outside: its own address, whatever it says.
        ("203.0.113.9", "127.0.0.1", "203.0.113.9"),
        ("203.0.113.9", "", "203.0.113.9"),
        # From the proxy, without the header (its own health check).
        ("127.0.0.1", "", "127.0.0.1"),
        # Every hop trusted: the first one is the client.
        ("127.0.0.1", "10.0.0.4, 10.0.0.5", "10.0.0.4"),
        # Garbage to the left of the proxies' part stops the walk there.
        ("127.0.0.1", "not-an-ip, 10.0.0.5", "10.0.0.5"),
        ("127.0.0.1", "203.0.113.5, junk", "127.0.0.1"),
        ("127.0.0.1", " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_the_client_is_the_rightmost_address_no_trusted_proxy_wrote(
    remote, forwarded, client
):
    assert client_address(remote, forwarded, LOOPBACK) == client


def test_a_proxy_that_is_no_address_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_TRUSTED_PROXIES"):
        trusted_networks(("nginx.internal",))


def test_ranges_are_networks():
    assert trusted_networks(("10.0.0.0/8",)) == (ipaddress.ip_network("10.0.0.0/8"),)


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_visitor_has_their_own_lockout(client, settings):
    """Five wrong passwords from one visitor lock that visitor's address, not
    the proxy's: another visitor through the same nginx still logs in."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    factories.make_account("dana@example.org")
    user = factories.make_account("lee@example.org")

    def log_in(email, password, visitor):
        return client.post(
            reverse("login"),
            {"username": email, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=visitor,
        )

    # Different accounts, so only the lock by IP can be at work.
    for n in range(5):
        log_in(f"nobody{n}@example.org", "wrong-password", "203.0.113.5")
    assert log_in("dana@example.org", PASSWORD, "203.0.113.5").status_code == 429

    assert log_in("lee@example.org", PASSWORD, "198.51.100.7").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_without_trusted_proxies_the_header_changes_nothing(client, settings):
    """A visitor cannot escape a lock by sending X-Forwarded-For."""
    settings.TRUSTED_PROXIES = []
    factories.make_account("lee@example.org")
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": f"nobody{n}@example.org", "password": "wrong-password"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    answer = client.post(
        reverse("login"),
        {"username": "lee@example.org", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="192.0.2.1",
    )
    assert answer.status_code == 429
