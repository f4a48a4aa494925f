"""Where a webhook may be sent: never into the agency's own network (SSRF).

An endpoint's host is resolved when it is registered and again before each delivery,
and the connection goes to an address checked then (addresses are pinned for the
connection, so a name that resolves differently a moment later, DNS rebinding, gains
nothing). Private, loopback, link-local, multicast, reserved and unspecified addresses,
IPv4 or IPv6 (IPv4-mapped, 6to4 and Teredo included), are refused unless
``WEBHOOKS_ALLOW_PRIVATE`` is on (tests, a receiver on the same machine).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeAddress(ValueError):
    """The URL is not one a webhook may be sent to; the message says why (translated)."""


def _embedded(address: IPAddress) -> list[IPAddress]:
    """The address and the IPv4 addresses an IPv6 one carries (and routes to)."""
    found: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            found.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            found.append(address.sixtofour)
        if address.teredo is not None:
            found.extend(address.teredo)
    return found


def is_public(address: IPAddress) -> bool:
    for each in _embedded(address):
        if (
            each.is_private
            or each.is_loopback
            or each.is_link_local
            or each.is_multicast
            or each.is_reserved
            or each.is_unspecified
            or not each.is_global
        ):
            return False
    return True


def split_url(url: str) -> tuple[SplitResult, str, int]:
    """The URL's parts, its host and port; UnsafeAddress for anything but http(s)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UnsafeAddress(_("Enter a valid address.")) from error
    if parts.scheme not in ("http", "https"):
        raise UnsafeAddress(_("The address must start with https:// or http://."))
    if not parts.hostname:
        raise UnsafeAddress(_("Enter a valid address."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeAddress(_("The address cannot carry a user name or password."))
    return parts, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to now, those a webhook may reach; UnsafeAddress
    when it does not resolve, or when any of them is private (one bad answer is enough:
    a name that mixes public and private addresses is refused)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnsafeAddress(
            _("The address %(host)s could not be found.") % {"host": host}
        ) from error
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in answers:
        text = str(sockaddr[0]).split("%", 1)[0]  # an IPv6 scope id is not part of it
        if text not in addresses:
            addresses.append(text)
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        for text in addresses:
            if is_public(ipaddress.ip_address(text)):
                continue
            if text == host:
                message = _(
                    "%(host)s is a private or local address: webhooks are only sent to "
                    "addresses on the internet."
                )
            else:
                message = _(
                    "%(host)s leads to a private or local address (%(address)s): webhooks "
                    "are only sent to addresses on the internet."
                )
            raise UnsafeAddress(message % {"host": host, "address": text})
    if not addresses:
        raise UnsafeAddress(_("The address %(host)s could not be found.") % {"host": host})
    return addresses


def check_url(url: str) -> None:
    """Raise a ValidationError on ``url`` (for the form's field) when a webhook may not
    be sent there now."""
    try:
        _parts, host, port = split_url(url)
        resolve(host, port)
    except UnsafeAddress as error:
        raise ValidationError({"url": str(error)}) from error
