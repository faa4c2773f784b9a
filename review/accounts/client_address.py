"""The address a request really came from, for the login lockout and rate limits.

Behind the TLS proxy every request arrives from the proxy's address, so a lockout per address
would lock every person out at once, and one per name would let anyone lock a named person out.
Only proxies listed in TRUSTED_PROXIES may tell us the client's address (X-Forwarded-For); the
header is read from the right, skipping our own proxies, because everything left of the first
untrusted hop can be forged by the client.
"""

from __future__ import annotations

from functools import cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest


@cache
def _trusted(networks: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(network, strict=False) for network in networks)


def _is_trusted(address: str) -> bool:
    try:
        parsed = ip_address(address.strip())
    except ValueError:
        return False
    return any(parsed in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The first hop, from the right, that is not one of our proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _is_trusted(hop):
            try:
                return str(ip_address(hop))
            except ValueError:
                break  # garbage from a client: fall back to the proxy's address
    return remote
