"""Where a request comes from, when the portal may sit behind reverse proxies.

A reverse proxy connects to the app server itself, so REMOTE_ADDR is the proxy's
address; the client's is in the X-Forwarded-For header the proxy appends to. Anyone can
send that header, so it is believed only when the connection comes from one of
``TRUSTED_PROXIES``, and then only up to the first hop no trusted proxy vouches for:
the list is read from the right (the hop nearest to us), skipping trusted proxies,
and the first other address is the client. Everything to its left was written by
the client and may be forged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str], *, setting: str = "TRUSTED_PROXIES") -> list[Network]:
    """Addresses and CIDRs (``10.0.0.0/8``, ``::1``), as networks; a typo stops the start."""
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{setting}: {entry!r} is not an IP address or network (e.g. 10.0.0.0/8)"
            ) from error
    return networks


def _address(text: str) -> Address | None:
    """The address in ``text``; an IPv4-mapped IPv6 address (a dual-stack socket's
    ``::ffff:10.0.0.1``) as the IPv4 address it is."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the connection comes from one of TRUSTED_PROXIES (so its headers count)."""
    address = _address(request.META.get("REMOTE_ADDR") or "")
    return address is not None and _is_trusted(address, settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str | None:
    """The client's address, for throttling and the audit log (None when unknown)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies: Sequence[Network] = settings.TRUSTED_PROXIES
    peer = _address(remote or "")
    if peer is None or not _is_trusted(peer, proxies):
        # A direct connection: whatever X-Forwarded-For it sends is the client's own say.
        return str(peer) if peer is not None else remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return str(peer)
    leftmost: Address | None = None
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Garbage where a trusted proxy should have written an address: believe none
            # of the header rather than guess.
            return str(peer)
        if not _is_trusted(address, proxies):
            return str(address)
        leftmost = address
    # Every hop is one of our proxies (a health check from inside): the farthest one.
    return str(leftmost)
